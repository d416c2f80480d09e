package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.Explanation;
import dev.waymark.Explanation.Finding;
import dev.waymark.Explanation.Outcome;
import dev.waymark.Explanation.RuleVerdict;
import dev.waymark.JourneyEngine;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Explain never disagrees with run: over random histories, at every evaluation instant of a schedule. */
class ExplainProperties {

    /** Every policy at once, experiments included, so withheld and holdout verdicts are exercised too. */
    static final JourneyEngine WITH_POLICIES = DeliveryPoliciesTest.engine("""
            {"suppressTags":["unengaged"],
             "quietHours":{"start":"22:00","end":"06:00","defaultZone":"UTC"},
             "frequencyCap":{"email":{"max":1,"hours":48}},
             "experiments":{"abandoned-cart":{"holdoutPercent":30,"variants":[{"name":"A","weight":1},{"name":"B","weight":1}]},
                            "win-back":{"holdoutPercent":50}}}""");

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(1, 1_000_000);
    }

    @Property(tries = 25)
    void explain_emitsExactlyWhatRunEmits_andFiresExactlyTheRulesRunFires(@ForAll("seeds") long seed) {
        boolean fired = false;
        for (JourneyEngine engine : List.of(JourneyProperties.ENGINE, WITH_POLICIES)) {
            ContactState state = ContactState.empty("c-" + seed).withEvents(JourneyProperties.history("c-" + seed, seed, 40));
            for (Instant now : JourneyProperties.schedule(seed)) {
                Explanation explained = engine.explain(state, now);
                Evaluation run = engine.evaluate(state, now);
                assertThat(explained.actions()).as("actions at " + now).isEqualTo(run.actions());
                assertThat(explained.nextWakeUp()).as("wake-up at " + now).isEqualTo(run.state().nextWakeUp());
                Set<String> firing = explained.rules().stream().filter(RuleVerdict::fires).map(RuleVerdict::rule)
                        .collect(Collectors.toCollection(TreeSet::new));
                Set<String> ran = run.actions().stream().map(Action::rule).collect(Collectors.toCollection(TreeSet::new));
                assertThat(firing).as("rules firing at " + now).isEqualTo(ran);
                fired |= !ran.isEmpty();
                state = run.state();
            }
        }
        Tries.exercised("rules fired", 80, fired);
    }

    @Property(tries = 25)
    void notDueUntil_isKept_whenNothingNewArrives(@ForAll("seeds") long seed) {
        // Without policies or new events, a rule explained as "not due until t" emits when evaluated at t.
        JourneyEngine engine = JourneyProperties.ENGINE;
        int kept = 0;
        ContactState state = ContactState.empty("c-" + seed).withEvents(JourneyProperties.history("c-" + seed, seed, 40));
        for (Instant now : JourneyProperties.schedule(seed)) {
            Explanation explained = engine.explain(state, now);
            Evaluation run = engine.evaluate(state, now);
            for (RuleVerdict v : explained.rules()) {
                Finding f = v.findings().get(0);
                if (f.outcome() != Outcome.NOT_DUE || pendingBy(run.state(), f.at())) {
                    continue;
                }
                List<Action> then = engine.evaluate(run.state(), f.at()).actions();
                assertThat(then).as(v.rule() + " explained at " + now + " as " + f.detail())
                        .anySatisfy(a -> assertThat(a.rule()).isEqualTo(v.rule()));
                kept++;
            }
            state = run.state();
        }
        Tries.exercised("a not-due verdict was checked", 80, kept > 0);
    }

    private static boolean pendingBy(ContactState s, Instant t) {
        for (Event e : s.pending()) {
            if (!e.at().isAfter(t)) {
                return true;
            }
        }
        return false;
    }
}
