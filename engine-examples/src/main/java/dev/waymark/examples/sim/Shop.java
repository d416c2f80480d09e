package dev.waymark.examples.sim;

import dev.waymark.Action;
import dev.waymark.Event;
import dev.waymark.examples.sim.Catalogue.Product;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A synthetic online shop that produces Waymark events hour by hour: visitors arrive, browse, fill carts,
 * abandon or buy them, subscribe, open or ignore newsletters, review, refer, wish for sold-out products and
 * drift away. Existing customers come with an order history from before the start.
 *
 * <p>With {@link #react(Action)} the shop also does what a host does with the engine's actions: it sends
 * the messages (an {@code email.sent} event), and the shoppers open or ignore them and act on them — an
 * opened cart reminder often brings the shopper back to buy that cart, a win-back email or coupon wakes a
 * dormant customer, a review request gets reviews. Without it (the sample export) the shop runs as it
 * would with no journey engine.
 *
 * <p>Everything is drawn from one {@link SplittableRandom} with the given seed and the clock is the
 * caller's, so the same seed and the same calls give the same events. Not thread-safe.
 */
public final class Shop {

    /**
     * What to simulate.
     *
     * @param contacts       how many people the shop ever sees
     * @param start          the simulated clock's start; new visitors arrive from then on
     * @param hours          how long the run lasts, in hours
     * @param returningShare share of contacts who are customers from before the start, with an order history
     * @param abandonAfter   how long a cart must sit untouched to count as abandoned (the abandoned-cart delay)
     * @param conversionWindow how long after a message an order counts as its conversion: the engine's goal
     *                       window ({@code policies.conversion.hours}), so that the shop's tally of messages
     *                       and the engine's conversion report judge an order alike
     */
    public record Config(int contacts, Instant start, int hours, double returningShare, Duration abandonAfter,
                         Duration conversionWindow) {

        /** A shop counting an order within the engine's default goal window, 72 hours, as a conversion. */
        public Config(int contacts, Instant start, int hours, double returningShare, Duration abandonAfter) {
            this(contacts, start, hours, returningShare, abandonAfter, Duration.ofHours(72));
        }

        public Config {
            if (contacts < 1) {
                throw new IllegalArgumentException("contacts must be >= 1, was " + contacts);
            }
            if (hours < 1) {
                throw new IllegalArgumentException("hours must be >= 1, was " + hours);
            }
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(abandonAfter, "abandonAfter");
            Objects.requireNonNull(conversionWindow, "conversionWindow");
        }

        /** The end of the run. */
        public Instant end() {
            return start.plus(Duration.ofHours(hours));
        }
    }

    private static final String[] FIRST_NAMES = {"Ada", "Ben", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hugo",
        "Ines", "Jonas", "Kenji", "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara"};
    private static final String[][] ZONES = {{"Europe/Berlin", "de-DE"}, {"Europe/London", "en-GB"},
        {"America/New_York", "en-US"}, {"Europe/Paris", "fr-FR"}, {"America/Chicago", "en-US"}, {"Asia/Tokyo", "ja-JP"}};
    /** Relative traffic by hour of day (UTC): quiet at night, busy in the evening. */
    private static final double[] DIURNAL = {0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 0.9, 1.0, 1.1, 1.2,
        1.3, 1.2, 1.1, 1.1, 1.2, 1.4, 1.7, 1.9, 1.8, 1.4, 0.9, 0.5};

    private final Config config;
    private final SplittableRandom rnd;
    private final Consumer<Event> sink;
    private final Catalogue catalogue = new Catalogue();
    private final List<Shopper> shoppers = new ArrayList<>();
    private final Map<String, Shopper> byId = new LinkedHashMap<>();
    private final PriorityQueue<Intent> intents = new PriorityQueue<>();
    private final Set<String> soldOut = new TreeSet<>();
    private final ShopStats stats = new ShopStats();
    private long eventSeq;
    private long intentSeq;
    private int newsletterSeq;

    /** A shop whose events go to {@code sink}; nothing happens until {@link #openHistory()} and {@link #step}. */
    public Shop(Config config, long seed, Consumer<Event> sink) {
        this.config = Objects.requireNonNull(config, "config");
        this.rnd = new SplittableRandom(seed);
        this.sink = Objects.requireNonNull(sink, "sink");
        int returning = (int) Math.round(config.contacts() * config.returningShare());
        for (int i = 0; i < config.contacts(); i++) {
            Shopper s = new Shopper(i, String.format(Locale.ROOT, "c-%05d", i + 1));
            s.returning = i < returning;
            s.interest = rnd.nextDouble(0.05, 1.0);
            s.visitsPerDay = rnd.nextDouble(0.08, 0.45);
            s.openRate = Math.min(0.9, Math.max(0.02, 0.05 + rnd.nextDouble() * rnd.nextDouble() * 1.1));
            s.favourite = rnd.nextInt(catalogue.categoryCount());
            s.second = (s.favourite + 1 + rnd.nextInt(catalogue.categoryCount() - 1)) % catalogue.categoryCount();
            s.zone = rnd.nextInt(ZONES.length);
            // New visitors arrive over the run (not in its last hour, so each is seen at least once).
            s.arrival = s.returning ? config.start().minus(Duration.ofHours(rnd.nextLong(24L * 40, 24L * 300)))
                    : config.start().plus(Duration.ofMinutes(rnd.nextLong(Math.max(1, (config.hours() - 1) * 60L))));
            shoppers.add(s);
            byId.put(s.id, s);
        }
    }

    /** The catalogue the shop sells. */
    public Catalogue catalogue() {
        return catalogue;
    }

    /** What happened so far, for the report. */
    ShopStats stats() {
        return stats;
    }

    /** The contact ids of every shopper, in index order. */
    public List<String> contactIds() {
        List<String> ids = new ArrayList<>(shoppers.size());
        for (Shopper s : shoppers) {
            ids.add(s.id);
        }
        return ids;
    }

    /**
     * Emits the history of the customers from before the start (their sign-up, browsing and orders, all
     * dated before {@link Config#start()}); call once, first.
     */
    public void openHistory() {
        for (Shopper s : shoppers) {
            if (!s.returning) {
                continue;
            }
            s.arrived = true;
            // Last order somewhere in the past 8 months, earlier ones spaced out before it.
            int orders = 1 + geometric(0.45);
            Instant last = config.start().minus(Duration.ofHours(rnd.nextLong(24L * 3, 24L * 240)));
            List<Instant> times = new ArrayList<>();
            Instant t = last;
            for (int k = 0; k < orders; k++) {
                times.add(0, t);
                t = t.minus(Duration.ofHours(rnd.nextLong(24L * 12, 24L * 80)));
            }
            if (s.arrival.isAfter(times.get(0).minus(Duration.ofDays(1)))) {
                s.arrival = times.get(0).minus(Duration.ofHours(rnd.nextLong(24, 24L * 30)));
            }
            signUp(s, s.arrival, rnd.nextDouble() < 0.7);
            for (Instant at : times) {
                Instant when = at;
                int category = rnd.nextDouble() < 0.7 ? s.favourite : s.second;
                when = view(s, when, category);
                when = addToCart(s, when, pick(catalogue.inCategory(category)), 1);
                placeOrder(s, when.plusSeconds(60 * rnd.nextLong(2, 20)), false);
                if (rnd.nextDouble() < 0.3) {
                    Instant reviewAt = at.plus(Duration.ofHours(rnd.nextLong(48, 24L * 14)));
                    if (reviewAt.isBefore(config.start())) {
                        review(s, reviewAt, s.lastOrderId);
                    }
                }
            }
            s.active = rnd.nextDouble() < 0.45;
        }
    }

    /**
     * Runs one simulated hour from {@code hourStart}: arrivals, visits, newsletters, stock changes, and
     * whatever earlier messages set in motion. Events are dated within the hour (a visit that starts late
     * may spill a few minutes over).
     */
    public void step(Instant hourStart) {
        Instant hourEnd = hourStart.plus(Duration.ofHours(1));
        ZonedDateTime utc = hourStart.atZone(ZoneOffset.UTC);
        if (utc.getHour() == 0) {
            daily(hourStart);
        }
        if (utc.getHour() == 10 && (utc.getDayOfWeek() == DayOfWeek.TUESDAY || utc.getDayOfWeek() == DayOfWeek.FRIDAY)) {
            newsletter(hourStart);
        }
        while (!intents.isEmpty() && intents.peek().at().isBefore(hourEnd)) {
            carryOut(intents.poll());
        }
        double traffic = DIURNAL[utc.getHour()];
        for (Shopper s : shoppers) {
            if (!s.arrived) {
                if (s.arrival.isBefore(hourEnd)) {
                    arrive(s);
                }
                continue;
            }
            if (s.active && rnd.nextDouble() < s.visitsPerDay / 24.0 * traffic) {
                session(s, hourStart.plusSeconds(rnd.nextLong(3600)), Goal.BROWSE, null);
            }
        }
        // A cart untouched for the abandoned-cart delay counts as abandoned, once.
        for (Shopper s : shoppers) {
            if (s.cart != null && !s.cart.abandoned && !s.cart.lines.isEmpty()
                    && !s.cart.lastActivity.plus(config.abandonAfter()).isAfter(hourEnd)) {
                s.cart.abandoned = true;
                stats.cartsAbandoned++;
            }
        }
    }

    /**
     * What a host does with one of the engine's actions: sends the message (an {@code email.sent} event at
     * the action's time) and lets the shopper react later; coupons and retention calls may bring a customer
     * back. Tags, stages and audiences change nothing the shoppers notice.
     */
    public void react(Action a) {
        Shopper s = byId.get(a.contactId());
        if (s == null) {
            return;
        }
        stats.count(a);
        Instant at = a.at();
        String kind = behaviour(a);
        switch (a.type()) {
            case "email.send" -> {
                String template = String.valueOf(a.params().getOrDefault("template", a.rule()));
                if (kind.equals("abandoned-cart") && s.cart != null
                        && (s.cart.id.equals(a.params().get("cartId")) || a.params().containsKey("step"))) {
                    s.cart.reminded = true;
                    stats.cartsReminded++;
                }
                // Each triggered message is its own campaign at the email provider, as a host would report it.
                String campaign = "wm-" + a.rule() + "-" + a.id().substring(0, 8);
                emit(s, "email.sent", at.plusSeconds(rnd.nextLong(30, 600)), Map.of("campaignId", campaign));
                sent(s, a.rule(), at);
                double open = Math.min(0.95, s.openRate * (template.startsWith("welcome") || kind.equals("abandoned-cart") ? 1.5 : 1.1));
                if (rnd.nextDouble() < open) {
                    Object orderId = a.params().get("orderId");
                    if (orderId == null && kind.equals("review-request")) {
                        orderId = s.lastOrderId; // a journey's review request is about the latest order
                    }
                    schedule(at.plus(Duration.ofMinutes(rnd.nextLong(20, 60L * 18))), s, IntentKind.OPEN, campaign, a.rule(),
                            orderId == null ? null : orderId.toString(), kind);
                }
            }
            case "sms.send" -> {
                // A text is read but not tracked: it only nudges a shopper with a cart to come back for it. It
                // converts like an email, as the engine counts every message.
                sent(s, a.rule(), at);
                if (kind.equals("abandoned-cart") && s.cart != null && rnd.nextDouble() < 0.2) {
                    s.active = true;
                    session(s, at.plus(Duration.ofMinutes(rnd.nextLong(10, 60L * 6))), Goal.BUY_CART, null);
                }
            }
            case "coupon.issue" -> {
                if (rnd.nextDouble() < 0.25) {
                    s.active = true;
                    schedule(at.plus(Duration.ofHours(rnd.nextLong(2, 24L * 5))), s, IntentKind.NUDGED_VISIT, null, a.rule(), null);
                }
            }
            case "task.create" -> {
                if (rnd.nextDouble() < 0.3) {
                    s.active = true;
                    schedule(at.plus(Duration.ofHours(rnd.nextLong(24, 24L * 4))), s, IntentKind.NUDGED_VISIT, null, a.rule(), null);
                }
            }
            default -> {
                // tag.add, tag.remove, stage.set, audience.*: the shopper does not notice
            }
        }
    }

    // ---- what happens in the shop ----

    private void daily(Instant dayStart) {
        for (Shopper s : shoppers) {
            if (s.arrived && s.active && rnd.nextDouble() < 0.035) {
                s.active = false; // drifts away; only a message may bring them back
            }
        }
        for (Product p : catalogue.products()) {
            if (soldOut.contains(p.sku())) {
                if (rnd.nextDouble() < 0.2) {
                    restock(p, dayStart.plus(Duration.ofMinutes(rnd.nextLong(6 * 60, 18 * 60))));
                }
            } else if (rnd.nextDouble() < 0.03) {
                soldOut.add(p.sku());
            }
        }
    }

    // The stock system tells Waymark, per contact who wished for the product, that it is back (product.restocked).
    private void restock(Product p, Instant at) {
        soldOut.remove(p.sku());
        for (Shopper s : shoppers) {
            if (s.wishlist.remove(p.sku())) {
                emit(s, "product.restocked", at, Map.of("sku", p.sku()));
                s.lastRestocked = p.sku();
            }
        }
    }

    private void newsletter(Instant at) {
        newsletterSeq++;
        String campaign = String.format(Locale.ROOT, "nl-%03d", newsletterSeq);
        for (Shopper s : shoppers) {
            if (!s.arrived || !s.subscribed) {
                continue;
            }
            emit(s, "email.sent", at.plusSeconds(rnd.nextLong(1800)), Map.of("campaignId", campaign));
            if (rnd.nextDouble() < s.openRate * (s.active ? 1.0 : 0.5)) {
                schedule(at.plus(Duration.ofMinutes(rnd.nextLong(30, 60L * 30))), s, IntentKind.OPEN, campaign, null, null);
            } else if (s.openRate < 0.15 && rnd.nextDouble() < 0.01) {
                s.subscribed = false;
                emit(s, "unsubscribed", at.plusSeconds(rnd.nextLong(1800, 3600)), Map.of("channel", "email"));
            }
        }
    }

    private void arrive(Shopper s) {
        s.arrived = true;
        Instant t = s.arrival;
        boolean subscribes = rnd.nextDouble() < 0.45;
        t = view(s, t, s.favourite);
        if (subscribes || rnd.nextDouble() < 0.2) {
            signUp(s, t.plusSeconds(rnd.nextLong(30, 300)), subscribes);
        }
        session(s, t.plusSeconds(rnd.nextLong(60, 600)), Goal.BROWSE, null);
    }

    private void signUp(Shopper s, Instant at, boolean subscribe) {
        String[] zone = ZONES[s.zone];
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("email", s.id + "@example.com");
        attributes.put("firstName", FIRST_NAMES[s.index % FIRST_NAMES.length]);
        attributes.put("timezone", zone[0]);
        attributes.put("locale", zone[1]);
        emit(s, "contact.updated", at, Map.of("attributes", attributes));
        if (subscribe) {
            s.subscribed = true;
            emit(s, "subscribed", at.plusSeconds(5), Map.of("channel", "email"));
            if (rnd.nextDouble() < 0.15) {
                emit(s, "subscribed", at.plusSeconds(9), Map.of("channel", "sms"));
            }
        }
    }

    private enum Goal { BROWSE, BUY_CART, BUY_SKU, OTHER_CATEGORY, NUDGED }

    /** One visit: a few pages, maybe a cart, maybe an order. {@code goal} says what brought the shopper. */
    private void session(Shopper s, Instant start, Goal goal, String sku) {
        Instant t = start;
        stats.visits++;
        int category = switch (goal) {
            case OTHER_CATEGORY -> s.second;
            case BUY_SKU -> categoryOf(sku);
            default -> rnd.nextDouble() < 0.7 ? s.favourite : (rnd.nextDouble() < 0.5 ? s.second : rnd.nextInt(catalogue.categoryCount()));
        };
        int pages = 1 + rnd.nextInt(2);
        for (int i = 0; i < pages; i++) {
            t = view(s, t, category);
        }
        double buy = switch (goal) {
            case BUY_CART -> 0.8;
            case BUY_SKU -> 0.6;
            case OTHER_CATEGORY, NUDGED -> 0.45 + 0.3 * s.interest;
            case BROWSE -> 0.04 + 0.22 * s.interest;
        };
        if (goal == Goal.BUY_SKU && sku != null && !soldOut.contains(sku)) {
            t = addToCart(s, t, catalogue.product(sku), 1);
        } else if (goal != Goal.BUY_CART && rnd.nextDouble() < 0.12 + 0.3 * s.interest) {
            Product p = pick(catalogue.inCategory(category));
            if (soldOut.contains(p.sku())) {
                if (rnd.nextDouble() < 0.6 && s.wishlist.add(p.sku())) {
                    emit(s, "wishlist.added", t, Map.of("sku", p.sku()));
                    t = t.plusSeconds(rnd.nextLong(20, 90));
                }
            } else {
                t = addToCart(s, t, p, rnd.nextDouble() < 0.2 ? 2 : 1);
                if (rnd.nextDouble() < 0.25) {
                    Product q = pick(catalogue.inCategory(category));
                    if (!soldOut.contains(q.sku())) {
                        t = addToCart(s, t, q, 1);
                    }
                }
            }
        }
        if (s.cart == null || s.cart.lines.isEmpty()) {
            return;
        }
        if (goal == Goal.BROWSE && s.cart.abandoned) {
            buy *= 0.5; // a cart left for hours is half forgotten
        }
        if (rnd.nextDouble() < buy) {
            t = t.plusSeconds(rnd.nextLong(30, 240));
            emit(s, "checkout.started", t, Map.of("cartId", s.cart.id));
            if (rnd.nextDouble() < 0.8) {
                placeOrder(s, t.plusSeconds(rnd.nextLong(60, 400)), true);
            }
        } else if (s.cart.lines.size() > 1 && rnd.nextDouble() < 0.1) {
            String removed = s.cart.lines.keySet().iterator().next();
            s.cart.lines.remove(removed);
            s.cart.lastActivity = t.plusSeconds(30);
            emit(s, "cart.item_removed", s.cart.lastActivity, Map.of("cartId", s.cart.id, "sku", removed));
        }
    }

    private Instant view(Shopper s, Instant t, int category) {
        Product p = pick(catalogue.inCategory(category));
        emit(s, "page.viewed", t, Map.of("url", "/p/" + p.sku()));
        return t.plusSeconds(rnd.nextLong(15, 150));
    }

    private Instant addToCart(Shopper s, Instant t, Product p, int qty) {
        if (s.cart == null) {
            s.cartSeq++;
            s.cart = new Cart(s.id.replace("c-", "k-") + "-" + s.cartSeq);
        }
        s.cart.lines.merge(p.sku(), qty, Integer::sum);
        s.cart.lastActivity = t;
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("cartId", s.cart.id);
        props.put("sku", p.sku());
        props.put("category", p.category());
        props.put("price", p.price());
        props.put("qty", qty);
        emit(s, "cart.item_added", t, props);
        return t.plusSeconds(rnd.nextLong(20, 120));
    }

    private void placeOrder(Shopper s, Instant at, boolean inRun) {
        Cart cart = s.cart;
        double amount = 0;
        Set<String> categories = new TreeSet<>();
        for (Map.Entry<String, Integer> line : cart.lines.entrySet()) {
            Product p = catalogue.product(line.getKey());
            amount += p.price() * line.getValue();
            categories.add(p.category());
        }
        amount = Math.round(amount * 100) / 100.0;
        s.orderSeq++;
        s.lastOrderId = s.id.replace("c-", "o-") + "-" + s.orderSeq;
        emit(s, "order.placed", at, Map.of("orderId", s.lastOrderId, "amount", amount, "cartId", cart.id));
        s.cart = null;
        s.ordersTotal++;
        if (inRun) {
            stats.orders++;
            stats.revenue += amount;
            if (cart.abandoned) {
                if (cart.reminded) {
                    stats.recoveredAfterReminder++;
                } else {
                    stats.recoveredWithoutReminder++;
                }
            }
            if (s.ordersTotal == 1) {
                stats.firstPurchases++;
                s.firstInRun = true;
            } else if (s.ordersTotal == 2 && s.firstInRun) {
                stats.secondPurchases++;
            }
            // Orders after the end are pending in the engine at its last evaluation: it has not seen them.
            if (!at.isAfter(config.end())) {
                Order order = new Order(at, amount);
                s.recentOrders.add(order);
                for (Sent sent : s.sends) {
                    converts(sent, order);
                }
            }
            Instant oldest = at.minus(config.conversionWindow());
            s.sends.removeIf(sent -> sent.at.isBefore(oldest));
            s.recentOrders.removeIf(o -> o.at.isBefore(oldest));
            if (rnd.nextDouble() < 0.05) {
                schedule(at.plus(Duration.ofHours(rnd.nextLong(24, 24L * 12))), s, IntentKind.REVIEW, null, null, s.lastOrderId);
            }
            if (rnd.nextDouble() < 0.03) {
                schedule(at.plus(Duration.ofHours(rnd.nextLong(24, 24L * 20))), s, IntentKind.REFER, null, null, null);
            }
        }
    }

    /**
     * Records a message the shop sent at {@code at}, the action's time. Orders the shopper placed after that
     * but before the shop received the action — within the hour the engine was evaluating — convert it too.
     */
    private void sent(Shopper s, String rule, Instant at) {
        Sent sent = new Sent(rule, at);
        s.sends.add(sent);
        stats.message(rule).sent++;
        for (Order o : s.recentOrders) {
            converts(sent, o);
        }
    }

    /**
     * Counts {@code order} for {@code sent} as the engine's conversion report does (its goal window is
     * (at, at + window]): the message converts, once, with the first order in its window; the order's amount
     * counts once per rule whose messages it follows, however many of them it converts.
     */
    private void converts(Sent sent, Order order) {
        if (!order.at.isAfter(sent.at) || order.at.isAfter(sent.at.plus(config.conversionWindow()))) {
            return;
        }
        ShopStats.Messages m = stats.message(sent.rule);
        if (!sent.converted) {
            sent.converted = true;
            m.converted++;
        }
        if (order.rules.add(sent.rule)) {
            m.revenue += order.amount;
        }
    }

    private void review(Shopper s, Instant at, String orderId) {
        long rating = rnd.nextDouble() < 0.6 ? 5 : rnd.nextDouble() < 0.6 ? 4 : 1 + rnd.nextInt(3);
        emit(s, "review.submitted", at, Map.of("orderId", orderId, "rating", rating));
    }

    // ---- what earlier events and messages set in motion ----

    private enum IntentKind { OPEN, NUDGED_VISIT, REVIEW, REFER }

    /** Something a shopper will do later; ordered by time, then by when it was planned (for determinism). */
    private record Intent(Instant at, long seq, Shopper shopper, IntentKind kind, String campaign, String rule,
                          String ref, String behaviour) implements Comparable<Intent> {
        @Override
        public int compareTo(Intent o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private void schedule(Instant at, Shopper s, IntentKind kind, String campaign, String rule, String ref) {
        schedule(at, s, kind, campaign, rule, ref, rule);
    }

    private void schedule(Instant at, Shopper s, IntentKind kind, String campaign, String rule, String ref, String behaviour) {
        intents.add(new Intent(at, ++intentSeq, s, kind, campaign, rule, ref, behaviour));
    }

    /**
     * How a shopper takes a message: as the standard rule it comes from, or — for a journey's message, whose
     * rule is the journey id — as the standard rule its template resembles (cart-…, welcome-…, review-request,
     * cross-sell, win-back…).
     */
    static String behaviour(Action a) {
        String template = String.valueOf(a.params().getOrDefault("template", ""));
        if (!a.params().containsKey("step")) {
            return a.rule();
        }
        if (template.startsWith("cart")) {
            return "abandoned-cart";
        }
        if (template.startsWith("welcome")) {
            return "welcome-series";
        }
        if (template.startsWith("review")) {
            return "review-request";
        }
        if (template.startsWith("cross-sell")) {
            return "cross-sell";
        }
        if (template.startsWith("win-back")) {
            return "win-back";
        }
        return a.rule();
    }

    private void carryOut(Intent i) {
        Shopper s = i.shopper();
        Instant at = i.at();
        switch (i.kind()) {
            case OPEN -> {
                emit(s, "email.opened", at, Map.of("campaignId", i.campaign()));
                if (i.rule() == null) {
                    stats.newsletterOpens++;
                    if (rnd.nextDouble() < 0.25) {
                        emit(s, "email.clicked", at.plusSeconds(rnd.nextLong(5, 120)), Map.of("campaignId", i.campaign()));
                        session(s, at.plusSeconds(rnd.nextLong(60, 300)), Goal.BROWSE, null);
                    }
                    return;
                }
                stats.message(i.rule()).opened++;
                actOnMessage(s, i.behaviour(), at, i.ref());
            }
            case NUDGED_VISIT -> session(s, at, i.behaviour() != null && i.behaviour().equals("cross-sell") ? Goal.OTHER_CATEGORY : Goal.NUDGED, null);
            case REVIEW -> review(s, at, i.ref());
            case REFER -> emit(s, "referral.made", at, Map.of("referredContactId", "friend-of-" + s.id));
        }
    }

    // An opened message moves some shoppers to act: the heart of the feedback loop.
    private void actOnMessage(Shopper s, String rule, Instant openedAt, String orderId) {
        Instant soon = openedAt.plusSeconds(rnd.nextLong(60, 3 * 3600));
        switch (rule) {
            case "abandoned-cart" -> {
                if (s.cart != null && rnd.nextDouble() < 0.4) {
                    session(s, soon, Goal.BUY_CART, null);
                }
            }
            case "win-back", "unopened-campaigns" -> {
                if (rnd.nextDouble() < (rule.equals("win-back") ? 0.35 : 0.2)) {
                    s.active = true;
                    if (rnd.nextDouble() < 0.6) {
                        session(s, soon, Goal.NUDGED, null);
                    }
                }
            }
            case "review-request" -> {
                if (orderId != null && rnd.nextDouble() < 0.45) {
                    review(s, soon, orderId);
                }
            }
            case "cross-sell" -> {
                if (rnd.nextDouble() < 0.2) {
                    session(s, soon, Goal.OTHER_CATEGORY, null);
                }
            }
            case "back-in-stock" -> {
                if (s.lastRestocked != null && rnd.nextDouble() < 0.45) {
                    session(s, soon, Goal.BUY_SKU, s.lastRestocked);
                }
            }
            default -> {
                // welcome emails and custom messages: a nudge to come back and look
                if (rnd.nextDouble() < 0.2) {
                    session(s, soon, Goal.NUDGED, null);
                }
            }
        }
    }

    // ---- helpers ----

    private void emit(Shopper s, String type, Instant at, Map<String, Object> props) {
        eventSeq++;
        sink.accept(new Event(String.format(Locale.ROOT, "e-%08d", eventSeq), s.id, type, at, props));
        stats.events.merge(type, 1L, Long::sum);
        if (at.isBefore(config.start())) {
            stats.historyEvents.merge(type, 1L, Long::sum);
        }
    }

    private int categoryOf(String sku) {
        String category = catalogue.product(sku).category();
        for (int c = 0; c < catalogue.categoryCount(); c++) {
            if (catalogue.category(c).equals(category)) {
                return c;
            }
        }
        throw new IllegalStateException(sku);
    }

    private <T> T pick(List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }

    private int geometric(double p) {
        int n = 0;
        while (rnd.nextDouble() >= p && n < 12) {
            n++;
        }
        return n;
    }

    /** One person, as the shop simulates them. */
    private static final class Shopper {
        final int index;
        final String id;
        boolean returning;
        boolean arrived;
        boolean active = true;
        boolean subscribed;
        boolean firstInRun;
        Instant arrival;
        double interest;
        double visitsPerDay;
        double openRate;
        int favourite;
        int second;
        int zone;
        Cart cart;
        int cartSeq;
        int orderSeq;
        int ordersTotal;
        String lastOrderId;
        String lastRestocked;
        final Set<String> wishlist = new HashSet<>();
        final List<Sent> sends = new ArrayList<>();
        /** Orders of the run within the conversion window of now, for messages the shop learns of late. */
        final List<Order> recentOrders = new ArrayList<>();

        Shopper(int index, String id) {
            this.index = index;
            this.id = id;
        }
    }

    /** An open cart as the shop knows it. */
    private static final class Cart {
        final String id;
        final Map<String, Integer> lines = new LinkedHashMap<>();
        Instant lastActivity;
        boolean abandoned;
        boolean reminded;

        Cart(String id) {
            this.id = id;
        }
    }

    /** An order of the run, and the rules whose messages it followed (its amount counted once for each). */
    private static final class Order {
        final Instant at;
        final double amount;
        final Set<String> rules = new TreeSet<>();

        Order(Instant at, double amount) {
            this.at = at;
            this.amount = amount;
        }
    }

    /** A message sent to a shopper, waiting to see whether an order follows within the conversion window. */
    private static final class Sent {
        final String rule;
        final Instant at;
        boolean converted;

        Sent(String rule, Instant at) {
            this.rule = rule;
            this.at = at;
        }
    }
}
