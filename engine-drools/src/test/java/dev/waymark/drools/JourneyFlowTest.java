package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Action;
import dev.waymark.Explanation;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.testing.JourneyScenario;
import dev.waymark.internal.JourneyRuns;
import dev.waymark.json.WaymarkJson;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Journeys step by step: each step kind and its boundaries, entry, exit, re-entry, consent and policies. */
class JourneyFlowTest {

    static final String CART = """
            {"journey":"cart-recovery",
             "entry":{"event":"cart.item_added"},
             "exit":{"event":"order.placed"},
             "reentry":{"afterHours":168},
             "steps":[
              {"id":"wait-4h",  "wait":{"hours":4}},
              {"id":"email-1",  "send":{"type":"email.send","params":{"template":"cart-1"}}},
              {"id":"opened",   "waitFor":{"event":"email.opened","hours":24},"timeout":"sms"},
              {"id":"big-cart", "if":"contact.totalSpent() >= 500","then":"coupon","else":"end"},
              {"id":"coupon",   "send":{"type":"coupon.issue","params":{"percent":10}},"next":"end"},
              {"id":"sms",      "send":{"type":"sms.send","params":{"template":"cart-sms"}}}]}
            """;

    static JourneyEngine engine(String... journeys) {
        return engine(Settings.defaults(), journeys);
    }

    static JourneyEngine engine(Settings settings, String... journeys) {
        Waymark.Builder b = Waymark.builder().settings(settings);
        for (int i = 0; i < journeys.length; i++) {
            b.journey("journey-" + i + ".json", journeys[i]);
        }
        return b.build();
    }

    static final JourneyEngine CART_ENGINE = engine(CART);

    static JourneyScenario cart() {
        return JourneyScenario.with(CART_ENGINE)
                .event("subscribed", "2026-11-20T08:00:00Z", "channel", "email")
                .event("subscribed", "2026-11-20T08:00:00Z", "channel", "sms")
                .event("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k-1", "sku", "MUG", "price", 12.5);
    }

    static final String K = "2026-11-20T10:00:00Z/";

    @Nested
    class Wait {
        @Test
        void leavesAtExactlyTheStepTimePlusTheDuration() {
            JourneyScenario s = cart();
            s.evaluateAt("2026-11-20T10:00:00Z"); // the stage goes to consideration: a condition may read it, so due again
            s.evaluateAt("2026-11-20T13:59:59Z").ofRule("cart-recovery").expectNothing().expectWakeUp("2026-11-20T14:00:00Z");
            Action a = s.evaluateAt("2026-11-20T14:00:00Z").ofRule("cart-recovery").expectExactly("email.send " + K + "email-1")
                    .action("email.send");
            assertThat(a.params()).containsEntry("template", "cart-1").containsEntry("step", "email-1");
            assertThat(a.at()).isEqualTo("2026-11-20T14:00:00Z");
        }
    }

    @Nested
    class WaitFor {
        @Test
        void anEventAtExactlyTheTimeoutCounts() {
            JourneyScenario s = cart();
            s.evaluateAt("2026-11-20T14:00:00Z");
            s.event("email.opened", "2026-11-21T14:00:00Z", "campaignId", "c");
            // opened at step time + 24 h: inside (step time, step time + H], so to the next step (big-cart -> end), no sms
            s.evaluateAt("2026-11-21T14:00:00Z").ofRule("cart-recovery").expectNothing();
            JourneyRuns.Journey j = s.state().contact().journeys().of("cart-recovery");
            assertThat(j.active()).isNull();
            assertThat(j.completed()).isEqualTo(1);
            s.evaluateAt("2026-11-23T00:00:00Z").ofRule("cart-recovery").expectNothing();
        }

        @Test
        void withoutTheEventTheTimeoutIsTakenAtExactlyHHours() {
            JourneyScenario s = cart();
            s.evaluateAt("2026-11-20T14:00:00Z");
            s.evaluateAt("2026-11-21T13:59:59Z").ofRule("cart-recovery").expectNothing().expectWakeUp("2026-11-21T14:00:00Z");
            s.evaluateAt("2026-11-21T14:00:00Z").ofRule("cart-recovery").expectExactly("sms.send " + K + "sms");
        }

        @Test
        void anEventAfterTheTimeoutChangesNothing() {
            JourneyScenario s = cart();
            s.evaluateAt("2026-11-21T14:00:00Z").ofRule("cart-recovery").expectExactly("email.send " + K + "email-1", "sms.send " + K + "sms");
            s.event("email.opened", "2026-11-21T14:00:01Z", "campaignId", "c");
            s.evaluateAt("2026-11-22T00:00:00Z").ofRule("cart-recovery").expectNothing();
        }

        @Test
        void anEventAtTheStepTimeItselfDoesNotCount() {
            JourneyScenario s = cart();
            s.event("email.opened", "2026-11-20T14:00:00Z", "campaignId", "c");
            s.evaluateAt("2026-11-21T14:00:00Z").ofRule("cart-recovery").expectExactly("email.send " + K + "email-1", "sms.send " + K + "sms");
        }
    }

    @Test
    void aHistoryReplayedInOneEvaluationReachesTheSameStep() {
        JourneyScenario s = cart();
        s.event("email.opened", "2026-11-20T20:00:00Z", "campaignId", "c");
        s.evaluateAt("2026-11-30T00:00:00Z").ofRule("cart-recovery").expectExactly("email.send " + K + "email-1");
        JourneyRuns.Journey j = s.state().contact().journeys().of("cart-recovery");
        assertThat(j.reached()).containsExactlyInAnyOrder("wait-4h", "email-1", "opened", "big-cart");
        assertThat(j.completed()).isEqualTo(1);
    }

    @Test
    void theStateRoundTripsThroughJson() {
        JourneyScenario s = cart();
        s.evaluateAt("2026-11-20T14:00:00Z");
        var back = WaymarkJson.readState(WaymarkJson.write(s.state()));
        assertThat(back).isEqualTo(s.state());
        assertThat(back.contact().journeys().of("cart-recovery").active().step()).isEqualTo("opened");
    }

    @Test
    void explainSaysWhereTheContactStands() {
        JourneyScenario s = cart();
        s.evaluateAt("2026-11-20T14:00:00Z");
        Explanation x = s.explainAt("2026-11-20T15:00:00Z");
        Explanation.JourneyVerdict v = x.journey("cart-recovery");
        assertThat(v.in()).isTrue();
        assertThat(v.step()).isEqualTo("opened");
        assertThat(v.since()).isEqualTo("2026-11-20T14:00:00Z");
        assertThat(v.until()).isEqualTo("2026-11-21T14:00:00Z");
        assertThat(v.path()).containsExactly("wait-4h@2026-11-20T10:00:00Z", "email-1@2026-11-20T14:00:00Z", "opened@2026-11-20T14:00:00Z");
        assertThat(x.rule("cart-recovery")).isNull();
    }

    @Test
    void samplesParse() {
        for (String f : List.of("cart-recovery", "welcome-journey", "post-purchase", "win-back-split")) {
            Path p = Path.of("../engine-examples/samples/journeys/" + f + ".json");
            JourneyEngine e = Waymark.builder().journeys(p).build();
            assertThat(e.journeyIds()).containsExactly(f);
        }
    }
}
