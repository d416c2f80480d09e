package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.Explanation;
import dev.waymark.JourneyEngine;
import dev.waymark.internal.JourneyRuns;
import dev.waymark.json.WaymarkJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

/**
 * Journeys over random shop histories: when a contact is evaluated does not change what its journeys emit
 * (for journeys without staleHours, condition entries and exits, or conditions over facts that change),
 * explaining agrees with running, no action goes out twice, and the state stays bounded.
 */
class JourneyFlowProperties {

    /** Flows whose sends are not messages, so consent (a fact that changes) plays no part. */
    static final String CART = """
            {"journey":"p-cart","entry":{"event":"cart.item_added"},"exit":{"event":"order.placed"},
             "reentry":{"afterHours":48},
             "steps":[{"id":"wait-4h","wait":{"hours":4}},
                      {"id":"nudge","send":{"type":"task.create","params":{"kind":"cart"}}},
                      {"id":"opened","waitFor":{"event":"email.opened","hours":24},"timeout":"coupon"},
                      {"id":"thanks","send":{"type":"tag.add","params":{"tag":"opener"}},"next":"end"},
                      {"id":"coupon","send":{"type":"coupon.issue","params":{"percent":5}}}]}
            """;
    static final String WELCOME = """
            {"journey":"p-welcome","entry":{"event":"subscribed","where":"event.props.channel == 'email'"},
             "defaultZone":"Europe/Berlin",
             "steps":[{"id":"ab","split":[{"name":"A","weight":1,"next":"morning"},{"name":"B","weight":1,"next":"wait-2d"}]},
                      {"id":"morning","waitUntil":{"time":"02:30","days":["mon","wed","sun"]},"next":"hello"},
                      {"id":"wait-2d","wait":{"days":2}},
                      {"id":"hello","send":{"type":"audience.add","params":{"audience":"new"}}}]}
            """;
    static final String AFTER = """
            {"journey":"p-after","entry":{"event":"order.placed"},"reentry":"always","exit":{"event":"cart.item_removed"},
             "steps":[{"id":"wait-3d","wait":{"days":3}},
                      {"id":"ask","send":{"type":"task.create","params":{"kind":"review"}}},
                      {"id":"reviewed","waitFor":{"event":"review.submitted","hours":96,"where":"event.props.rating >= 4"},"timeout":"end"},
                      {"id":"fan","send":{"type":"tag.add","params":{"tag":"fan"}}}]}
            """;

    static final JourneyEngine ENGINE = Waymark.builder().journey("cart.json", CART).journey("welcome.json", WELCOME)
            .journey("after.json", AFTER).build();
    static final JourneyEngine NO_SKIP = Waymark.builder().journey("cart.json", CART).journey("welcome.json", WELCOME)
            .journey("after.json", AFTER).skipNotDue(false).build();
    static final Set<String> IDS = Set.of("p-cart", "p-welcome", "p-after");
    static final Instant END = JourneyProperties.START.plus(Duration.ofDays(130));

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(1, 1_000_000);
    }

    record Run(Set<String> keys, JourneyRuns runs, int actions) {
    }

    static Run run(List<Event> events, List<Instant> times) {
        ContactState s = ContactState.empty(events.get(0).contactId()).withEvents(events);
        Set<String> keys = new TreeSet<>();
        int n = 0;
        Set<String> seen = new HashSet<>();
        for (Instant now : times) {
            Evaluation e = ENGINE.evaluate(s, now);
            assertThat(e.failures()).isEmpty();
            for (Action a : e.actions()) {
                assertThat(seen.add(a.rule() + " " + a.type() + " " + a.key())).as("no action twice: %s", a).isTrue();
                if (IDS.contains(a.rule())) {
                    keys.add(a.rule() + " " + a.type() + " " + a.key());
                    n++;
                }
            }
            s = e.state();
        }
        return new Run(keys, s.contact().journeys(), n);
    }

    /** Every wake-up the engine asks for, from the first event to {@code END}, then {@code END}. */
    static Run atEveryWakeUp(List<Event> events) {
        ContactState s = ContactState.empty(events.get(0).contactId()).withEvents(events);
        List<Instant> times = new ArrayList<>();
        Instant now = events.stream().map(Event::at).min(Instant::compareTo).orElseThrow();
        List<Instant> done = new ArrayList<>();
        Set<String> keys = new TreeSet<>();
        int n = 0;
        for (int guard = 0; guard < 5000 && !now.isAfter(END); guard++) {
            Evaluation e = ENGINE.evaluate(s, now);
            for (Action a : e.actions()) {
                if (IDS.contains(a.rule())) {
                    keys.add(a.rule() + " " + a.type() + " " + a.key());
                    n++;
                }
            }
            s = e.state();
            done.add(now);
            Instant next = s.nextWakeUp();
            if (next == null || !next.isAfter(now)) {
                next = now.plusSeconds(3600); // "look again next time" (the stage changed): an hour on
            }
            now = next;
        }
        Evaluation last = ENGINE.evaluate(s, END);
        for (Action a : last.actions()) {
            if (IDS.contains(a.rule())) {
                keys.add(a.rule() + " " + a.type() + " " + a.key());
                n++;
            }
        }
        times.addAll(done);
        return new Run(keys, last.state().contact().journeys(), n);
    }

    @Property(tries = 40)
    void whenAContactIsEvaluatedDoesNotChangeWhatItsJourneysEmit(@ForAll("seeds") long seed, @ForAll @IntRange(min = 5, max = 60) int size) {
        List<Event> events = JourneyProperties.history("c-" + seed, seed, size);
        Run once = run(events, List.of(END));
        Run wakeUps = atEveryWakeUp(events);
        Random r = new Random(seed);
        List<Instant> random = new ArrayList<>();
        for (int i = 0; i < 1 + r.nextInt(30); i++) {
            random.add(JourneyProperties.START.plusSeconds((long) r.nextInt(130 * 24 * 4) * 900L));
        }
        random.sort(null);
        random.add(END);
        Run atRandom = run(events, random);
        assertThat(wakeUps.keys()).isEqualTo(once.keys());
        assertThat(atRandom.keys()).isEqualTo(once.keys());
        assertThat(wakeUps.runs()).isEqualTo(once.runs());
        assertThat(atRandom.runs()).isEqualTo(once.runs());
        Statistics.label("journey actions").collect(once.actions() == 0 ? "none" : once.actions() < 4 ? "1-3" : "4+");
        Statistics.label("journeys entered").collect(once.runs().journeys().size());
        Statistics.label("journey actions").coverage(c -> c.check("4+").percentage(p -> p > 20));
    }

    @Property(tries = 25)
    void explainAgreesWithRun(@ForAll("seeds") long seed) {
        List<Event> events = JourneyProperties.history("c-" + seed, seed, 40);
        ContactState s = ContactState.empty("c-" + seed).withEvents(events);
        int withJourneyActions = 0;
        for (Instant now : JourneyProperties.schedule(seed)) {
            Explanation x = ENGINE.explain(s, now);
            Evaluation e = ENGINE.evaluate(s, now);
            assertThat(x.actions()).isEqualTo(e.actions());
            for (String id : IDS) {
                JourneyRuns.Journey j = e.state().contact().journeys().of(id);
                Explanation.JourneyVerdict v = x.journey(id);
                assertThat(v.in()).isEqualTo(j != null && j.active() != null);
                if (v.in()) {
                    assertThat(v.step()).isEqualTo(j.active().step());
                    assertThat(v.since()).isEqualTo(j.active().stepTime());
                }
            }
            if (e.actions().stream().anyMatch(a -> IDS.contains(a.rule()))) {
                withJourneyActions++;
            }
            s = e.state();
        }
        Statistics.label("evaluations with journey actions").collect(withJourneyActions > 0);
        Statistics.label("evaluations with journey actions").coverage(c -> c.check(true).percentage(p -> p > 50));
    }

    @Property(tries = 5)
    void stateStaysBoundedOverThousandsOfEntries(@ForAll("seeds") long seed) {
        Random r = new Random(seed);
        String id = "c-" + seed;
        ContactState s = ContactState.empty(id);
        Instant t = JourneyProperties.START;
        int sizeAfter1000 = 0;
        long entries = 0;
        for (int i = 0; i < 3000; i++) {
            t = t.plusSeconds(3600L * (1 + r.nextInt(100)));
            List<Event> batch = List.of(
                    new Event(id + "-o" + i, id, "order.placed", t, Map.of("orderId", "o-" + i, "amount", 10.0)),
                    new Event(id + "-r" + i, id, "review.submitted", t.plusSeconds(3600L * 24 * 4),
                            Map.of("orderId", "o-" + i, "rating", 5)));
            Evaluation e = ENGINE.evaluate(s.withEvents(batch), t.plusSeconds(3600L * 24 * 5));
            assertThat(e.failures()).isEmpty();
            s = e.state();
            JourneyRuns.Journey j = s.contact().journeys().of("p-after");
            entries = j.entries();
            assertThat(j.reached().size()).isLessThanOrEqualTo(4);
            assertThat(j.active() == null ? 0 : j.active().path().size()).isLessThanOrEqualTo(4);
            if (i == 1000) {
                sizeAfter1000 = WaymarkJson.write(s).length();
            }
        }
        assertThat(entries).isGreaterThan(1000);
        assertThat(WaymarkJson.write(s).length()).isLessThan(sizeAfter1000 + 2000);
    }

    /** The wake-ups journeys declare are exact: skipping contacts not due changes nothing (so a store or the Kafka processor may skip). */
    @Property(tries = 25)
    void skippingContactsNotDueChangesNothing(@ForAll("seeds") long seed) {
        List<Event> events = JourneyProperties.history("c-" + seed, seed, 40);
        ContactState skipping = ContactState.empty("c-" + seed).withEvents(events);
        ContactState all = skipping;
        int journeyActions = 0;
        int skipped = 0;
        for (Instant now : JourneyProperties.schedule(seed)) {
            Evaluation a = ENGINE.evaluate(skipping, now);
            Evaluation b = NO_SKIP.evaluate(all, now);
            assertThat(a.actions()).isEqualTo(b.actions());
            assertThat(a.state().contact().journeys()).isEqualTo(b.state().contact().journeys());
            journeyActions += (int) a.actions().stream().filter(x -> IDS.contains(x.rule())).count();
            skipped += a.skipped() ? 1 : 0;
            skipping = a.state();
            all = b.state();
        }
        Statistics.label("skipped some evaluations").collect(skipped > 0);
        Statistics.label("journey actions").collect(journeyActions > 0);
        Statistics.label("skipped some evaluations").coverage(c -> c.check(true).percentage(p -> p > 50));
        Statistics.label("journey actions").coverage(c -> c.check(true).percentage(p -> p > 50));
    }

    @Property(tries = 10)
    void aStateWrittenBeforeJourneysReadsAsNone(@ForAll("seeds") long seed) {
        List<Event> events = JourneyProperties.history("c-" + seed, seed, 20);
        ContactState s = JourneyProperties.ENGINE.evaluate(ContactState.empty("c-" + seed).withEvents(events), END).state();
        String json = WaymarkJson.write(s);
        assertThat(json).contains(",\"journeys\":{\"journeys\":[]}");
        ContactState old = WaymarkJson.readState(json.replace(",\"journeys\":{\"journeys\":[]}", ""));
        assertThat(old).isEqualTo(s);
        assertThat(old.contact().journeys()).isEqualTo(JourneyRuns.NONE);
    }

    static final String MAIL = """
            {"journey":"p-mail","entry":{"event":"cart.item_added"},"exit":{"event":"order.placed"},"reentry":"always",
             "steps":[{"id":"wait-1h","wait":{"hours":1}},
                      {"id":"mail-1","send":{"type":"email.send","params":{"template":"m1"}}},
                      {"id":"mail-2","send":{"type":"email.send","params":{"template":"m2"}}},
                      {"id":"wait-2h","wait":{"hours":2}},
                      {"id":"tag","send":{"type":"tag.add","params":{"tag":"mailed"}}}]}
            """;
    static final dev.waymark.Settings POLICIES = WaymarkJson.readSettings("""
            {"policies":{"quietHours":{"start":"20:00","end":"08:00","defaultZone":"UTC"},
                         "frequencyCap":{"email":{"max":2,"hours":24}},"priority":["p-mail","abandoned-cart"]}}""");
    static final JourneyEngine HELD = Waymark.builder().settings(POLICIES).journey("mail.json", MAIL).build();
    static final JourneyEngine HELD_NO_SKIP = Waymark.builder().settings(POLICIES).journey("mail.json", MAIL).skipNotDue(false).build();

    /** With quiet hours and a cap holding sends: never an action twice, a held run resumes, skipping changes nothing. */
    @Property(tries = 25)
    void heldSendsGoOutOnceAndSkippingChangesNothing(@ForAll("seeds") long seed) {
        List<Event> events = JourneyProperties.history("c-" + seed, seed, 50);
        ContactState a = ContactState.empty("c-" + seed).withEvents(events);
        ContactState b = a;
        Set<String> seen = new HashSet<>();
        int held = 0;
        int mails = 0;
        for (Instant now : JourneyProperties.schedule(seed)) {
            Evaluation x = HELD.evaluate(a, now);
            Evaluation y = HELD_NO_SKIP.evaluate(b, now);
            assertThat(x.failures()).isEmpty();
            assertThat(x.actions()).isEqualTo(y.actions());
            for (Action act : x.actions()) {
                assertThat(seen.add(act.rule() + " " + act.type() + " " + act.key())).as("twice: %s", act).isTrue();
                mails += act.rule().equals("p-mail") && act.type().equals("email.send") ? 1 : 0;
            }
            JourneyRuns.Journey j = x.state().contact().journeys().of("p-mail");
            held += j != null && j.active() != null && j.active().held() ? 1 : 0;
            a = x.state();
            b = y.state();
        }
        Statistics.label("evaluations ending held").collect(held == 0 ? "none" : "some");
        Statistics.label("journey mails").collect(mails > 0);
        Statistics.label("evaluations ending held").coverage(c -> c.check("some").percentage(p -> p > 30));
    }
}
