package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.internal.Tally;
import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.ConversionReport;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.testing.JourneyScenario;
import dev.waymark.json.WaymarkJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Conversion (docs/settings-and-policies.md): a message converts when the goal event follows within the window; the report sums it. */
class ConversionTest {

    static final JourneyEngine ENGINE = StandardRulesTest.ENGINE;

    /** A subscriber whose cart is reminded at 14:00 on 2026-11-20 (added 10:00, reminder after 4 h). */
    static JourneyScenario remindedCart(JourneyEngine engine, String contactId) {
        JourneyScenario s = JourneyScenario.with(engine, contactId).event("subscribed", "2026-11-20T09:00:00Z", "channel", "email")
                .event("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k-1", "sku", "MUG-1", "price", 12.5);
        s.evaluateAt("2026-11-20T09:00:00Z");
        s.evaluateAt("2026-11-20T14:00:00Z").ofRule("abandoned-cart").expectExactly("email.send k-1");
        return s;
    }

    static Tally tally(ContactState s, String rule) {
        return s.contact().conversions().tallies().stream().filter(t -> t.rule().equals(rule)).findFirst().orElseThrow();
    }

    /** An order with its own event id (scenarios restored from a state number their events from e1 again). */
    static void order(JourneyScenario s, String id, String at, double amount) {
        s.event(new Event("order-" + id, s.state().contactId(), "order.placed", Instant.parse(at),
                Map.of("orderId", id, "amount", amount, "cartId", "k-1")));
    }

    @Test
    void orderWithinTheWindow_convertsTheMessage_withItsAmount() {
        JourneyScenario s = remindedCart(ENGINE, "c-1");
        order(s, "o-1", "2026-11-21T09:00:00Z", 25.0);
        s.evaluateAt("2026-11-21T10:00:00Z");
        assertThat(tally(s.state(), "abandoned-cart")).isEqualTo(new Tally("abandoned-cart", "all", 1, true, 25.0));
    }

    @Test
    void orderAtExactlyTheWindowsEnd_converts() {
        JourneyScenario s = remindedCart(ENGINE, "c-1");
        order(s, "o-1", "2026-11-23T14:00:00Z", 25.0); // 72 h after the 14:00 reminder: (at, at + 72h] includes it
        s.evaluateAt("2026-11-24T00:00:00Z");
        assertThat(tally(s.state(), "abandoned-cart").converted()).isTrue();
    }

    @Test
    void orderAfterTheWindow_doesNotConvert() {
        JourneyScenario s = remindedCart(ENGINE, "c-1");
        order(s, "o-1", "2026-11-23T14:00:01Z", 25.0);
        s.evaluateAt("2026-11-24T00:00:00Z");
        assertThat(tally(s.state(), "abandoned-cart")).isEqualTo(new Tally("abandoned-cart", "all", 1, false, 0.0));
    }

    @Test
    void orderAtTheMessagesOwnInstant_doesNotConvert() {
        JourneyScenario s = remindedCart(ENGINE, "c-1");
        order(s, "o-1", "2026-11-20T14:00:00Z", 25.0); // (at, …] excludes the message's own instant
        s.evaluateAt("2026-11-20T15:00:00Z");
        assertThat(tally(s.state(), "abandoned-cart").converted()).isFalse();
    }

    @Test
    void lateArrivingOrder_insideTheWindow_stillConverts() {
        JourneyScenario s = remindedCart(ENGINE, "c-1");
        s.evaluateAt("2026-11-25T00:00:00Z"); // the window closed on the 23rd
        order(s, "o-1", "2026-11-22T09:00:00Z", 40.0); // …but the order happened inside it and reaches us now
        s.evaluateAt("2026-11-26T00:00:00Z");
        assertThat(tally(s.state(), "abandoned-cart")).isEqualTo(new Tally("abandoned-cart", "all", 1, true, 40.0));
    }

    @Test
    void oneOrderConvertingTwoMessagesOfARule_countsItsRevenueOnce() {
        JourneyScenario s = remindedCart(ENGINE, "c-1");
        s.event("cart.item_added", "2026-11-20T11:00:00Z", "cartId", "k-2", "sku", "CUP-1", "price", 5.0);
        s.evaluateAt("2026-11-20T15:00:00Z").ofRule("abandoned-cart").expectExactly("email.send k-2");
        // overlapping windows of one rule and arm are kept as one interval: (14:00, 15:00 + 72 h]
        assertThat(s.state().contact().conversions().open()).filteredOn(x -> x.rule().equals("abandoned-cart")).singleElement().satisfies(x -> {
            assertThat(x.at()).isEqualTo(Instant.parse("2026-11-20T14:00:00Z"));
            assertThat(x.until()).isEqualTo(Instant.parse("2026-11-23T15:00:00Z"));
        });
        order(s, "o-1", "2026-11-21T09:00:00Z", 30.0);
        s.evaluateAt("2026-11-21T10:00:00Z");
        assertThat(tally(s.state(), "abandoned-cart")).isEqualTo(new Tally("abandoned-cart", "all", 2, true, 30.0));
    }

    @Test
    void customGoalEvent_andWindow_fromSettings() {
        JourneyEngine e = DeliveryPoliciesTest.engine("{\"conversion\":{\"event\":\"checkout.started\",\"hours\":2}}");
        JourneyScenario s = remindedCart(e, "c-1");
        s.event("checkout.started", "2026-11-20T15:59:59Z", "cartId", "k-1");
        s.evaluateAt("2026-11-20T17:00:00Z");
        assertThat(tally(s.state(), "abandoned-cart")).isEqualTo(new Tally("abandoned-cart", "all", 1, true, 0.0));
    }

    @Test
    void conversions_surviveSaveAndRestore() {
        JourneyScenario s = remindedCart(ENGINE, "c-1");
        ContactState restored = WaymarkJson.readState(WaymarkJson.write(s.state()));
        assertThat(restored.contact().conversions()).isEqualTo(s.state().contact().conversions());
        JourneyScenario again = JourneyScenario.with(ENGINE, "c-1").from(restored);
        order(again, "o-1", "2026-11-21T09:00:00Z", 25.0);
        again.evaluateAt("2026-11-21T10:00:00Z");
        assertThat(tally(again.state(), "abandoned-cart").converted()).isTrue();
    }

    @Test
    void openExposures_areForgottenAWeekAfterTheirWindow_talliesStay() {
        JourneyScenario s = remindedCart(ENGINE, "c-1");
        s.evaluateAt("2026-11-30T13:59:59Z");
        assertThat(s.state().contact().conversions().open()).hasSize(1);
        s.event("page.viewed", "2026-12-01T00:00:00Z", "url", "/"); // an event, so the contact is evaluated (not skipped)
        s.evaluateAt("2026-12-01T00:00:00Z"); // window ended 11-23 14:00; + 7 days = 11-30 14:00
        assertThat(s.state().contact().conversions().open()).isEmpty();
        assertThat(tally(s.state(), "abandoned-cart").actions()).isEqualTo(1);
    }

    @Test
    void stateWrittenBeforeConversions_readsAsNone() {
        String json = WaymarkJson.write(ContactState.empty("c-9")).replace(",\"conversions\":{\"open\":[],\"tallies\":[]}", "");
        assertThat(json).doesNotContain("conversions");
        assertThat(WaymarkJson.readState(json).contact().conversions().tallies()).isEmpty();
    }

    @Test
    void report_sumsPerRuleAndArm_andGivesTheVariantsLiftOverTheHoldout() {
        String experiments = "{\"experiments\":{\"abandoned-cart\":{\"holdoutPercent\":50,\"variants\":[{\"name\":\"A\",\"weight\":1}]}}}";
        JourneyEngine e = DeliveryPoliciesTest.engine(experiments);
        Settings settings = e.settings();
        List<ContactState> states = new ArrayList<>();
        // 200 contacts reminded; every variant contact with an even number buys, only every fourth holdout contact does
        for (int i = 0; i < 200; i++) {
            JourneyScenario s = remindedCartAnyArm(e, "c-" + i);
            String arm = settings.policies().experiments().get("abandoned-cart").arm("c-" + i, "abandoned-cart");
            if (i % (arm.equals("A") ? 2 : 4) == 0) {
                order(s, "o-" + i, "2026-11-21T09:00:00Z", 10.0);
            }
            s.evaluateAt("2026-11-21T10:00:00Z");
            states.add(s.state());
        }
        ConversionReport report = ConversionReport.of(states, settings);
        List<ConversionReport.Row> rows = report.rows("abandoned-cart");
        assertThat(rows).extracting(ConversionReport.Row::arm).containsExactly("A", "holdout");
        ConversionReport.Row a = rows.get(0);
        ConversionReport.Row h = rows.get(1);
        assertThat(a.reached() + h.reached()).isEqualTo(200);
        assertThat(a.actions()).isEqualTo(a.reached());
        assertThat(a.rate()).isEqualTo((double) a.converted() / a.reached());
        assertThat(a.revenue()).isEqualTo(10.0 * a.converted());
        assertThat(h.lift()).isNull();
        assertThat(a.lift().difference()).isCloseTo(a.rate() - h.rate(), Offset.offset(1e-12));
        // Agresti–Caffo: the Wald interval after one conversion and one non-conversion added to each arm
        double pa = (a.converted() + 1.0) / (a.reached() + 2);
        double ph = (h.converted() + 1.0) / (h.reached() + 2);
        double half = 1.959963984540054 * Math.sqrt(pa * (1 - pa) / (a.reached() + 2) + ph * (1 - ph) / (h.reached() + 2));
        assertThat(a.lift().low()).isCloseTo(pa - ph - half, Offset.offset(1e-12));
        assertThat(a.lift().high()).isCloseTo(pa - ph + half, Offset.offset(1e-12));
        assertThat(a.lift().low()).isPositive(); // 50 % against 25 % over ~100 contacts each
        // the rules without an experiment report one arm, "all"
        assertThat(report.rows("welcome-series")).extracting(ConversionReport.Row::arm).containsExactly("all");
    }

    @Test
    void lift_ofTwoArmsWithNoConversion_hasAnIntervalAroundZero_notAPoint() {
        Settings settings = WaymarkJson.readSettings(
                "{\"policies\":{\"experiments\":{\"abandoned-cart\":{\"holdoutPercent\":50,\"variants\":[{\"name\":\"A\"}]}}}}");
        JourneyEngine e = Waymark.builder().settings(settings).build();
        List<ContactState> states = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            states.add(remindedCartAnyArm(e, "c-" + i).state());
        }
        ConversionReport.Lift lift = ConversionReport.of(states, settings).rows("abandoned-cart").get(0).lift();
        assertThat(lift.difference()).isZero();
        assertThat(lift.low()).isNegative();
        assertThat(lift.high()).isPositive();
    }

    @Test
    void report_withoutSettings_listsVariantsBeforeTheHoldout() {
        JourneyEngine e = DeliveryPoliciesTest.engine(
                "{\"experiments\":{\"abandoned-cart\":{\"holdoutPercent\":30,\"variants\":[{\"name\":\"B\"},{\"name\":\"A\"}]}}}");
        List<ContactState> states = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            states.add(remindedCartAnyArm(e, "c-" + i).state());
        }
        assertThat(ConversionReport.of(states, e.settings()).rows("abandoned-cart")).extracting(ConversionReport.Row::arm)
                .containsExactly("B", "A", "holdout");
        assertThat(ConversionReport.of(states, Settings.defaults()).rows("abandoned-cart")).extracting(ConversionReport.Row::arm)
                .containsExactly("A", "B", "holdout");
    }

    @Test
    void report_listsConfiguredArmsThatReachedNobody() {
        Settings settings = WaymarkJson.readSettings(
                "{\"policies\":{\"experiments\":{\"win-back\":{\"holdoutPercent\":10,\"variants\":[{\"name\":\"A\"},{\"name\":\"B\"}]}}}}");
        ConversionReport report = ConversionReport.of(List.of(), settings);
        assertThat(report.rows()).extracting(ConversionReport.Row::arm).containsExactly("A", "B", "holdout");
        assertThat(report.rows()).allSatisfy(r -> {
            assertThat(r.reached()).isZero();
            assertThat(r.rate()).isZero();
            assertThat(r.lift()).isNull();
        });
    }

    /** As {@link #remindedCart} without asserting the message (a holdout contact gets a record instead). */
    static JourneyScenario remindedCartAnyArm(JourneyEngine engine, String contactId) {
        JourneyScenario s = JourneyScenario.with(engine, contactId).event("subscribed", "2026-11-20T09:00:00Z", "channel", "email")
                .event("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k-1", "sku", "MUG-1", "price", 12.5);
        s.evaluateAt("2026-11-20T09:00:00Z");
        assertThat(s.evaluateAt("2026-11-20T14:00:00Z").ofRule("abandoned-cart").actions()).hasSize(1);
        return s;
    }
}
