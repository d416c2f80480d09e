package dev.waymark.drools.contract;

import dev.waymark.Event;
import dev.waymark.drools.contract.ShopHistory.Tick;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random shop histories for jqwik: a few contacts, each with events of every standard type (and a custom one)
 * with realistic props, delivered mostly on time, some late, some early, some twice; and the evaluation ticks.
 * Built from small choices, so jqwik shrinks a failing history to few contacts, few events and few ticks.
 */
public final class ShopHistories {
    private ShopHistories() {
    }

    /** The first instant of every history. */
    public static final Instant START = Instant.parse("2026-10-01T00:00:00Z");
    /** Events happen within this long from {@link #START}. */
    public static final Duration ACTIVE = Duration.ofDays(12);
    /** Ticks go on this long after the last event could happen, so the rules' delays run out. */
    public static final Duration TAIL = Duration.ofDays(6);

    private static final String[] CATEGORIES = {"kitchen", "garden", "books", "toys"};
    private static final String[] ZONES = {"Europe/Paris", "America/New_York", "Asia/Tokyo", "Not/AZone"};

    /** Histories of one to five contacts, evaluated every 1.5 to 12 hours from {@link #START} to the end of the tail. */
    public static Arbitrary<ShopHistory> histories() {
        return Combinators.combine(contact().list().ofMinSize(1).ofMaxSize(5),
                Arbitraries.integers().between(90, 12 * 60).list().ofSize(40)).as(ShopHistories::build);
    }

    /** What happens next to a contact. */
    enum Kind { PAGE_VIEW, CART_ADD, CART_REMOVE, CHECKOUT, ORDER, CAMPAIGN, ENGAGEMENT, REVIEW, CONSENT, PROFILE, TAG, REFERRAL, CUSTOM }

    /** When an event reaches the engine, relative to its {@code at}. */
    enum Delivery { ON_TIME, LATE, EARLY }

    /**
     * One step of a contact's life.
     *
     * @param kind     what happens
     * @param gap      minutes since the previous step
     * @param pick     chooses among skus, categories, campaigns, orders, channels
     * @param amount   drives prices, quantities, amounts and ratings
     * @param delivery on time, late or early
     * @param shift    minutes late or early
     * @param twice    delivered a second time later on
     */
    record Move(Kind kind, int gap, int pick, int amount, Delivery delivery, int shift, boolean twice) {
    }

    /**
     * A contact's plan.
     *
     * @param subscribes whether it starts by subscribing to email
     * @param offset     minutes after {@link #START} it first appears
     * @param moves      what happens to it next
     */
    record Plan(boolean subscribes, int offset, List<Move> moves) {
    }

    static Arbitrary<Plan> contact() {
        return Combinators.combine(Arbitraries.integers().between(0, 99).map(r -> r < 80),
                Arbitraries.integers().between(0, 2 * 24 * 60), move().list().ofMinSize(1).ofMaxSize(30)).as(Plan::new);
    }

    static Arbitrary<Move> move() {
        Arbitrary<Kind> kind = Arbitraries.frequency(Tuple.of(16, Kind.PAGE_VIEW), Tuple.of(20, Kind.CART_ADD),
                Tuple.of(4, Kind.CART_REMOVE), Tuple.of(5, Kind.CHECKOUT), Tuple.of(14, Kind.ORDER),
                Tuple.of(18, Kind.CAMPAIGN), Tuple.of(5, Kind.ENGAGEMENT), Tuple.of(4, Kind.REVIEW),
                Tuple.of(3, Kind.CONSENT), Tuple.of(3, Kind.PROFILE), Tuple.of(3, Kind.TAG), Tuple.of(2, Kind.REFERRAL),
                Tuple.of(2, Kind.CUSTOM));
        Arbitrary<Delivery> delivery = Arbitraries.frequency(Tuple.of(85, Delivery.ON_TIME), Tuple.of(8, Delivery.LATE),
                Tuple.of(7, Delivery.EARLY));
        return Combinators.combine(kind, Arbitraries.integers().between(20, 24 * 60), Arbitraries.integers().between(0, 999),
                Arbitraries.integers().between(0, 999), delivery, Arbitraries.integers().between(0, 30 * 60),
                Arbitraries.integers().between(0, 99).map(r -> r < 3)).as(Move::new);
    }

    /** An event and when it reaches the engine. */
    private record Arrival(Instant at, Event event) {
    }

    static ShopHistory build(List<Plan> plans, List<Integer> tickGaps) {
        Instant end = START.plus(ACTIVE).plus(TAIL);
        List<Instant> instants = new ArrayList<>();
        for (Instant t = START; ; ) {
            t = t.plus(Duration.ofMinutes(tickGaps.get(instants.size() % tickGaps.size())));
            if (t.isAfter(end)) {
                break;
            }
            instants.add(t);
        }
        List<Arrival> arrivals = new ArrayList<>();
        List<String> contacts = new ArrayList<>();
        for (int c = 0; c < plans.size(); c++) {
            String contact = "c-" + c;
            contacts.add(contact);
            new Life(contact, plans.get(c)).events(arrivals);
        }
        arrivals.sort(Comparator.comparing(Arrival::at)); // stable: a contact's events keep their order
        List<List<Event>> byTick = new ArrayList<>();
        instants.forEach(t -> byTick.add(new ArrayList<>()));
        int tick = 0;
        for (Arrival a : arrivals) {
            while (tick < instants.size() - 1 && instants.get(tick).isBefore(a.at())) {
                tick++;
            }
            byTick.get(tick).add(a.event());
        }
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i < instants.size(); i++) {
            ticks.add(new Tick(instants.get(i), byTick.get(i)));
        }
        return new ShopHistory(new ArrayList<>(new TreeSet<>(contacts)), ticks);
    }

    /** Folds a plan into events, keeping what later events refer to: the open cart, orders, campaigns. */
    private static final class Life {
        private final String contact;
        private final Plan plan;
        private int nextId;
        private String openCart;
        private int carts;
        private final List<String> skus = new ArrayList<>();
        private final List<String> orders = new ArrayList<>();
        private final List<String> campaigns = new ArrayList<>();

        Life(String contact, Plan plan) {
            this.contact = contact;
            this.plan = plan;
        }

        void events(List<Arrival> out) {
            Instant t = START.plus(Duration.ofMinutes(plan.offset()));
            if (plan.subscribes()) {
                out.add(new Arrival(t, event("subscribed", t, "channel", "email")));
            }
            for (Move m : plan.moves()) {
                t = t.plus(Duration.ofMinutes(m.gap()));
                if (t.isAfter(START.plus(ACTIVE))) {
                    return;
                }
                Event e = event(m, t);
                Instant arrives = switch (m.delivery()) {
                    case ON_TIME -> t.plus(Duration.ofMinutes(m.shift() % 5));
                    case LATE -> t.plus(Duration.ofMinutes(m.shift()));
                    case EARLY -> t.minus(Duration.ofMinutes(m.shift() % (6 * 60)));
                };
                out.add(new Arrival(arrives, e));
                if (m.twice()) {
                    out.add(new Arrival(arrives.plus(Duration.ofHours(1 + m.pick() % 24)), e));
                }
            }
        }

        private Event event(Move m, Instant t) {
            String category = CATEGORIES[m.pick() % CATEGORIES.length];
            return switch (m.kind()) {
                case PAGE_VIEW -> event("page.viewed", t, "url", "/p/" + m.pick() % 50, "category", category);
                case CART_ADD -> {
                    if (openCart == null) {
                        openCart = contact + "-k" + carts++;
                        skus.clear();
                    }
                    String sku = "SKU-" + m.pick() % 8;
                    skus.add(sku);
                    yield event("cart.item_added", t, "cartId", openCart, "sku", sku, "price", 5 + m.amount() % 120 + 0.5,
                            "qty", (long) (1 + m.amount() % 3), "category", category);
                }
                case CART_REMOVE -> openCart == null || skus.isEmpty() ? pageView(m, t, category)
                        : event("cart.item_removed", t, "cartId", openCart, "sku", skus.get(m.pick() % skus.size()));
                case CHECKOUT -> openCart == null ? pageView(m, t, category) : event("checkout.started", t, "cartId", openCart);
                case ORDER -> order(m, t, category);
                case CAMPAIGN -> {
                    String campaign = "camp-" + m.pick() % 12;
                    campaigns.add(campaign);
                    yield event("email.sent", t, "campaignId", campaign);
                }
                case ENGAGEMENT -> campaigns.isEmpty() ? pageView(m, t, category)
                        : event(m.amount() % 2 == 0 ? "email.opened" : "email.clicked", t,
                                "campaignId", campaigns.get(m.pick() % campaigns.size()));
                case REVIEW -> orders.isEmpty() ? pageView(m, t, category)
                        : event("review.submitted", t, "orderId", orders.get(m.pick() % orders.size()),
                                "rating", (long) (1 + m.amount() % 5));
                case CONSENT -> event(m.amount() % 3 == 0 ? "unsubscribed" : "subscribed", t,
                        "channel", m.pick() % 5 == 0 ? "sms" : "email");
                case PROFILE -> event("contact.updated", t, "attributes", Map.of("firstName", "N" + m.pick() % 20,
                        "timezone", ZONES[m.amount() % ZONES.length], "locale", m.pick() % 2 == 0 ? "fr-FR" : "en-US"));
                case TAG -> event(m.amount() % 3 == 0 ? "tag.removed" : "tag.added", t,
                        "tag", m.pick() % 2 == 0 ? "vip" : "do-not-contact");
                case REFERRAL -> event("referral.made", t, "referredContactId", "r-" + m.pick());
                case CUSTOM -> event("wishlist.added", t, "sku", "SKU-" + m.pick() % 8);
            };
        }

        private Event order(Move m, Instant t, String category) {
            String order = contact + "-o" + orders.size();
            orders.add(order);
            double amount = 10 + m.amount() % 400;
            if (openCart != null && m.pick() % 3 != 0) {
                String cart = openCart;
                openCart = null;
                return event("order.placed", t, "orderId", order, "amount", amount, "cartId", cart);
            }
            if (m.pick() % 5 == 0) { // no cart and no categories: closes every open cart
                openCart = null;
                return event("order.placed", t, "orderId", order, "amount", amount);
            }
            return event("order.placed", t, "orderId", order, "amount", amount, "categories", List.of(category));
        }

        private Event pageView(Move m, Instant t, String category) {
            return event("page.viewed", t, "url", "/c/" + category, "category", category);
        }

        private Event event(String type, Instant at, Object... props) {
            Map<String, Object> p = new LinkedHashMap<>();
            for (int i = 0; i < props.length; i += 2) {
                p.put((String) props[i], props[i + 1]);
            }
            return new Event(contact + "-e" + nextId++, contact, type, at, p);
        }
    }
}
