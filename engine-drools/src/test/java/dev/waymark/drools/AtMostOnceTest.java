package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.Action;
import dev.waymark.BulkSummary;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.InvalidSettingsException;
import dev.waymark.JourneyEngine;
import dev.waymark.json.WaymarkJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * At most once per (contact, rule, type, key) against the ledger's bound, and settings that name a rule the ruleset lacks: the
 * ledger never forgets a key that can recur; a rule with more keys than it may hold is told, not repeated.
 */
class AtMostOnceTest {

    /** A custom rule that emits {@code n} distinct keys for every contact seen. */
    static String manyKeys(int n) {
        return manyKeys(n, "");
    }

    /** As {@link #manyKeys(int)}, with {@code more} (DRL) after each emit, say a second action of the key. */
    static String manyKeys(int n, String more) {
        return EngineTest.HEADER + """
                rule "many-keys"
                when
                    $c : Contact( seen() )
                then
                    for (int i = 0; i < %d; i++) {
                        waymark.emit($c, "task.create", "k-" + i, Map.of("kind", "call"));
                        %s
                    }
                end
                """.formatted(n, more);
    }

    static ContactState seen(String contactId) {
        return ContactState.empty(contactId).withEvents(List.of(new Event("e-1", contactId, "page.viewed",
                Instant.parse("2026-11-01T00:00:00Z"), Map.of())));
    }

    @Test
    void customRuleWith300Keys_overTwoRuns_emitsNoKeyTwice_andNamesTheRuleThatCrossedTheBound() {
        JourneyEngine engine = Waymark.builder().rules("many.drl", manyKeys(300)).build();
        Instant first = Instant.parse("2026-11-02T00:00:00Z");

        Evaluation one = engine.evaluate(seen("c-1"), first);
        // the state goes to disk and back between the runs, as a --state file does
        ContactState saved = WaymarkJson.readState(WaymarkJson.write(one.state()));
        Evaluation two = engine.evaluate(saved, first.plusSeconds(86_400));

        Set<String> keys = new HashSet<>();
        List<String> twice = new ArrayList<>();
        for (Action a : concat(one.actions(), two.actions())) {
            if (a.rule().equals("many-keys") && !keys.add(a.key())) {
                twice.add(a.key());
            }
        }
        assertThat(twice).as("keys emitted twice").isEmpty();
        assertThat(keys).hasSize(256);
        assertThat(one.ledgerFull()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("many-keys");
            assertThat(f.contactId()).isEqualTo("c-1");
            assertThat(f.withheld()).isEqualTo(44);
            assertThat(f.toString()).isEqualTo("contact c-1, rule many-keys: its ledger holds 256 keys, the most a rule"
                    + " keeps per contact; 44 firings with a new key withheld");
        });
        assertThat(two.ledgerFull()).extracting(Evaluation.LedgerFull::rule).containsExactly("many-keys");
        assertThat(two.state().contact().ledger().stream().filter(e -> e.rule().equals("many-keys"))).hasSize(256);
    }

    @Test
    void bulkSummary_collectsEveryContactWhoseRuleLedgerIsFull() {
        JourneyEngine engine = Waymark.builder().rules("many.drl", manyKeys(257)).build();
        List<Evaluation> out = new ArrayList<>();
        BulkSummary summary = engine.evaluateAll(List.of(seen("c-1"), seen("c-2")), Instant.parse("2026-11-02T00:00:00Z"), out::add, 1);
        assertThat(summary.ledgerFull()).extracting(Evaluation.LedgerFull::contactId).containsExactly("c-1", "c-2");
    }

    @Test
    void customRuleWithinTheBound_isNeverForgotten_thoughTheLedgerIsLong() {
        // two actions per key: 400 ledger entries of 200 keys, over the 256 entries past which the ledger is trimmed
        JourneyEngine engine = Waymark.builder()
                .rules("many.drl", manyKeys(200, "waymark.emit($c, \"audience.add\", \"k-\" + i, Map.of(\"audience\", \"a\"));")).build();
        Instant now = Instant.parse("2026-11-02T00:00:00Z");
        ContactState s = engine.evaluate(seen("c-1"), now).state();
        int again = 0;
        for (int day = 1; day <= 5; day++) {
            Evaluation e = engine.evaluate(s.withEvents(List.of(new Event("e-" + (day + 1), "c-1", "order.placed",
                    now.plusSeconds(86_400L * day - 60), Map.of("orderId", "o-" + day, "amount", 10.0)))), now.plusSeconds(86_400L * day));
            again += (int) e.actions().stream().filter(a -> a.rule().equals("many-keys")).count();
            s = e.state();
        }
        assertThat(again).isZero();
        assertThat(s.contact().ledger().stream().filter(e -> e.rule().equals("many-keys"))).hasSize(400);
    }

    @Test
    void settingsNamingAnUnknownRuleWithNothingSet_areRejected_suggestingTheClosestRule() {
        assertThatThrownBy(() -> Waymark.builder().settings(WaymarkJson.readSettings("{\"rules\":{\"abandoned-kart\":{}}}")).build())
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.key()).isEqualTo("rules.abandoned-kart"))
                .hasMessageStartingWith("settings rules.abandoned-kart: unknown rule; did you mean abandoned-cart? (rules: ");
    }

    @Test
    void settingsNamingACustomRuleWithNothingSet_areFine() {
        JourneyEngine engine = Waymark.builder().settings(WaymarkJson.readSettings("{\"rules\":{\"many-keys\":{}}}"))
                .rules("many.drl", manyKeys(1)).build();
        assertThat(engine.ruleIds()).contains("many-keys");
    }

    @Test
    void aMisspeltCustomRule_isSuggested() {
        assertThatThrownBy(() -> Waymark.builder().settings(WaymarkJson.readSettings("{\"rules\":{\"many-key\":{\"enabled\":false}}}"))
                .rules("many.drl", manyKeys(1)).build())
                .hasMessageStartingWith("settings rules.many-key: unknown rule; did you mean many-keys?");
    }

    static List<Action> concat(List<Action> a, List<Action> b) {
        List<Action> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
