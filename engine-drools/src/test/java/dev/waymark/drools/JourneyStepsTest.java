package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Action;
import dev.waymark.Explanation;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.testing.JourneyScenario;
import dev.waymark.internal.ExperimentBuckets;
import dev.waymark.internal.JourneyRuns;
import dev.waymark.json.WaymarkJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Step kinds and boundaries beyond the cart flow: local times, exits, re-entry, consent, policies, splits. */
class JourneyStepsTest {

    static JourneyEngine engine(String json) {
        return JourneyFlowTest.engine(json);
    }

    static JourneyEngine engine(String settings, String json) {
        return JourneyFlowTest.engine(WaymarkJson.readSettings(settings), json);
    }

    static String flow(String extra, String steps) {
        return "{\"journey\":\"flow\",\"entry\":{\"event\":\"order.placed\"}" + extra + ",\"steps\":" + steps + "}";
    }

    static JourneyScenario ordered(JourneyEngine engine, String at) {
        return JourneyScenario.with(engine)
                .event("subscribed", "2026-01-01T00:00:00Z", "channel", "email")
                .event("order.placed", at, "orderId", "o-1", "amount", 10.0);
    }

    static final String SEND = "{\"id\":\"mail\",\"send\":{\"type\":\"email.send\",\"params\":{\"template\":\"t\"}}}";

    @Test
    void waitUntilOnADstGapLeavesAtTheFirstInstantAfterTheGap() {
        // Europe/Berlin skips 02:00-03:00 on 2026-03-29: 02:30 that day is 03:00 CEST = 01:00Z.
        JourneyEngine e = engine(flow(",\"defaultZone\":\"Europe/Berlin\"",
                "[{\"id\":\"at-0230\",\"waitUntil\":{\"time\":\"02:30\"}}," + SEND + "]"));
        JourneyScenario s = ordered(e, "2026-03-28T23:00:00Z"); // 00:00 local on the 29th
        s.evaluateAt("2026-03-28T23:00:00Z").ofRule("flow").expectNothing().expectWakeUp("2026-03-29T01:00:00Z");
        s.evaluateAt("2026-03-29T00:59:59Z").ofRule("flow").expectNothing();
        s.evaluateAt("2026-03-29T01:00:00Z").ofRule("flow").expectExactly("email.send 2026-03-28T23:00:00Z/mail");
    }

    @Test
    void waitUntilKeepsToTheAllowedDaysAndIsInclusiveAtTheStepTime() {
        JourneyEngine e = engine(flow("", "[{\"id\":\"monday-9\",\"waitUntil\":{\"time\":\"09:00\",\"days\":[\"mon\"]}}," + SEND + "]"));
        // 2026-11-20 is a Friday: the next Monday 09:00 UTC is the 23rd.
        JourneyScenario fri = ordered(e, "2026-11-20T10:00:00Z");
        fri.evaluateAt("2026-11-20T10:00:00Z").ofRule("flow").expectNothing().expectWakeUp("2026-11-23T09:00:00Z");
        fri.evaluateAt("2026-11-23T09:00:00Z").ofRule("flow").expectExactly("email.send 2026-11-20T10:00:00Z/mail");
        // Entered at exactly Monday 09:00: left at once (at or after the step time).
        JourneyScenario mon = ordered(e, "2026-11-23T09:00:00Z");
        mon.evaluateAt("2026-11-23T09:00:00Z").ofRule("flow").expectExactly("email.send 2026-11-23T09:00:00Z/mail");
    }

    @Test
    void waitUntilUsesTheContactsZone() {
        JourneyEngine e = engine(flow("", "[{\"id\":\"nine\",\"waitUntil\":{\"time\":\"09:00\"}}," + SEND + "]"));
        JourneyScenario s = ordered(e, "2026-11-20T10:00:00Z")
                .event("contact.updated", "2026-01-01T00:00:00Z", "attributes", java.util.Map.of("timezone", "America/New_York"));
        // 10:00Z is 05:00 in New York: 09:00 there is 14:00Z the same day.
        s.evaluateAt("2026-11-20T10:00:00Z").ofRule("flow").expectNothing().expectWakeUp("2026-11-20T14:00:00Z");
    }

    static final String EXIT_FLOW = flow(",\"exit\":{\"event\":\"email.clicked\"}",
            "[{\"id\":\"wait-1h\",\"wait\":{\"hours\":1}}," + SEND + "]");

    @Test
    void anExitEventAtTheSameInstantAsAStepEndsTheRunBeforeIt() {
        JourneyScenario s = ordered(engine(EXIT_FLOW), "2026-11-20T10:00:00Z")
                .event("email.clicked", "2026-11-20T11:00:00Z", "campaignId", "c");
        s.evaluateAt("2026-11-20T12:00:00Z").ofRule("flow").expectNothing();
        JourneyRuns.Journey j = s.state().contact().journeys().of("flow");
        assertThat(j.exited()).isEqualTo(1);
        assertThat(j.lastEnd()).isEqualTo("2026-11-20T11:00:00Z");
    }

    @Test
    void anExitEventAtTheEntryInstantDoesNotEndTheRun() {
        JourneyScenario s = ordered(engine(EXIT_FLOW), "2026-11-20T10:00:00Z")
                .event("email.clicked", "2026-11-20T10:00:00Z", "campaignId", "c");
        s.evaluateAt("2026-11-20T12:00:00Z").ofRule("flow").expectExactly("email.send 2026-11-20T10:00:00Z/mail");
    }

    @Test
    void anExitEventJustAfterTheStepComesTooLate() {
        JourneyScenario s = ordered(engine(EXIT_FLOW), "2026-11-20T10:00:00Z")
                .event("email.clicked", "2026-11-20T11:00:00.001Z", "campaignId", "c");
        s.evaluateAt("2026-11-20T12:00:00Z").ofRule("flow").expectExactly("email.send 2026-11-20T10:00:00Z/mail");
    }

    static JourneyScenario orders(String reentry, String... times) {
        JourneyEngine e = engine(flow(reentry, "[{\"id\":\"wait-1h\",\"wait\":{\"hours\":1}}," + SEND + "]"));
        JourneyScenario s = JourneyScenario.with(e).event("subscribed", "2026-01-01T00:00:00Z", "channel", "email");
        for (int i = 0; i < times.length; i++) {
            s.event("order.placed", times[i], "orderId", "o-" + i, "amount", 10.0);
        }
        return s;
    }

    @Test
    void reentryNeverAllowsOneEntryEver() {
        JourneyScenario s = orders("", "2026-11-20T10:00:00Z", "2026-11-25T10:00:00Z");
        s.evaluateAt("2026-12-01T00:00:00Z").ofRule("flow").expectExactly("email.send 2026-11-20T10:00:00Z/mail");
        assertThat(s.state().contact().journeys().of("flow").entries()).isEqualTo(1);
        assertThat(s.explainAt("2026-12-02T00:00:00Z").journey("flow").detail()).contains("re-entry is never allowed");
    }

    @Test
    void reentryAlwaysEntersAgainAfterTheEndButNotDuringARun() {
        // The run of 10:00 ends at 11:00: the order at 10:30 falls inside it, the one at 11:00 is not after its end.
        JourneyScenario s = orders(",\"reentry\":\"always\"", "2026-11-20T10:00:00Z", "2026-11-20T10:30:00Z",
                "2026-11-20T11:00:00Z", "2026-11-20T11:00:01Z");
        s.evaluateAt("2026-11-21T00:00:00Z").ofRule("flow")
                .expectExactly("email.send 2026-11-20T10:00:00Z/mail", "email.send 2026-11-20T11:00:01Z/mail");
        assertThat(s.state().contact().journeys().of("flow").completed()).isEqualTo(2);
    }

    @Test
    void reentryAfterHoursCountsFromThePreviousEntryInclusive() {
        JourneyScenario s = orders(",\"reentry\":{\"afterHours\":24}", "2026-11-20T10:00:00Z", "2026-11-21T09:59:59Z",
                "2026-11-21T10:00:00Z");
        s.evaluateAt("2026-11-20T10:00:00Z");
        assertThat(s.explainAt("2026-11-20T12:00:00Z").journey("flow").detail()).contains("re-entry not allowed until 2026-11-21T10:00:00Z");
        s.evaluateAt("2026-11-22T00:00:00Z").ofRule("flow")
                .expectExactly("email.send 2026-11-20T10:00:00Z/mail", "email.send 2026-11-21T10:00:00Z/mail");
    }

    static final String TWO_SENDS = flow("", "[" + SEND + ",{\"id\":\"tag\",\"send\":{\"type\":\"tag.add\",\"params\":{\"tag\":\"flowed\"}}}]");

    @Test
    void aMessageWithoutConsentIsLeftOutAndTheJourneyGoesOn() {
        JourneyScenario s = JourneyScenario.with(engine(TWO_SENDS)).event("order.placed", "2026-11-20T10:00:00Z", "orderId", "o", "amount", 1.0);
        s.evaluateAt("2026-11-20T10:00:00Z").ofRule("flow").expectExactly("tag.add 2026-11-20T10:00:00Z/tag");
        Explanation x = JourneyScenario.with(engine(TWO_SENDS)).event("order.placed", "2026-11-20T10:00:00Z", "orderId", "o", "amount", 1.0)
                .explainAt("2026-11-20T10:00:00Z");
        assertThat(x.journey("flow").findings()).anySatisfy(f -> assertThat(f.outcome()).isEqualTo(Explanation.Outcome.NO_CONSENT));
    }

    @Test
    void aSendWithheldByQuietHoursHoldsTheRunUntilItGoesOut() {
        JourneyEngine e = engine("{\"policies\":{\"quietHours\":{\"start\":\"21:00\",\"end\":\"09:00\",\"defaultZone\":\"UTC\"}}}",
                flow("", "[" + SEND + ",{\"id\":\"wait-1h\",\"wait\":{\"hours\":1}},"
                        + "{\"id\":\"tag\",\"send\":{\"type\":\"tag.add\",\"params\":{\"tag\":\"flowed\"}}}]"));
        JourneyScenario s = ordered(e, "2026-11-20T22:00:00Z");
        // Held: neither the message nor anything after it, the wake-up at the end of quiet hours.
        s.evaluateAt("2026-11-20T22:00:00Z").ofRule("flow").expectNothing().expectWakeUp("2026-11-21T09:00:00Z");
        JourneyRuns.Active held = s.state().contact().journeys().of("flow").active();
        assertThat(held.step()).isEqualTo("mail");
        assertThat(held.held()).isTrue();
        assertThat(s.explainAt("2026-11-20T23:00:00Z").journey("flow").findings())
                .anySatisfy(f -> assertThat(f.detail()).contains("quietHours"));
        s.evaluateAt("2026-11-21T09:00:00Z").ofRule("flow").expectExactly("email.send 2026-11-20T22:00:00Z/mail");
        // What follows starts at the evaluation that sent it: the hour's wait ends at 10:00, not 23:00 the day before.
        assertThat(s.state().contact().journeys().of("flow").active().stepTime()).isEqualTo("2026-11-21T09:00:00Z");
        s.evaluateAt("2026-11-21T09:59:59Z").ofRule("flow").expectNothing();
        s.evaluateAt("2026-11-21T10:00:00Z").ofRule("flow").expectExactly("tag.add 2026-11-20T22:00:00Z/tag");
    }

    @Test
    void anExitEventEndsARunHeldAtAWithheldSend() {
        JourneyEngine e = engine("{\"policies\":{\"suppressTags\":[\"paused\"]}}",
                flow(",\"exit\":{\"event\":\"email.clicked\"}", "[" + SEND + "]"));
        JourneyScenario s = ordered(e, "2026-11-20T10:00:00Z").event("tag.added", "2026-11-20T09:00:00Z", "tag", "paused")
                .event("email.clicked", "2026-11-20T11:00:00Z", "campaignId", "c");
        s.evaluateAt("2026-11-20T12:00:00Z").ofRule("flow").expectNothing();
        assertThat(s.state().contact().journeys().of("flow").exited()).isEqualTo(1);
    }

    @Test
    void aFrequencyCapTakesAJourneysSendsInPathOrder() {
        // Step ids sort the other way round from the path: the cap must still let the first step's message out.
        JourneyEngine e = engine("{\"policies\":{\"frequencyCap\":{\"email\":{\"max\":1,\"hours\":24}}}}",
                flow("", "[{\"id\":\"z-first\",\"send\":{\"type\":\"email.send\"}},{\"id\":\"a-second\",\"send\":{\"type\":\"email.send\"}}]"));
        JourneyScenario s = ordered(e, "2026-11-20T10:00:00Z");
        s.evaluateAt("2026-11-20T10:00:00Z").ofRule("flow").expectExactly("email.send 2026-11-20T10:00:00Z/z-first")
                .expectWakeUp("2026-11-21T10:00:00Z");
        s.evaluateAt("2026-11-21T10:00:00Z").ofRule("flow").expectExactly("email.send 2026-11-20T10:00:00Z/a-second");
    }

    @Test
    void staleHoursSkipsALateSendAndGoesOn() {
        JourneyEngine e = engine(flow(",\"staleHours\":2", "[" + SEND + ",{\"id\":\"wait-1d\",\"wait\":{\"days\":1}},"
                + "{\"id\":\"tag\",\"send\":{\"type\":\"tag.add\",\"params\":{\"tag\":\"t\"}}}]"));
        JourneyScenario late = ordered(e, "2026-11-20T10:00:00Z");
        late.evaluateAt("2026-11-20T12:00:01Z").ofRule("flow").expectNothing();
        late.evaluateAt("2026-11-21T12:00:00Z").ofRule("flow").expectExactly("tag.add 2026-11-20T10:00:00Z/tag");
        JourneyScenario onTime = ordered(e, "2026-11-20T10:00:00Z");
        onTime.evaluateAt("2026-11-20T12:00:00Z").ofRule("flow").expectExactly("email.send 2026-11-20T10:00:00Z/mail");
    }

    @Test
    void aSplitSendsEachContactDownItsBucketsArm() {
        JourneyEngine e = engine(flow("", "[{\"id\":\"ab\",\"split\":[{\"name\":\"A\",\"weight\":30,\"next\":\"a\"},"
                + "{\"name\":\"B\",\"weight\":70,\"next\":\"b\"}]},"
                + "{\"id\":\"a\",\"send\":{\"type\":\"tag.add\",\"params\":{\"tag\":\"A\"}},\"next\":\"end\"},"
                + "{\"id\":\"b\",\"send\":{\"type\":\"tag.add\",\"params\":{\"tag\":\"B\"}}}]"));
        int a = 0;
        for (int i = 0; i < 200; i++) {
            String id = "c-" + i;
            JourneyScenario s = JourneyScenario.with(e, id).event("order.placed", "2026-11-20T10:00:00Z", "orderId", "o", "amount", 1.0);
            List<Action> out = s.evaluateAt("2026-11-20T10:00:00Z").ofRule("flow").actions();
            int bucket = ExperimentBuckets.bucket(id + "\nflow\nab");
            String expected = bucket < 3000 ? "A" : "B";
            assertThat(out).singleElement().satisfies(x -> assertThat(x.params().get("tag")).isEqualTo(expected));
            a += expected.equals("A") ? 1 : 0;
        }
        assertThat(a).isBetween(30, 90);
    }

    @Test
    void entryAndExitByCondition() {
        JourneyEngine e = engine("{\"journey\":\"vip\",\"entry\":{\"when\":\"contact.totalSpent() >= 100\"},"
                + "\"exit\":{\"when\":\"contact.hasTag('stop')\"},"
                + "\"steps\":[{\"id\":\"wait-1d\",\"wait\":{\"days\":1}},{\"id\":\"tag\",\"send\":{\"type\":\"tag.add\",\"params\":{\"tag\":\"vip\"}}}]}");
        JourneyScenario s = JourneyScenario.with(e).event("order.placed", "2026-11-20T10:00:00Z", "orderId", "o", "amount", 150.0);
        s.evaluateAt("2026-11-20T12:00:00Z");
        assertThat(s.state().contact().journeys().of("vip").lastEntry()).isEqualTo("2026-11-20T12:00:00Z");
        s.event("tag.added", "2026-11-21T00:00:00Z", "tag", "stop");
        s.evaluateAt("2026-11-21T13:00:00Z").ofRule("vip").expectNothing();
        assertThat(s.state().contact().journeys().of("vip").exited()).isEqualTo(1);
    }

    @Test
    void aJourneySwitchedOffDoesNothingAndExplainSaysSo() {
        JourneyEngine e = engine("{\"rules\":{\"flow\":{\"enabled\":false}}}", TWO_SENDS);
        JourneyScenario s = ordered(e, "2026-11-20T10:00:00Z");
        s.evaluateAt("2026-11-20T10:00:00Z").ofRule("flow").expectNothing();
        assertThat(s.explainAt("2026-11-20T10:00:00Z").journey("flow").detail()).contains("switched off");
    }

    @Test
    void anExperimentNamesAJourneyLikeARule() {
        JourneyEngine e = engine("{\"policies\":{\"experiments\":{\"flow\":{\"holdoutPercent\":0,\"variants\":[{\"name\":\"A\",\"weight\":1}]}}}}", TWO_SENDS);
        Action mail = ordered(e, "2026-11-20T10:00:00Z").evaluateAt("2026-11-20T10:00:00Z").ofRule("flow").action("email.send");
        assertThat(mail.params()).containsEntry("variant", "A").containsEntry("step", "mail");
    }

    @Test
    void journeyMessagesAreTalliedForConversionUnderTheJourneyId() {
        JourneyScenario s = ordered(engine(TWO_SENDS), "2026-11-20T10:00:00Z");
        s.evaluateAt("2026-11-20T10:00:00Z");
        s.event("order.placed", "2026-11-21T10:00:00Z", "orderId", "o-2", "amount", 40.0);
        s.evaluateAt("2026-11-21T10:00:00Z");
        var report = dev.waymark.ConversionReport.of(List.of(s.state()), Settings.defaults());
        assertThat(report.rows("flow")).singleElement().satisfies(r -> {
            assertThat(r.converted()).isEqualTo(1);
            assertThat(r.revenue()).isEqualTo(40.0);
        });
        assertThat(report.journeys()).singleElement().satisfies(j -> {
            assertThat(j.entered()).isEqualTo(1);
            assertThat(j.completed()).isEqualTo(1);
            assertThat(j.steps()).extracting(dev.waymark.ConversionReport.StepRow::step).containsExactly("mail", "tag");
        });
    }

    @Test
    void anEngineOfJourneysAloneWithEveryRuleSwitchedOff() {
        Settings.Builder none = Settings.builder();
        dev.waymark.internal.StandardRules.ids().forEach(none::disable);
        JourneyEngine e = JourneyFlowTest.engine(none.build(), TWO_SENDS);
        assertThat(e.ruleIds()).isEmpty();
        ordered(e, "2026-11-20T10:00:00Z").evaluateAt("2026-11-20T10:00:00Z")
                .expectExactly("flow email.send 2026-11-20T10:00:00Z/mail", "flow tag.add 2026-11-20T10:00:00Z/tag");
    }

    @Test
    void aConditionThatFailsForAContactRollsItBackLikeAFailingRule() {
        JourneyEngine e = engine(flow("", "[{\"id\":\"check\",\"if\":\"contact.attribute('tier').length() > 2\"}," + SEND + "]"));
        JourneyScenario s = ordered(e, "2026-11-20T10:00:00Z");
        dev.waymark.Evaluation ev = e.evaluate(s.state(), java.time.Instant.parse("2026-11-20T10:00:00Z"));
        assertThat(ev.failures()).singleElement().satisfies(f -> assertThat(f.rule()).isEqualTo("flow"));
        assertThat(ev.state()).isEqualTo(s.state());
        assertThat(s.explainAt("2026-11-20T10:00:00Z").journey("flow").findings())
                .anySatisfy(f -> assertThat(f.outcome()).isEqualTo(Explanation.Outcome.FAILED));
    }
}
