package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.json.WaymarkJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The engine's invariants over random shop histories. */
class JourneyProperties {

    static final JourneyEngine ENGINE = StandardRulesTest.ENGINE;
    static final JourneyEngine NO_SKIP = Waymark.builder().skipNotDue(false).build();
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** A random history for one contact over about 120 days, from a seed (jqwik shrinks seeds poorly, so keep it small). */
    static List<Event> history(String contact, long seed, int size) {
        Random r = new Random(seed);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Instant at = START.plusSeconds(r.nextInt(120 * 24) * 3600L + r.nextInt(4) * 900L);
            String id = contact + "-e" + i;
            String cart = "k-" + r.nextInt(3);
            Map<String, Object> p = new LinkedHashMap<>();
            String type;
            switch (r.nextInt(12)) {
                case 0 -> { type = "subscribed"; p.put("channel", r.nextInt(4) == 0 ? "sms" : "email"); }
                case 1 -> { type = "unsubscribed"; p.put("channel", "email"); }
                case 2 -> { type = "page.viewed"; p.put("url", "/p/" + r.nextInt(9)); }
                case 3, 4 -> {
                    type = "cart.item_added";
                    p.put("cartId", cart); p.put("sku", "S" + r.nextInt(4)); p.put("price", r.nextInt(100) + 0.5);
                    p.put("qty", 1 + r.nextInt(3)); p.put("category", List.of("kitchen", "garden", "toys").get(r.nextInt(3)));
                }
                case 5 -> { type = "cart.item_removed"; p.put("cartId", cart); p.put("sku", "S" + r.nextInt(4)); }
                case 6 -> {
                    type = "order.placed";
                    p.put("orderId", "o-" + i); p.put("amount", r.nextInt(400) + 0.0);
                    if (r.nextBoolean()) { p.put("cartId", cart); }
                }
                case 7, 8 -> { type = "email.sent"; p.put("campaignId", "cmp-" + r.nextInt(8)); }
                case 9 -> { type = "email.opened"; p.put("campaignId", "cmp-" + r.nextInt(8)); }
                case 10 -> { type = "review.submitted"; p.put("orderId", "o-" + r.nextInt(Math.max(1, i))); p.put("rating", 1 + r.nextInt(5)); }
                default -> { type = "checkout.started"; p.put("cartId", cart); }
            }
            events.add(new Event(id, contact, type, at, p));
        }
        return events;
    }

    /** Evaluation instants: every few days over the history and a little past it. */
    static List<Instant> schedule(long seed) {
        Random r = new Random(seed ^ 0x5DEECE66DL);
        List<Instant> times = new ArrayList<>();
        Instant t = START;
        while (t.isBefore(START.plus(Duration.ofDays(200)))) {
            t = t.plusSeconds(3600L * (1 + r.nextInt(24 * 6)));
            times.add(t);
        }
        return times;
    }

    /** All actions of one contact when all events arrive at once and are evaluated on the schedule. */
    static List<Action> run(JourneyEngine engine, List<Event> events, List<Instant> schedule) {
        ContactState s = ContactState.empty(events.get(0).contactId()).withEvents(events);
        List<Action> all = new ArrayList<>();
        for (Instant now : schedule) {
            Evaluation e = engine.evaluate(s, now);
            assertThat(e.failures()).isEmpty();
            all.addAll(e.actions());
            s = e.state();
        }
        return all;
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(1, 1_000_000);
    }

    /**
     * {@code events} in a random arrival order. Events at the same instant keep their relative order: docs/events-and-actions.md
     * applies ties in input order, so reordering them may rightly change the outcome (an item added and an
     * order placed at the same second).
     */
    static List<Event> arrivalOrder(List<Event> events, Random r) {
        List<Event> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, r);
        Map<Instant, java.util.ArrayDeque<Event>> simultaneous = new java.util.HashMap<>();
        for (Event e : events) {
            simultaneous.computeIfAbsent(e.at(), t -> new java.util.ArrayDeque<>()).add(e);
        }
        shuffled.replaceAll(e -> simultaneous.get(e.at()).poll());
        return shuffled;
    }

    @Property(tries = 40)
    void arrivalOrder_doesNotChangeActions(@ForAll("seeds") long seed) {
        List<Event> events = history("c-1", seed, 40);
        List<Instant> schedule = schedule(seed);
        List<Action> inOrder = run(ENGINE, events, schedule);
        Tries.exercised("actions emitted", 80, !inOrder.isEmpty());
        assertThat(run(ENGINE, arrivalOrder(events, new Random(seed)), schedule)).isEqualTo(inOrder);
    }

    @Property(tries = 40)
    void duplicatedEvents_changeNothing(@ForAll("seeds") long seed) {
        List<Event> events = history("c-1", seed, 40);
        List<Event> doubled = new ArrayList<>(events);
        doubled.addAll(events.subList(0, events.size() / 2));
        List<Instant> schedule = schedule(seed);
        List<Action> once = run(ENGINE, events, schedule);
        Tries.exercised("actions emitted", 80, !once.isEmpty());
        assertThat(run(ENGINE, doubled, schedule)).isEqualTo(once);
    }

    @Property(tries = 30)
    void eventsArrivingInPieces_giveTheSameActionsAsAllAtOnce(@ForAll("seeds") long seed) {
        // A host feeds each event once its time has come, replaying the last 7 days (ids are remembered that
        // long, docs/events-and-actions.md): the result must equal the all-at-once run, since pending events apply by event time.
        List<Event> events = history("c-1", seed, 40);
        List<Instant> schedule = schedule(seed);
        ContactState s = ContactState.empty("c-1");
        List<Action> piecemeal = new ArrayList<>();
        Instant previous = START.minus(Duration.ofDays(1));
        for (Instant now : schedule) {
            Instant replayFrom = previous.minus(Duration.ofDays(7));
            List<Event> arrived = events.stream().filter(e -> e.at().isAfter(replayFrom) && !e.at().isAfter(now)).toList();
            previous = now;
            Evaluation e = ENGINE.evaluate(s.withEvents(arrived), now);
            piecemeal.addAll(e.actions());
            s = e.state();
        }
        Tries.exercised("actions emitted", 80, !piecemeal.isEmpty());
        assertThat(piecemeal).isEqualTo(run(ENGINE, events, schedule));
    }

    @Property(tries = 30)
    void secondEvaluationAtSameNow_emitsNothing(@ForAll("seeds") long seed) {
        ContactState s = ContactState.empty("c-1").withEvents(history("c-1", seed, 40));
        boolean firstEmitted = false;
        for (Instant now : schedule(seed)) {
            Evaluation first = ENGINE.evaluate(s, now);
            firstEmitted |= !first.actions().isEmpty();
            assertThat(NO_SKIP.evaluate(first.state(), now).actions()).isEmpty();
            s = first.state();
        }
        Tries.exercised("a first evaluation emitted", 80, firstEmitted);
    }

    @Property(tries = 30)
    void noActionIsEverEmittedTwice(@ForAll("seeds") long seed) {
        List<Action> all = run(ENGINE, history("c-1", seed, 60), schedule(seed));
        Tries.exercised("actions emitted", 80, !all.isEmpty());
        Set<String> ids = new HashSet<>();
        for (Action a : all) {
            assertThat(ids.add(a.id())).as("emitted twice: %s", a).isTrue();
        }
    }

    @Property(tries = 30)
    void skippingNotDueContacts_changesNoAction(@ForAll("seeds") long seed) {
        List<Event> events = history("c-1", seed, 40);
        List<Instant> schedule = schedule(seed);
        List<Action> skipping = run(ENGINE, events, schedule);
        Tries.exercised("actions emitted", 80, !skipping.isEmpty());
        assertThat(skipping).isEqualTo(run(NO_SKIP, events, schedule));
    }

    @Property(tries = 25)
    void nothingFiresBeforeTheWakeUp_withoutNewEvents(@ForAll("seeds") long seed) {
        // After the last event, evaluate hourly without the skip: every firing must be at or after the
        // wake-up the previous evaluation promised.
        ContactState s = ContactState.empty("c-1").withEvents(history("c-1", seed, 30));
        Instant now = START.plus(Duration.ofDays(121));
        s = NO_SKIP.evaluate(s, now).state();
        boolean fired = false;
        for (int h = 1; h <= 24 * 100; h += 1 + (h % 7)) {
            Instant t = now.plus(Duration.ofHours(h));
            Instant promised = s.nextWakeUp();
            Evaluation e = NO_SKIP.evaluate(s, t);
            if (!e.actions().isEmpty()) {
                fired = true;
                assertThat(promised).as("fired at %s with no wake-up promised: %s", t, e.actions()).isNotNull();
                assertThat(t).as("fired at %s before the promised wake-up %s: %s", t, promised, e.actions()).isAfterOrEqualTo(promised);
            }
            s = e.state();
        }
        Tries.exercised("fired after the last event", 20, fired);
    }

    @Property(tries = 20)
    void savedAndRestoredState_continuesIdentically(@ForAll("seeds") long seed) {
        List<Event> events = history("c-1", seed, 40);
        List<Instant> schedule = schedule(seed);
        ContactState s = ContactState.empty("c-1").withEvents(events);
        List<Action> withRestarts = new ArrayList<>();
        for (Instant now : schedule) {
            Evaluation e = ENGINE.evaluate(s, now);
            withRestarts.addAll(e.actions());
            s = WaymarkJson.readState(WaymarkJson.write(e.state()));
            assertThat(s).isEqualTo(e.state());
        }
        Tries.exercised("actions emitted", 80, !withRestarts.isEmpty());
        assertThat(withRestarts).isEqualTo(run(ENGINE, events, schedule));
    }

    @Property(tries = 5)
    void stateSize_staysBounded_asHistoryGrows(@ForAll("seeds") long seed) {
        // thousands of events spread over three years, one a few hours apart
        Random r = new Random(seed);
        ContactState s = ContactState.empty("c-1");
        Instant t = START;
        int maxLength = 0;
        for (int batch = 0; batch < 40; batch++) {
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                t = t.plusSeconds(3600L * (1 + r.nextInt(10)));
                for (Event e : history("c-1", r.nextLong(), 1)) {
                    events.add(new Event("b" + batch + "-" + i, "c-1", e.type(), t, e.props()));
                }
            }
            s = ENGINE.evaluate(s.withEvents(events), t).state();
            maxLength = Math.max(maxLength, WaymarkJson.write(s).length());
        }
        assertThat(s.contact().count("page.viewed") + s.contact().campaignsSent()).isGreaterThan(300);
        assertThat(maxLength).as("largest serialized state over 4000 events").isLessThan(64 * 1024);
    }
}
