package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.InvalidSettingsException;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings.Policies;
import dev.waymark.drools.testing.JourneyScenario;
import dev.waymark.json.WaymarkJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Experiments (docs/settings-and-policies.md) as the engine applies them: variants on every action, holdout records, order of policies. */
class ExperimentsTest {

    static final String WIN_BACK_AB = "{\"win-back\":{\"holdoutPercent\":20,\"variants\":[{\"name\":\"A\",\"weight\":1},{\"name\":\"B\",\"weight\":1}]}}";
    static final Policies.Experiment EXPERIMENT = WaymarkJson.readSettings("{\"policies\":{\"experiments\":" + WIN_BACK_AB + "}}")
            .policies().experiments().get("win-back");

    static JourneyEngine engine(String extraPolicies) {
        return DeliveryPoliciesTest.engine("{\"experiments\":" + WIN_BACK_AB + extraPolicies + "}");
    }

    /** The first contact id "c-N" that lands in {@code arm} of the win-back experiment. */
    static String contactIn(String arm) {
        return IntStream.range(0, 1000).mapToObj(i -> "c-" + i).filter(c -> EXPERIMENT.arm(c, "win-back").equals(arm))
                .findFirst().orElseThrow();
    }

    /** A VIP buyer (so win-back also issues a coupon) whose last order was 2026-01-01. */
    static JourneyScenario lapsedVip(JourneyEngine engine, String contactId) {
        return JourneyScenario.with(engine, contactId).event("subscribed", "2025-12-01T00:00:00Z", "channel", "email")
                .event("order.placed", "2026-01-01T00:00:00Z", "orderId", "o-1", "amount", 800.0);
    }

    @Test
    void variantContact_getsTheMessage_withParamsVariantOnEveryActionOfTheRule() {
        JourneyScenario s = lapsedVip(engine(""), contactIn("A"));
        s.evaluateAt("2026-01-01T00:00:00Z");
        JourneyScenario.Fired winBack = s.evaluateAt("2026-04-01T00:00:00Z").ofRule("win-back")
                .expectExactly("email.send 2026-01-01T00:00:00Z", "coupon.issue 2026-01-01T00:00:00Z");
        assertThat(winBack.action("email.send").params()).containsEntry("variant", "A");
        assertThat(winBack.action("coupon.issue").params()).containsEntry("variant", "A").containsEntry("percent", 15L);
    }

    @Test
    void holdoutContact_getsAHoldoutRecordInsteadOfTheMessage_otherActionsStay() {
        JourneyScenario s = lapsedVip(engine(""), contactIn("holdout"));
        s.evaluateAt("2026-01-01T00:00:00Z");
        JourneyScenario.Fired winBack = s.evaluateAt("2026-04-01T00:00:00Z").ofRule("win-back")
                .expectExactly("experiment.holdout 2026-01-01T00:00:00Z", "coupon.issue 2026-01-01T00:00:00Z");
        assertThat(winBack.action("experiment.holdout").params()).containsEntry("of", "email.send")
                .containsEntry("variant", "holdout").containsEntry("template", "win-back");
        assertThat(winBack.action("coupon.issue").params()).containsEntry("variant", "holdout");
    }

    @Test
    void holdoutRecord_isInTheLedger_soTheMessageNeverFollows_evenAfterTheExperimentEnds() {
        JourneyScenario s = lapsedVip(engine(""), contactIn("holdout"));
        s.evaluateAt("2026-04-01T00:00:00Z");
        s.evaluateAt("2026-04-02T00:00:00Z").ofRule("win-back").expectNothing();
        // the same contact under settings without the experiment: the firing was used up by its record
        JourneyScenario.with(StandardRulesTest.ENGINE, s.state().contactId()).from(s.state()).evaluateAt("2026-04-03T00:00:00Z")
                .ofRule("win-back").expectNothing();
    }

    @Test
    void otherRules_carryNoVariant() {
        JourneyScenario s = lapsedVip(engine(""), contactIn("A"));
        List<Action> firstOrderDay = s.evaluateAt("2026-01-01T00:00:00Z").actions();
        assertThat(firstOrderDay).extracting(Action::rule).contains("ad-exclusion", "loyalty-reward", "stage-progression");
        for (Action a : firstOrderDay) {
            assertThat(a.params()).as(a.rule()).doesNotContainKey("variant");
        }
    }

    @Test
    void assignment_survivesSaveAndRestore() {
        for (String arm : new String[] {"A", "B", "holdout"}) {
            JourneyScenario s = lapsedVip(engine(""), contactIn(arm));
            s.evaluateAt("2026-01-01T00:00:00Z");
            ContactState restored = WaymarkJson.readState(WaymarkJson.write(s.state()));
            Action first = JourneyScenario.with(engine(""), restored.contactId()).from(restored).evaluateAt("2026-04-01T00:00:00Z")
                    .ofRule("win-back").action("coupon.issue");
            assertThat(first.params()).containsEntry("variant", arm);
        }
    }

    @Test
    void bulkRun_splitsContactsByWeight_andEveryContactKeepsItsArmAfterRestore() {
        JourneyEngine e = engine("");
        int n = 4000;
        List<ContactState> states = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            states.add(lapsedVip(e, "bulk-" + i).state());
        }
        List<ContactState> first = new ArrayList<>();
        Map<String, String> armOf = new HashMap<>();
        e.evaluateAll(states, Instant.parse("2026-04-01T00:00:00Z"), ev -> {
            first.add(ev.state());
            ev.actions().stream().filter(a -> a.rule().equals("win-back"))
                    .forEach(a -> armOf.merge(a.contactId(), (String) a.params().get("variant"), (x, y) -> {
                        assertThat(x).as("one arm per contact").isEqualTo(y);
                        return x;
                    }));
        });
        assertThat(armOf).hasSize(n);
        Map<String, Long> sizes = armOf.values().stream().collect(Collectors.groupingBy(a -> a, Collectors.counting()));
        // holdout 20 %, A and B 40 % each; 5 standard deviations of a binomial
        Map.of("holdout", 0.2, "A", 0.4, "B", 0.4).forEach((arm, p) ->
                assertThat((double) sizes.get(arm)).as(arm).isCloseTo(n * p, Offset.offset(5 * Math.sqrt(n * p * (1 - p)))));
        // saved, restored, and a new order lapsing again: the second win-back goes to the same arm
        List<ContactState> restored = new ArrayList<>();
        for (ContactState s : first) {
            restored.add(WaymarkJson.readState(WaymarkJson.write(s)).withEvents(List.of(new dev.waymark.Event(
                    s.contactId() + "-o2", s.contactId(), "order.placed", Instant.parse("2026-04-02T00:00:00Z"),
                    Map.of("orderId", "o-2", "amount", 10.0)))));
        }
        java.util.concurrent.atomic.AtomicInteger again = new java.util.concurrent.atomic.AtomicInteger();
        e.evaluateAll(restored, Instant.parse("2026-07-02T00:00:00Z"), ev -> ev.actions().stream()
                .filter(a -> a.rule().equals("win-back") && a.type().equals("coupon.issue"))
                .forEach(a -> {
                    again.incrementAndGet();
                    assertThat(a.params().get("variant")).as(a.contactId()).isEqualTo(armOf.get(a.contactId()));
                }));
        assertThat(again).hasValue(n);
    }

    @Test
    void holdoutRecords_neverCountTowardTheCap() {
        // cap 1 email per day: the holdout record of win-back (first in priority) must not take the cart email's place
        JourneyEngine e = engine(",\"frequencyCap\":{\"email\":{\"max\":1,\"hours\":24}},\"priority\":[\"win-back\"]");
        JourneyScenario s = lapsedVip(e, contactIn("holdout"));
        s.evaluateAt("2026-01-01T00:00:00Z");
        s.event("cart.item_added", "2026-03-31T12:00:00Z", "cartId", "k-1", "sku", "MUG-1", "price", 12.5);
        s.evaluateAt("2026-04-01T00:00:00Z").expectExactly("win-back experiment.holdout 2026-01-01T00:00:00Z",
                "win-back coupon.issue 2026-01-01T00:00:00Z", "abandoned-cart email.send k-1");
    }

    @Test
    void quietHours_comeBeforeExperiments_soAHeldOutMessageInQuietHoursLeavesNoRecordYet() {
        JourneyEngine e = engine(",\"quietHours\":{\"start\":\"21:00\",\"end\":\"09:00\",\"defaultZone\":\"UTC\"}");
        JourneyScenario s = lapsedVip(e, contactIn("holdout"));
        s.evaluateAt("2026-01-01T10:00:00Z");
        s.evaluateAt("2026-04-01T23:00:00Z").ofRule("win-back").expectExactly("coupon.issue 2026-01-01T00:00:00Z");
        s.evaluateAt("2026-04-02T09:00:00Z").ofRule("win-back").expectExactly("experiment.holdout 2026-01-01T00:00:00Z");
    }

    @Test
    void experimentOnAnUnknownRule_isASettingsErrorNamingIt() {
        assertThatThrownBy(() -> DeliveryPoliciesTest.engine("{\"experiments\":{\"win-bak\":{\"holdoutPercent\":10}}}"))
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("policies.experiments.win-bak");
    }
}
