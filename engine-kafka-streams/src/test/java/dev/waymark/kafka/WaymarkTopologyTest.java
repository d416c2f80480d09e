package dev.waymark.kafka;

import static dev.waymark.kafka.Engines.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Waymark on Kafka Streams, driven by {@code TopologyTestDriver}: timers, cancellation, restarts, dead letters. */
class WaymarkTopologyTest {

    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    static final Duration MINUTE = Duration.ofMinutes(1);

    @TempDir(factory = RamTempDirFactory.class)
    Path stateDir;

    static Event subscribed(String id, String contact, Instant at) {
        return event(id, contact, "subscribed", at, "channel", "email");
    }

    static Event cartItem(String id, String contact, String cart, Instant at) {
        return event(id, contact, "cart.item_added", at, "cartId", cart, "sku", "MUG-1", "price", 12.5, "qty", 2);
    }

    static List<Action> ofRule(List<Action> actions, String rule) {
        return actions.stream().filter(a -> a.rule().equals(rule)).toList();
    }

    @Test
    void abandonedCart_firesWhenWallClockPassesDelay() {
        try (Harness h = new Harness(Engines.standard(), stateDir, T0, MINUTE)) {
            h.send(subscribed("e-1", "c-1", T0.minusSeconds(3600)));
            h.send(cartItem("e-2", "c-1", "k-1", T0));
            assertThat(ofRule(h.actions(), "abandoned-cart")).isEmpty();

            h.advanceTo(T0.plus(Duration.ofHours(4)).minus(MINUTE));
            assertThat(ofRule(h.actions(), "abandoned-cart")).isEmpty();

            // Exactly the delay: the wake-up equals the punctuation time, and "at or after" is inclusive.
            h.advanceTo(T0.plus(Duration.ofHours(4)));
            assertThat(ofRule(h.actions(), "abandoned-cart")).singleElement().satisfies(a -> {
                assertThat(a.contactId()).isEqualTo("c-1");
                assertThat(a.type()).isEqualTo("email.send");
                assertThat(a.key()).isEqualTo("k-1");
                assertThat(a.at()).isEqualTo(T0.plus(Duration.ofHours(4)));
                assertThat(a.params()).containsEntry("cartId", "k-1").containsEntry("cartValue", 25.0);
            });

            h.advance(Duration.ofDays(2));
            assertThat(ofRule(h.actions(), "abandoned-cart")).isEmpty();
        }
    }

    @Test
    void abandonedCart_orderBeforeDelayCancelsIt() {
        try (Harness h = new Harness(Engines.standard(), stateDir, T0, MINUTE)) {
            h.send(subscribed("e-1", "c-1", T0));
            h.send(cartItem("e-2", "c-1", "k-1", T0));
            h.advanceTo(T0.plus(Duration.ofHours(2)));
            h.send(event("e-3", "c-1", "order.placed", h.now(), "orderId", "o-1", "amount", 25.0, "cartId", "k-1"));
            assertThat(h.actions()).extracting(Action::rule).doesNotContain("abandoned-cart").contains("ad-exclusion");

            h.advanceTo(T0.plus(Duration.ofHours(4)));
            h.advance(Duration.ofDays(3));
            assertThat(ofRule(h.actions(), "abandoned-cart")).isEmpty();
        }
    }

    @Test
    void futureEvent_waitsUntilWallClockReachesIt() {
        try (Harness h = new Harness(Engines.standard(), stateDir, T0, MINUTE)) {
            h.send(subscribed("e-1", "c-1", T0));
            Instant later = T0.plus(Duration.ofHours(2));
            h.send(cartItem("e-2", "c-1", "k-1", later)); // stamped two hours ahead of the wall clock
            assertThat(h.contacts().get("c-1").pending()).extracting(Event::id).containsExactly("e-2");
            assertThat(h.contacts().get("c-1").nextWakeUp()).isEqualTo(later);

            h.advanceTo(later);
            assertThat(h.contacts().get("c-1").pending()).isEmpty();
            h.advanceTo(later.plus(Duration.ofHours(4)).minus(MINUTE));
            assertThat(ofRule(h.actions(), "abandoned-cart")).isEmpty();
            h.advanceTo(later.plus(Duration.ofHours(4)));
            assertThat(ofRule(h.actions(), "abandoned-cart")).singleElement()
                    .satisfies(a -> assertThat(a.at()).isEqualTo(later.plus(Duration.ofHours(4))));
        }
    }

    @Test
    void punctuator_evaluatesOnlyDueContacts_eachOnceAtItsWakeUp() {
        CountingEngine engine = new CountingEngine(Engines.standard());
        try (Harness h = new Harness(engine, stateDir, T0, MINUTE)) {
            // 30 contacts with a cart, 10 minutes apart, and 10 that only browsed.
            for (int i = 0; i < 30; i++) {
                h.advanceTo(T0.plus(Duration.ofMinutes(10L * i)));
                h.send(subscribed("s-" + i, "cart-" + i, h.now()));
                h.send(cartItem("a-" + i, "cart-" + i, "k-" + i, h.now()));
                if (i < 10) {
                    h.send(event("v-" + i, "browse-" + i, "page.viewed", h.now(), "url", "/"));
                }
            }
            Set<String> everEvaluatedByTimer = new HashSet<>();
            int byTimer = 0;
            int steps = 0;
            while (h.now().isBefore(T0.plus(Duration.ofDays(6)))) {
                Instant next = h.now().plus(Duration.ofMinutes(30));
                Map<String, Instant> wakeUps = wakeUpsByContact(h.contacts());
                Set<String> expected = new TreeSet<>();
                wakeUps.forEach((c, w) -> {
                    if (!w.isAfter(next)) {
                        expected.add(c);
                    }
                });
                engine.reset();
                h.advanceTo(next);
                List<CountingEngine.Call> calls = engine.calls();
                assertThat(calls).as("at %s", next).allSatisfy(c -> {
                    assertThat(c.now()).isEqualTo(next);
                    assertThat(c.skipped()).as("%s evaluated before its wake-up", c.contactId()).isFalse();
                });
                assertThat(calls).extracting(CountingEngine.Call::contactId).as("at %s", next)
                        .doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(expected);
                calls.forEach(c -> everEvaluatedByTimer.add(c.contactId()));
                byTimer += calls.size();
                steps++;
            }
            // Every cart contact woke up (abandoned cart, welcome steps...) but never at every step.
            assertThat(everEvaluatedByTimer).hasSize(30).allMatch(c -> c.startsWith("cart-"));
            assertThat(byTimer).isLessThan(30 * steps / 10);
            assertThat(wakeUpsByContact(h.contacts())).isEmpty(); // nothing left to wake up for
        }
    }

    @Test
    void wakeUpIndex_holdsExactlyOneEntryPerContactWithAWakeUp() {
        try (Harness h = new Harness(Engines.standard(), stateDir, T0, MINUTE)) {
            for (int i = 0; i < 12; i++) {
                h.advanceTo(T0.plus(Duration.ofMinutes(37L * i)));
                h.send(subscribed("s-" + i, "c-" + i, h.now()));
                h.send(cartItem("a-" + i, "c-" + i, "k-" + i, h.now()));
                if (i % 3 == 0) {
                    h.send(event("o-" + i, "c-" + i, "order.placed", h.now(), "orderId", "o-" + i, "amount", 5.0));
                }
                assertIndexMatchesStates(h);
            }
            for (int i = 0; i < 20; i++) {
                h.advance(Duration.ofMinutes(47));
                assertIndexMatchesStates(h);
            }
        }
    }

    @Test
    void badRecords_goToDeadLetterTopic_andTheNextGoodOneIsStillProcessed() {
        try (Harness h = new Harness(Engines.standard(), stateDir, T0, MINUTE)) {
            String missingCart = "{\"id\":\"e-2\",\"contactId\":\"c-1\",\"type\":\"cart.item_added\",\"at\":\"2026-11-20T10:00:00Z\","
                    + "\"props\":{\"sku\":\"MUG-1\",\"price\":1.0}}";
            String badTime = "{\"id\":\"e-3\",\"contactId\":\"c-1\",\"type\":\"page.viewed\",\"at\":\"yesterday\"}";
            String unknownField = "{\"id\":\"e-4\",\"contactId\":\"c-1\",\"type\":\"page.viewed\",\"at\":\"2026-11-20T10:00:00Z\",\"x\":1}";
            String good = "{\"id\":\"e-9\",\"contactId\":\"c-1\",\"type\":\"order.placed\",\"at\":\"2026-11-20T10:00:00Z\","
                    + "\"props\":{\"orderId\":\"o-1\",\"amount\":10.0}}";

            h.send("c-1", "{not json");
            h.send("c-1", missingCart);
            h.send("c-1", badTime);
            h.send("c-1", unknownField);
            h.send("c-2", good);                          // key is not the contactId
            h.send(null, good);                           // no key
            h.send(null, null);                           // neither key nor value (a keyed tombstone erases)
            h.sendRaw("c-1".getBytes(StandardCharsets.UTF_8), new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}); // not UTF-8
            RecordHeaders traced = new RecordHeaders();
            traced.add("trace-id", "t-7".getBytes(StandardCharsets.UTF_8));
            h.driver.createInputTopic(Harness.EVENTS, new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.StringSerializer())
                    .pipeInput(new TestRecord<>("c-1", "[]", traced, T0));
            assertThat(h.actions()).isEmpty();

            List<TestRecord<byte[], byte[]>> dead = h.deadLetters();
            assertThat(dead).extracting(r -> Harness.header(r, DeadLetters.KIND_HEADER)).containsExactly(
                    DeadLetters.INVALID_EVENT, DeadLetters.INVALID_EVENT, DeadLetters.INVALID_EVENT,
                    DeadLetters.INVALID_EVENT, DeadLetters.KEY_MISMATCH, DeadLetters.KEY_MISMATCH,
                    DeadLetters.INVALID_EVENT, DeadLetters.INVALID_EVENT, DeadLetters.INVALID_EVENT);
            assertThat(dead).extracting(r -> Harness.header(r, DeadLetters.FIELD_HEADER))
                    .containsExactly(null, "props.cartId", "at", "x", "contactId", "contactId", null, null, null);
            assertThat(Harness.header(dead.get(0), DeadLetters.REASON_HEADER)).contains("not valid JSON");
            assertThat(Harness.header(dead.get(2), DeadLetters.REASON_HEADER)).contains("'yesterday'");
            assertThat(Harness.header(dead.get(4), DeadLetters.REASON_HEADER)).contains("'c-2'", "'c-1'");
            assertThat(Harness.header(dead.get(7), DeadLetters.REASON_HEADER)).contains("not UTF-8");
            // The original record, byte for byte, with its own headers, and where it came from.
            assertThat(dead.get(1).value()).isEqualTo(missingCart.getBytes(StandardCharsets.UTF_8));
            assertThat(dead.get(4).key()).isEqualTo("c-2".getBytes(StandardCharsets.UTF_8));
            assertThat(dead.get(5).key()).isNull();
            assertThat(dead.get(6).value()).isNull();
            assertThat(dead.get(7).value()).containsExactly('{', (byte) 0xC3, (byte) 0x28, '}');
            assertThat(Harness.header(dead.get(8), "trace-id")).isEqualTo("t-7");
            assertThat(dead).allSatisfy(r -> assertThat(Harness.header(r, DeadLetters.SOURCE_TOPIC_HEADER)).isEqualTo(Harness.EVENTS));
            assertThat(dead).extracting(r -> Harness.header(r, DeadLetters.SOURCE_OFFSET_HEADER))
                    .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8");
            assertThat(h.contacts().get("c-1")).isNull(); // nothing of a rejected record was applied

            h.send("c-1", good);
            assertThat(h.actions()).extracting(Action::rule).contains("ad-exclusion", "stage-progression");
            assertThat(h.deadLetters()).isEmpty();
        }
    }

    static final String BOOM = """
            package test.rules;
            import dev.waymark.Contact;
            global dev.waymark.drools.RuleContext waymark;
            rule "boom" @dueTimes
            when
                $c : Contact( count("explode") > 0, count("defuse") == 0 )
            then
                throw new IllegalStateException("boom for " + $c.id());
            end
            """;

    @Test
    void ruleFailure_goesToDeadLetterTopic_keepsTheEventPending_andIsRetried() {
        JourneyEngine engine = Waymark.builder().rules("boom.drl", BOOM).build();
        WaymarkTopology.Builder topology = WaymarkTopology.builder(engine).eventsTopic(Harness.EVENTS)
                .actionsTopic(Harness.ACTIONS).deadLetterTopic(Harness.DEAD_LETTERS)
                .punctuateEvery(MINUTE).retryFailuresAfter(Duration.ofMinutes(10));
        try (Harness h = new Harness(topology, stateDir, T0)) {
            h.send(event("e-1", "c-1", "explode", T0));
            h.send(event("e-2", "c-2", "page.viewed", T0)); // another contact goes on
            assertThat(h.actions()).extracting(Action::contactId).containsOnly("c-2").isNotEmpty();
            List<TestRecord<byte[], byte[]>> dead = h.deadLetters();
            assertThat(dead).singleElement().satisfies(r -> {
                assertThat(Harness.header(r, DeadLetters.KIND_HEADER)).isEqualTo(DeadLetters.RULE_FAILURE);
                assertThat(Harness.header(r, DeadLetters.RULE_HEADER)).isEqualTo("boom");
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("c-1");
                assertThat(new String(r.value(), StandardCharsets.UTF_8))
                        .contains("\"kind\":\"rule-failure\"", "\"contactId\":\"c-1\"", "\"rule\":\"boom\"", "boom for c-1");
            });
            Instant retry = T0.plus(Duration.ofMinutes(10));
            assertThat(Harness.header(dead.get(0), DeadLetters.RETRY_AT_HEADER)).isEqualTo(retry.toString());
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8))
                    .contains("\"retryAt\":\"" + retry + "\"");
            // Rolled back: the event waits in the state, nothing was applied, and the state says when it is retried.
            ContactState c1 = h.contacts().get("c-1");
            assertThat(c1.pending()).extracting(Event::id).containsExactly("e-1");
            assertThat(c1.contact().count("explode")).isZero();
            assertThat(c1.nextWakeUp()).isEqualTo(retry);
            assertIndexMatchesStates(h);

            h.advance(Duration.ofMinutes(9));
            assertThat(h.deadLetters()).isEmpty();
            h.advance(MINUTE); // the retry, still failing
            assertThat(h.deadLetters()).singleElement().satisfies(r -> {
                assertThat(Harness.header(r, DeadLetters.KIND_HEADER)).isEqualTo(DeadLetters.RULE_FAILURE);
                assertThat(Harness.header(r, DeadLetters.RETRY_AT_HEADER)).isEqualTo(retry.plus(Duration.ofMinutes(10)).toString());
            });
            assertThat(h.contacts().get("c-1").nextWakeUp()).isEqualTo(retry.plus(Duration.ofMinutes(10)));
            assertIndexMatchesStates(h);

            h.send(event("e-3", "c-1", "defuse", h.now()));
            assertThat(h.deadLetters()).isEmpty();
            assertThat(h.actions()).extracting(Action::contactId).containsOnly("c-1").isNotEmpty();
            assertThat(h.contacts().get("c-1").pending()).isEmpty();
            assertThat(h.contacts().get("c-1").contact().count("explode")).isEqualTo(1);
        }
    }

    @Test
    void ruleFailureRetry_isKeptInTheChangeloggedState_andTheEngineRunsTheContactThen() {
        JourneyEngine engine = Waymark.builder().rules("boom.drl", BOOM).build();
        Map<String, ContactState> contactsLog;
        try (Harness h = new Harness(WaymarkTopology.builder(engine).eventsTopic(Harness.EVENTS)
                .actionsTopic(Harness.ACTIONS).deadLetterTopic(Harness.DEAD_LETTERS).punctuateEvery(MINUTE)
                .retryFailuresAfter(Duration.ofMinutes(10)), stateDir, T0)) {
            h.send(event("e-1", "c-1", "explode", T0));
            assertThat(h.deadLetters()).hasSize(1);
            contactsLog = h.contactsChangelog();
        }
        // What a restore loads says when to retry, and the engine does not skip the contact then.
        ContactState restored = contactsLog.get("c-1");
        assertThat(restored.nextWakeUp()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        Evaluation atRetry = engine.evaluate(restored, restored.nextWakeUp());
        assertThat(atRetry.skipped()).isFalse();
        assertThat(atRetry.failures()).extracting(dev.waymark.Evaluation.RuleFailure::rule).containsExactly("boom");
    }

    @Test
    void tombstone_erasesTheContactAndItsWakeUp_emitsNothing_andALaterEventStartsAFreshContact() {
        try (Harness h = new Harness(Engines.standard(), stateDir, T0, MINUTE)) {
            h.send(subscribed("e-1", "c-1", T0));
            h.send(cartItem("e-2", "c-1", "k-1", T0));
            h.send(subscribed("e-3", "c-2", T0));
            h.send(cartItem("e-4", "c-2", "k-2", T0));
            List<Action> first = h.actions();
            assertThat(ofRule(first, "welcome-series")).extracting(Action::contactId).contains("c-1", "c-2");
            assertThat(h.wakeUps().get(DueIndexKeys.contactKey("c-1"))).isNotNull();

            h.send("c-1", null);
            assertThat(h.actions()).isEmpty();
            assertThat(h.deadLetters()).isEmpty();
            assertThat(h.contacts().get("c-1")).isNull();
            assertThat(h.wakeUps().get(DueIndexKeys.contactKey("c-1"))).isNull();
            assertIndexMatchesStates(h); // c-2 keeps its entry, c-1 has none in either key space
            assertThat(h.contactsChangelog()).containsOnlyKeys("c-2");
            assertThat(h.wakeUpsChangelog().keySet()).noneMatch(k -> DueIndexKeys.names(k, "c-1"));

            h.send("c-1", null); // erasing an unknown (or already erased) contact is a no-op
            h.send("never-seen", null);
            assertThat(h.deadLetters()).isEmpty();
            assertThat(h.contacts().get("never-seen")).isNull();

            // c-1's cart reminder is gone with it; c-2's goes out.
            h.advanceTo(T0.plus(Duration.ofHours(5)));
            assertThat(ofRule(h.actions(), "abandoned-cart")).extracting(Action::contactId).containsExactly("c-2");

            // The same person comes back: a new contact, nothing remembered (not even the old event ids).
            h.send(subscribed("e-1", "c-1", h.now()));
            List<Action> again = h.actions();
            assertThat(ofRule(again, "welcome-series")).singleElement().satisfies(a -> {
                assertThat(a.contactId()).isEqualTo("c-1");
                assertThat(a.id()).isEqualTo(ofRule(first, "welcome-series").stream()
                        .filter(b -> b.contactId().equals("c-1")).findFirst().orElseThrow().id());
            });
            ContactState fresh = h.contacts().get("c-1");
            assertThat(fresh.contact().openCarts()).isEmpty();
            assertThat(fresh.seenEventIds()).containsOnlyKeys("e-1");
            assertThat(waymarkTotals(h.driver.metrics())).containsEntry("erasures-total", 3.0);
        }
    }

    @Test
    void restartFromChangelogs_repeatsNothing_andForgetsNoWakeUp(@TempDir(factory = RamTempDirFactory.class) Path secondStateDir) {
        List<Event> sent = new ArrayList<>();
        List<Action> before;
        Map<String, ContactState> contactsLog;
        Map<Bytes, byte[]> wakeUpsLog;
        try (Harness h = new Harness(Engines.standard(), stateDir, T0, MINUTE)) {
            sent.add(subscribed("e-1", "c-1", T0));
            sent.add(cartItem("e-2", "c-1", "k-1", T0));
            sent.forEach(h::send);
            h.advanceTo(T0.plus(Duration.ofHours(3)));
            List<Event> later = List.of(subscribed("e-3", "c-2", h.now()), cartItem("e-4", "c-2", "k-2", h.now()));
            later.forEach(h::send);
            sent.addAll(later);
            h.advanceTo(T0.plus(Duration.ofHours(4)).plus(Duration.ofMinutes(30)));
            before = h.actions();
            assertThat(ofRule(before, "abandoned-cart")).extracting(Action::contactId).containsExactly("c-1");
            contactsLog = h.contactsChangelog();
            wakeUpsLog = h.wakeUpsChangelog();
        }
        assertThat(contactsLog).containsOnlyKeys("c-1", "c-2");

        // A new instance takes the task over: its stores are restored from the changelog topics.
        try (Harness h = new Harness(Engines.standard(), secondStateDir, T0.plus(Duration.ofHours(5)), MINUTE)) {
            KeyValueStore<String, ContactState> contacts = h.contacts();
            contactsLog.forEach(contacts::put);
            KeyValueStore<Bytes, byte[]> wakeUps = h.wakeUps();
            wakeUpsLog.forEach(wakeUps::put);

            // The input is read again from the last committed offset (here: from the start).
            sent.forEach(h::send);
            h.advanceTo(T0.plus(Duration.ofHours(7)).minus(MINUTE));
            assertThat(h.actions()).isEmpty();
            assertThat(h.deadLetters()).isEmpty();

            h.advanceTo(T0.plus(Duration.ofHours(7))); // c-2's cart, added at 13:00, is due at 17:00
            List<Action> after = h.actions();
            assertThat(ofRule(after, "abandoned-cart")).singleElement().satisfies(a -> {
                assertThat(a.contactId()).isEqualTo("c-2");
                assertThat(a.at()).isEqualTo(T0.plus(Duration.ofHours(7)));
            });
            List<String> ids = new ArrayList<>(before.stream().map(Action::id).toList());
            after.forEach(a -> ids.add(a.id()));
            assertThat(ids).doesNotHaveDuplicates();
            h.advance(Duration.ofDays(3));
            assertThat(ofRule(h.actions(), "abandoned-cart")).isEmpty();
        }
    }

    @Test
    void rulesetChange_makesStaleWakeUpsDueAgain(@TempDir(factory = RamTempDirFactory.class) Path secondStateDir) {
        Map<String, ContactState> contactsLog;
        Map<Bytes, byte[]> wakeUpsLog;
        try (Harness h = new Harness(Engines.standard(), stateDir, T0, MINUTE)) {
            h.send(subscribed("e-1", "c-1", T0));
            h.send(cartItem("e-2", "c-1", "k-1", T0));
            h.send(event("e-3", "c-2", "page.viewed", T0, "url", "/")); // no wake-up at all
            h.advance(Duration.ofMinutes(10));
            assertThat(h.contacts().get("c-1").nextWakeUp()).isEqualTo(T0.plus(Duration.ofHours(4)));
            contactsLog = h.contactsChangelog();
            wakeUpsLog = h.wakeUpsChangelog();
        }
        // Redeployed with a one-hour abandoned-cart delay: c-1's indexed wake-up (14:00) is now too late.
        JourneyEngine oneHour = Waymark.builder()
                .settings(dev.waymark.json.WaymarkJson.readSettings("{\"rules\":{\"abandoned-cart\":{\"afterHours\":1}}}"))
                .build();
        CountingEngine counting = new CountingEngine(oneHour);
        try (Harness h = new Harness(counting, secondStateDir, T0.plus(Duration.ofMinutes(30)), MINUTE)) {
            contactsLog.forEach(h.contacts()::put);
            wakeUpsLog.forEach(h.wakeUps()::put);
            counting.reset();
            h.advance(MINUTE); // the first punctuation re-checks both contacts and evaluates them with the new rules
            assertThat(counting.calls()).extracting(CountingEngine.Call::contactId).containsExactlyInAnyOrder("c-1", "c-2");
            assertThat(h.contacts().get("c-1").nextWakeUp()).isEqualTo(T0.plus(Duration.ofHours(1)));
            h.advanceTo(T0.plus(Duration.ofHours(1)));
            assertThat(ofRule(h.actions(), "abandoned-cart")).singleElement()
                    .satisfies(a -> assertThat(a.at()).isEqualTo(T0.plus(Duration.ofHours(1))));
            counting.reset();
            h.advance(Duration.ofHours(2)); // re-checked once: nothing is due again before its wake-up
            assertThat(counting.calls()).isEmpty();
        }
    }

    @Test
    void wallClockBehindContactsLastEvaluation_doesNotTurnTheContactsTimeBack(@TempDir(factory = RamTempDirFactory.class) Path secondStateDir) {
        Map<String, ContactState> contactsLog;
        Map<Bytes, byte[]> wakeUpsLog;
        try (Harness h = new Harness(Engines.standard(), stateDir, T0, MINUTE)) {
            h.send(subscribed("e-1", "c-1", T0));
            h.send(cartItem("e-2", "c-1", "k-1", T0));
            h.advanceTo(T0.plus(Duration.ofHours(1)));
            h.send(event("e-3", "c-1", "page.viewed", h.now(), "url", "/"));
            h.actions();
            contactsLog = h.contactsChangelog();
            wakeUpsLog = h.wakeUpsChangelog();
        }
        // The task moves to a host whose clock is 30 minutes behind.
        Instant lagging = T0.plus(Duration.ofMinutes(30));
        try (Harness h = new Harness(Engines.standard(), secondStateDir, lagging, MINUTE)) {
            contactsLog.forEach(h.contacts()::put);
            wakeUpsLog.forEach(h.wakeUps()::put);
            h.send(event("e-4", "c-1", "page.viewed", lagging, "url", "/2"));
            assertThat(h.contacts().get("c-1").evaluatedAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
        }
    }

    @Test
    void metrics_countEventsEvaluationsWakeUpsActionsAndDeadLetters() {
        try (Harness h = new Harness(Engines.standard(), stateDir, T0, MINUTE)) {
            h.send(subscribed("e-1", "c-1", T0));
            h.send(cartItem("e-2", "c-1", "k-1", T0));
            h.send("c-1", "nonsense");
            int actions = h.actions().size();
            h.advanceTo(T0.plus(Duration.ofHours(4)));
            actions += h.actions().size();
            Map<String, Double> totals = waymarkTotals(h.driver.metrics());
            assertThat(totals).containsEntry("events-total", 3.0)
                    .containsEntry("evaluations-total", 3.0) // two events, one wake-up
                    .containsEntry("wake-ups-total", 1.0)
                    .containsEntry("dead-letters-total", 1.0)
                    .containsEntry("actions-total", (double) actions)
                    .containsEntry("rule-failures-total", 0.0)
                    .containsEntry("erasures-total", 0.0);
        }
    }

    @Test
    void builder_refusesMissingTopicsAndBadSettings() {
        WaymarkTopology.Builder b = WaymarkTopology.builder(Engines.standard());
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("eventsTopic");
        assertThatThrownBy(() -> b.punctuateEvery(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.retryFailuresAfter(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.maxDuePerPunctuation(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.actionsTopic(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WaymarkTopology.builder(null)).isInstanceOf(NullPointerException.class);
        String described = b.eventsTopic("in").actionsTopic("out").deadLetterTopic("dlq").build().describe().toString();
        assertThat(described).contains(WaymarkTopology.CONTACTS_STORE, WaymarkTopology.WAKE_UPS_STORE, "in", "out", "dlq");
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /** Keys of the index store, by its documented layout (README-scaling.md). */
    static final class DueIndexKeys {
        private DueIndexKeys() {
        }

        static Bytes contactKey(String contactId) {
            byte[] id = contactId.getBytes(StandardCharsets.UTF_8);
            return Bytes.wrap(ByteBuffer.allocate(1 + id.length).put((byte) 1).put(id).array());
        }

        /** Whether an index key (of either key space) is about {@code contactId}. */
        static boolean names(Bytes key, String contactId) {
            byte[] k = key.get();
            int from = k[0] == 0 ? 9 : 1;
            return k[0] != 2 && new String(k, from, k.length - from, StandardCharsets.UTF_8).equals(contactId);
        }
    }

    static Map<String, Instant> wakeUpsByContact(KeyValueStore<String, ContactState> contacts) {
        Map<String, Instant> out = new TreeMap<>();
        try (KeyValueIterator<String, ContactState> it = contacts.all()) {
            while (it.hasNext()) {
                KeyValue<String, ContactState> kv = it.next();
                if (kv.value.nextWakeUp() != null) {
                    out.put(kv.key, kv.value.nextWakeUp());
                }
            }
        }
        return out;
    }

    /** Reads the index store by its documented layout and checks it against the contacts' wake-ups. */
    static void assertIndexMatchesStates(Harness h) {
        Map<String, Long> byTime = new HashMap<>();
        Map<String, Long> byContact = new HashMap<>();
        try (KeyValueIterator<Bytes, byte[]> it = h.wakeUps().all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                byte[] k = kv.key.get();
                if (k[0] == 0) {
                    long millis = ByteBuffer.wrap(k, 1, 8).getLong() ^ Long.MIN_VALUE;
                    String contact = new String(k, 9, k.length - 9, StandardCharsets.UTF_8);
                    assertThat(byTime.put(contact, millis)).as("second time entry for %s", contact).isNull();
                    assertThat(kv.value).isEmpty();
                } else if (k[0] == 2) {
                    assertThat(new String(k, 1, k.length - 1, StandardCharsets.UTF_8)).isIn("ruleset", "rescan");
                } else {
                    assertThat(k[0]).isEqualTo((byte) 1);
                    byContact.put(new String(k, 1, k.length - 1, StandardCharsets.UTF_8),
                            ByteBuffer.wrap(kv.value).getLong() ^ Long.MIN_VALUE);
                }
            }
        }
        Map<String, Long> expected = new HashMap<>();
        wakeUpsByContact(h.contacts()).forEach((c, w) -> expected.put(c, w.toEpochMilli()));
        assertThat(byTime).isEqualTo(expected);
        assertThat(byContact).isEqualTo(expected);
    }

    static Map<String, Double> waymarkTotals(Map<MetricName, ? extends Metric> metrics) {
        Map<String, Double> out = new TreeMap<>();
        metrics.forEach((name, metric) -> {
            if (name.group().equals("stream-waymark-metrics") && name.name().endsWith("-total")) {
                out.merge(name.name(), ((Number) metric.metricValue()).doubleValue(), Double::sum);
            }
        });
        return out;
    }
}
