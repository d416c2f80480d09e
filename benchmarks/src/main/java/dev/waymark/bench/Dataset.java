package dev.waymark.bench;

import dev.waymark.BulkSummary;
import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A seeded, realistic contact base for the benchmarks, as a host would hold it just before its hourly run at
 * {@link #NOW}.
 *
 * <p>Every contact follows one {@link Scenario}, drawn by weight. Most scenarios are <em>quiet</em>: their
 * history is such that no rule comes due in the hour before {@code NOW}, so at {@code NOW} they fire nothing
 * (visitors, subscribers, buyers between their review and win-back windows, lapsed buyers). About 15 % are
 * <em>due</em>: an open cart passed its 4 hours in the last hour, an order reached its review window or its
 * 90-day win-back, a welcome step came due, or an event arrived since the previous run (a fifth unopened
 * campaign, a new subscription, a new order) and waits in the state's pending list.
 *
 * <p>States are built through the public API only, the way a host's states come to be: all of a contact's
 * events are received with {@link ContactState#withEvents}, then the engine evaluates the contact at
 * {@link #CHECKPOINT} (30 days earlier) and at {@link #PREVIOUS} (the previous hourly run). The states thus
 * carry ledgers of earlier firings, stored stages and wake-ups, and events newer than {@code PREVIOUS} are
 * still pending.
 *
 * <p>Contact {@code i}'s history depends only on the seed and {@code i}, never on the size of the base, so the
 * first 10,000 contacts of every size are the same contacts. Thread-safe: no state.
 */
public final class Dataset {

    /** The instant every benchmark evaluates at. */
    public static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    /** The host's previous (hourly) run: the states were last evaluated here. */
    public static final Instant PREVIOUS = NOW.minus(Duration.ofHours(1));

    /** An older run, so that ledgers also hold firings of an earlier evaluation. */
    public static final Instant CHECKPOINT = NOW.minus(Duration.ofDays(30));

    /** The seed every benchmark uses. */
    public static final long SEED = 20_261_120L;

    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration WEEK = Duration.ofDays(7);
    private static final int CHUNK = 8192;

    private static final String[] CATEGORIES = {"kitchen", "garden", "toys", "books", "apparel", "beauty", "sports", "electronics"};
    private static final String[] FIRST_NAMES = {"Ada", "Bo", "Chen", "Dana", "Eli", "Fatima", "Goran", "Hana", "Ines", "Jon"};
    private static final String[] ZONES = {"Europe/Paris", "America/New_York", "UTC", "Asia/Tokyo", "Europe/London"};
    private static final String[] LOCALES = {"fr-FR", "en-US", "en-GB", "ja-JP", "de-DE"};

    private Dataset() {
    }

    /** The kind of history a contact has; {@link #due} says whether a rule comes due for it at {@link #NOW}. */
    public enum Scenario {
        /** Page views only. */
        VISITOR(30, false),
        /** Subscribed by email long ago, gets weekly campaigns and opens some. */
        SUBSCRIBER(15, false),
        /** One order 15 to 85 days ago: past its review window, before its win-back. */
        ONE_TIME_BUYER(20, false),
        /** Two to eight orders, the last 15 to 85 days ago. */
        REPEAT_BUYER(12, false),
        /** Last order 185 to 400 days ago; half have stopped opening campaigns. */
        LAPSED(8, false),
        /** A cart whose last activity is 4 to 5 hours old: abandoned-cart comes due. */
        CART_DUE(4, true),
        /** An order exactly 7 days (within the hour) old: review-request comes due. */
        REVIEW_DUE(3, true),
        /** A last order 90 days (within the hour) old: win-back comes due. */
        WIN_BACK_DUE(2, true),
        /** Four unopened campaigns, and a fifth sent since the previous run (pending). */
        STREAK_DUE(2, true),
        /** A visitor whose email subscription arrived since the previous run (pending). */
        NEW_SUBSCRIBER(2, true),
        /** Subscribed 48 hours (within the hour) ago: welcome step 2 comes due. */
        WELCOME_DUE(1, true),
        /** An order for an open cart arrived since the previous run (pending). */
        NEW_ORDER(1, true);

        /** Weight in percent. */
        public final int weight;
        /** Whether a rule is expected to come due at {@link #NOW}. */
        public final boolean due;

        Scenario(int weight, boolean due) {
            this.weight = weight;
            this.due = due;
        }
    }

    /** The id of contact {@code index}. */
    public static String contactId(int index) {
        return "c-" + index;
    }

    /** The scenario of contact {@code index}. */
    public static Scenario scenario(long seed, int index) {
        return pick(random(seed, index));
    }

    /** Contact {@code index}'s events, in order of time; none is later than {@link #NOW}. */
    public static List<Event> history(long seed, int index) {
        SplittableRandom rnd = random(seed, index);
        Scenario scenario = pick(rnd);
        History h = new History(contactId(index), rnd);
        h.generate(scenario);
        List<Event> events = h.events;
        events.sort(Comparator.comparing(Event::at)); // stable: ties keep the order they were made in
        return events;
    }

    /**
     * One new event for contact {@code index} at {@link #NOW}, as a live stream would bring it: a page view,
     * an item added to a new cart, an email opened, an order, or a subscription.
     */
    public static Event liveEvent(long seed, int index) {
        SplittableRandom rnd = new SplittableRandom(hash(seed ^ 0x5DEECE66DL, index));
        String id = contactId(index);
        int roll = rnd.nextInt(100);
        if (roll < 40) {
            return new Event(id + "-live", id, "page.viewed", NOW,
                    Map.of("url", "/p/" + rnd.nextInt(500), "category", CATEGORIES[rnd.nextInt(CATEGORIES.length)]));
        }
        if (roll < 65) {
            return new Event(id + "-live", id, "cart.item_added", NOW, Map.of("cartId", id + "-live-cart",
                    "sku", "SKU-" + rnd.nextInt(500), "price", price(rnd), "qty", 1L + rnd.nextInt(3),
                    "category", CATEGORIES[rnd.nextInt(CATEGORIES.length)]));
        }
        if (roll < 80) {
            return new Event(id + "-live", id, "email.opened", NOW, Map.of("campaignId", "cmp-live"));
        }
        if (roll < 90) {
            return new Event(id + "-live", id, "order.placed", NOW, Map.of("orderId", id + "-live-order",
                    "amount", price(rnd) * 2, "categories", List.of(CATEGORIES[rnd.nextInt(CATEGORIES.length)])));
        }
        return new Event(id + "-live", id, "subscribed", NOW, Map.of("channel", "email"));
    }

    /** How many contacts of each scenario the first {@code size} contacts hold. */
    public static Map<Scenario, Integer> mix(long seed, int size) {
        Map<Scenario, Integer> m = new EnumMap<>(Scenario.class);
        for (int i = 0; i < size; i++) {
            m.merge(scenario(seed, i), 1, Integer::sum);
        }
        return m;
    }

    /**
     * The states of contacts {@code 0 .. size-1} as the host holds them before its run at {@link #NOW}: every
     * event received, evaluated by {@code engine} at {@link #CHECKPOINT} and at {@link #PREVIOUS}. Uses
     * {@code parallelism} threads to build.
     *
     * @throws IllegalStateException if a rule failed for a contact
     */
    public static List<ContactState> states(JourneyEngine engine, int size, long seed, int parallelism) {
        return states(engine, 0, size, seed, parallelism);
    }

    /** As {@link #states(JourneyEngine, int, long, int)} for contacts {@code from .. from+count-1}. */
    public static List<ContactState> states(JourneyEngine engine, int from, int count, long seed, int parallelism) {
        List<ContactState> out = new ArrayList<>(count);
        for (int start = from; start < from + count; start += CHUNK) {
            int end = Math.min(from + count, start + CHUNK);
            List<ContactState> received = IntStream.range(start, end).parallel()
                    .mapToObj(i -> ContactState.empty(contactId(i)).withEvents(history(seed, i)))
                    .toList();
            out.addAll(evaluate(engine, evaluate(engine, received, CHECKPOINT, parallelism), PREVIOUS, parallelism));
        }
        return out;
    }

    private static List<ContactState> evaluate(JourneyEngine engine, List<ContactState> states, Instant at, int parallelism) {
        List<ContactState> next = new ArrayList<>(states.size());
        BulkSummary summary = engine.evaluateAll(states, at, e -> next.add(e.state()), parallelism);
        if (!summary.failures().isEmpty()) {
            throw new IllegalStateException(summary.failures().size() + " rule failures building the dataset, first: "
                    + summary.failures().get(0));
        }
        return next;
    }

    private static SplittableRandom random(long seed, int index) {
        return new SplittableRandom(hash(seed, index));
    }

    // SplitMix64's finaliser: neighbouring indexes get unrelated streams.
    private static long hash(long seed, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static Scenario pick(SplittableRandom rnd) {
        int roll = rnd.nextInt(100);
        for (Scenario s : Scenario.values()) {
            roll -= s.weight;
            if (roll < 0) {
                return s;
            }
        }
        throw new AssertionError("weights must sum to 100");
    }

    private static double price(SplittableRandom rnd) {
        return Math.round((5 + rnd.nextDouble() * 195) * 100) / 100.0;
    }

    /** Builds one contact's events; lives for one call of {@link #history}. */
    private static final class History {
        /** Longest run of unopened campaigns a quiet contact ever has (the rule's default streak is 5). */
        static final int QUIET_STREAK_MAX = 4;

        final String id;
        final SplittableRandom rnd;
        final List<Event> events = new ArrayList<>(32);
        int seq;

        History(String id, SplittableRandom rnd) {
            this.id = id;
            this.rnd = rnd;
        }

        void generate(Scenario scenario) {
            switch (scenario) {
                case VISITOR -> visitor(daysAgo(2, 400));
                case SUBSCRIBER -> subscriber(true);
                case ONE_TIME_BUYER -> buyer(1, 1, between(NOW.minus(DAY.multipliedBy(85)), NOW.minus(DAY.multipliedBy(15))), 0.8);
                case REPEAT_BUYER -> buyer(2, 8, between(NOW.minus(DAY.multipliedBy(85)), NOW.minus(DAY.multipliedBy(15))), 0.85);
                case LAPSED -> lapsed();
                case CART_DUE -> {
                    Instant sub = subscriber(false);
                    if (rnd.nextInt(10) < 3) {
                        order(between(sub.plus(DAY), NOW.minus(DAY.multipliedBy(15))), true);
                    }
                    Instant last = between(NOW.minus(Duration.ofHours(5)).plusSeconds(1), NOW.minus(Duration.ofHours(4)));
                    cart(newId("k"), last.minus(Duration.ofMinutes(rnd.nextInt(30))), last);
                }
                case REVIEW_DUE -> {
                    Instant sub = subscriber(false);
                    if (rnd.nextInt(10) < 4) {
                        order(between(sub.plus(DAY), NOW.minus(DAY.multipliedBy(30))), true);
                    }
                    order(between(NOW.minus(DAY.multipliedBy(7)).minus(HOUR).plusSeconds(1), NOW.minus(DAY.multipliedBy(7))), true);
                }
                case WIN_BACK_DUE -> winBackDue();
                case STREAK_DUE -> streakDue();
                case NEW_SUBSCRIBER -> {
                    visitor(daysAgo(2, 400));
                    add("subscribed", between(PREVIOUS.plusSeconds(1), NOW), Map.of("channel", "email"));
                }
                case WELCOME_DUE -> {
                    Instant sub = between(NOW.minus(Duration.ofHours(49)).plusSeconds(1), NOW.minus(Duration.ofHours(48)));
                    Instant first = sub.minus(Duration.ofMinutes(rnd.nextInt(24 * 60)));
                    profile(first);
                    views(1 + rnd.nextInt(3), first, sub);
                    add("subscribed", sub, Map.of("channel", "email"));
                }
                case NEW_ORDER -> {
                    Instant sub = subscriber(false);
                    int earlier = rnd.nextInt(4);
                    for (int i = 0; i < earlier; i++) {
                        order(between(sub.plus(DAY), NOW.minus(DAY.multipliedBy(20))), true);
                    }
                    String cartId = newId("k");
                    cart(cartId, PREVIOUS.minus(Duration.ofMinutes(50)), PREVIOUS.minus(Duration.ofMinutes(10)));
                    Map<String, Object> props = new LinkedHashMap<>();
                    props.put("orderId", newId("o"));
                    props.put("amount", price(rnd) * 2);
                    props.put("cartId", cartId);
                    add("order.placed", between(PREVIOUS.plusSeconds(1), NOW), props);
                }
            }
        }

        void visitor(Instant first) {
            if (rnd.nextBoolean()) {
                profile(first);
            }
            views(1 + rnd.nextInt(6), first, PREVIOUS.minus(DAY));
        }

        /** A profile, an email subscription 10 to 400 days ago (kept, or revoked later when {@code mayRevoke}), views and campaigns. */
        Instant subscriber(boolean mayRevoke) {
            Instant sub = daysAgo(10, 400);
            Instant first = sub.minus(Duration.ofMinutes(rnd.nextInt(2 * 24 * 60)));
            profile(first);
            views(rnd.nextInt(6), first, PREVIOUS.minus(DAY));
            add("subscribed", sub, Map.of("channel", "email"));
            campaigns(sub, PREVIOUS.minus(DAY), 0.2 + rnd.nextDouble() * 0.5, 0);
            if (mayRevoke && rnd.nextInt(10) == 0) {
                add("unsubscribed", between(sub, PREVIOUS.minus(DAY)), Map.of("channel", "email"));
            }
            if (mayRevoke && rnd.nextInt(5) == 0) {
                Instant last = between(sub, PREVIOUS.minus(DAY.multipliedBy(4)));
                cart(newId("k"), last.minus(Duration.ofMinutes(20)), last); // abandoned long ago: past its window
            }
            return sub;
        }

        /** {@code min..max} orders, the last at {@code last}, spaced 15 to 90 days; subscribed with probability {@code subscribed}. */
        void buyer(int min, int max, Instant last, double subscribed) {
            buyer(min, max, last, subscribed, 0);
        }

        /** As above, the last {@code unopenedTail} campaigns unopened. */
        void buyer(int min, int max, Instant last, double subscribed, int unopenedTail) {
            int n = min + rnd.nextInt(max - min + 1);
            Duration gap = DAY.multipliedBy(15 + rnd.nextInt(76));
            Instant firstOrder = last.minus(gap.multipliedBy(n - 1));
            Instant first = firstOrder.minus(DAY.multipliedBy(rnd.nextInt(60))).minus(Duration.ofMinutes(rnd.nextInt(1440)));
            profile(first);
            views(1 + rnd.nextInt(4), first, firstOrder);
            Instant sub = null;
            if (rnd.nextDouble() < subscribed) {
                sub = between(first, firstOrder);
                add("subscribed", sub, Map.of("channel", "email"));
            }
            for (int i = 0; i < n; i++) {
                Instant at = i == n - 1 ? last : firstOrder.plus(gap.multipliedBy(i)).plus(Duration.ofHours(rnd.nextInt(48)));
                String orderId = order(at, rnd.nextInt(5) != 0);
                if (rnd.nextInt(10) < 3) {
                    Map<String, Object> props = Map.of("orderId", orderId, "rating", 1L + rnd.nextInt(5));
                    add("review.submitted", at.plus(DAY.multipliedBy(3 + rnd.nextInt(4))), props);
                }
            }
            if (sub != null) {
                campaigns(sub, PREVIOUS.minus(DAY), 0.2 + rnd.nextDouble() * 0.5, unopenedTail);
            }
        }

        void lapsed() {
            // half stopped opening: every campaign (all in the last 16 weeks) stays unopened; the streak fired long ago
            buyer(1, 4, daysAgo(185, 400), 0.8, rnd.nextBoolean() ? 16 : 0);
        }

        void winBackDue() {
            Instant sub = daysAgo(120, 400);
            profile(sub.minus(DAY));
            add("subscribed", sub, Map.of("channel", "email"));
            Instant last = between(NOW.minus(DAY.multipliedBy(90)).minus(HOUR).plusSeconds(1), NOW.minus(DAY.multipliedBy(90)));
            int earlier = rnd.nextInt(4);
            boolean vip = rnd.nextInt(10) < 4;
            for (int i = earlier; i > 0; i--) {
                String orderId = newId("o");
                add("order.placed", last.minus(DAY.multipliedBy(20L * i)), Map.of("orderId", orderId,
                        "amount", vip ? 200.0 : price(rnd) / 2, "categories", List.of(category())));
            }
            add("order.placed", last, Map.of("orderId", newId("o"), "amount", vip ? 400.0 : price(rnd) / 2,
                    "categories", List.of(category())));
            campaigns(sub, PREVIOUS.minus(DAY), 0.3, 0);
        }

        void streakDue() {
            Instant sub = daysAgo(60, 400);
            profile(sub.minus(DAY));
            add("subscribed", sub, Map.of("channel", "email"));
            Instant to = PREVIOUS.minus(Duration.ofHours(2 + rnd.nextInt(48)));
            int lastWeek = campaigns(sub, to, 0.4, 4);
            if (rnd.nextInt(5) == 0) {
                add("unsubscribed", between(sub, to), Map.of("channel", "email")); // the tag still goes out
            }
            add("email.sent", between(PREVIOUS.plusSeconds(1), NOW), Map.of("campaignId", "cmp-" + (lastWeek + 1)));
        }

        String order(Instant at, boolean withCart) {
            String orderId = newId("o");
            if (withCart) {
                String cartId = newId("k");
                double amount = cart(cartId, at.minus(Duration.ofMinutes(5 + rnd.nextInt(40))), at.minus(Duration.ofMinutes(2)));
                if (rnd.nextInt(4) == 0) {
                    add("checkout.started", at.minus(Duration.ofMinutes(1)), Map.of("cartId", cartId));
                }
                add("order.placed", at, Map.of("orderId", orderId, "amount", amount, "cartId", cartId));
            } else {
                add("order.placed", at, Map.of("orderId", orderId, "amount", price(rnd),
                        "categories", List.of(category())));
            }
            return orderId;
        }

        /** One to three items added between {@code from} and {@code last}; returns the cart's value. */
        double cart(String cartId, Instant from, Instant last) {
            int items = 1 + rnd.nextInt(3);
            double value = 0;
            // one or two categories per cart, so many buyers have a single category (cross-sell)
            String mainCategory = category();
            for (int i = 0; i < items; i++) {
                Instant at = i == items - 1 ? last : between(from, last);
                long qty = 1 + rnd.nextInt(2);
                double price = price(rnd);
                value += price * qty;
                String category = rnd.nextInt(4) == 0 ? category() : mainCategory;
                add("cart.item_added", at, Map.of("cartId", cartId, "sku", "SKU-" + rnd.nextInt(500), "price", price,
                        "qty", qty, "category", category));
            }
            return Math.round(value * 100) / 100.0;
        }

        /**
         * Weekly campaigns up to {@code to} since {@code from} (the latest 16 at most), each opened with
         * probability {@code openRate} within 20 hours, and never five unopened in a row at any moment (so a
         * quiet contact's streak stays below the default of 5), except for the last {@code unopenedTail}
         * campaigns, which stay unopened. Returns the week number of the last campaign.
         */
        int campaigns(Instant from, Instant to, double openRate, int unopenedTail) {
            long lastWeek = to.getEpochSecond() / WEEK.getSeconds();
            int sends = (int) Math.min(16, Duration.between(from, to).toDays() / 7);
            int streak = 0;
            for (int j = sends - 1; j >= 0; j--) {
                Instant at = to.minus(WEEK.multipliedBy(j));
                String campaignId = "cmp-" + (lastWeek - j);
                add("email.sent", at, Map.of("campaignId", campaignId));
                boolean tail = j < unopenedTail;
                boolean beforeTail = j == unopenedTail; // opened, so the tail alone makes the streak
                if (!tail && (beforeTail || streak >= QUIET_STREAK_MAX - 1 || rnd.nextDouble() < openRate)) {
                    Instant openedAt = at.plus(Duration.ofMinutes(30 + rnd.nextInt(19 * 60)));
                    add("email.opened", openedAt, Map.of("campaignId", campaignId));
                    if (rnd.nextInt(3) == 0) {
                        add("email.clicked", openedAt.plusSeconds(30), Map.of("campaignId", campaignId));
                    }
                    streak = 0;
                } else {
                    streak++;
                }
            }
            return (int) lastWeek;
        }

        void profile(Instant at) {
            add("contact.updated", at, Map.of("attributes", Map.of("email", id + "@example.com",
                    "firstName", FIRST_NAMES[rnd.nextInt(FIRST_NAMES.length)],
                    "timezone", ZONES[rnd.nextInt(ZONES.length)], "locale", LOCALES[rnd.nextInt(LOCALES.length)])));
        }

        void views(int n, Instant from, Instant to) {
            if (!from.isBefore(to)) {
                return;
            }
            for (int i = 0; i < n; i++) {
                add("page.viewed", between(from, to), Map.of("url", "/p/" + rnd.nextInt(500), "category", category()));
            }
        }

        String category() {
            return CATEGORIES[rnd.nextInt(CATEGORIES.length)];
        }

        String newId(String kind) {
            return id + "-" + kind + (++seq);
        }

        void add(String type, Instant at, Map<String, Object> props) {
            events.add(new Event(id + "-e" + (++seq), id, type, at, props));
        }

        Instant daysAgo(int min, int max) {
            return NOW.minus(DAY.multipliedBy(min + rnd.nextInt(max - min + 1))).minusSeconds(rnd.nextInt(86_400));
        }

        Instant between(Instant from, Instant to) {
            long span = to.getEpochSecond() - from.getEpochSecond();
            return span <= 0 ? from : from.plusSeconds(rnd.nextLong(span + 1));
        }
    }
}
