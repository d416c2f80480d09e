package dev.waymark.drools.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The test kit's own expectations: they must fail when the rule author's test is wrong. */
class JourneyScenarioTest {

    static final JourneyEngine ENGINE = Waymark.builder().build();
    static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    static JourneyScenario.Fired fired(Action... actions) {
        return new JourneyScenario.Fired(List.of(actions), Optional.empty(), ContactState.empty("c-1"), "all rules",
                ENGINE.ruleIds());
    }

    static Action tag(String tag) {
        return Action.of("c-1", "loyalty-reward", "tag.add", "once", NOW, Map.of("tag", tag));
    }

    static Action coupon() {
        return Action.of("c-1", "loyalty-reward", "coupon.issue", "once", NOW, Map.of("percent", 10));
    }

    @Test
    void ofRule_withAnUnknownId_isRejectedNamingTheIdAndTheKnownOnes() {
        JourneyScenario.Fired f = JourneyScenario.with(ENGINE).evaluateAt(NOW);
        assertThatThrownBy(() -> f.ofRule("typo"))
                .hasMessageContaining("'typo'")
                .hasMessageContaining("abandoned-cart").hasMessageContaining("win-back");
    }

    @Test
    void ofRule_withARuleSwitchedOffInSettings_isAccepted() {
        JourneyEngine noWinBack = Waymark.builder().settings(Settings.builder().disable("win-back").build()).build();
        JourneyScenario.with(noWinBack).evaluateAt(NOW).ofRule("win-back").expectNothing();
    }

    @Test
    void expectExactly_failsWhenAnActionExpectedOnceAppearsTwice_sayingHowManyTimes() {
        // as many actions as expected, and the same ones: only the counts tell them apart
        JourneyScenario.Fired twice = fired(tag("loyal"), tag("loyal"), coupon()).ofRule("loyalty-reward");
        assertThatThrownBy(() -> twice.expectExactly("tag.add once", "coupon.issue once", "coupon.issue once"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'tag.add once' appeared 2 times, expected once");
    }

    @Test
    void expectExactly_failsWhenAnActionExpectedTwiceAppearsOnce() {
        JourneyScenario.Fired once = fired(tag("loyal")).ofRule("loyalty-reward");
        assertThatThrownBy(() -> once.expectExactly("tag.add once", "tag.add once"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'tag.add once' appeared once, expected 2 times");
    }

    @Test
    void expectExactly_passesWhenEveryActionAppearsAsOftenAsExpected() {
        JourneyScenario.Fired twice = fired(tag("loyal"), tag("loyal")).ofRule("loyalty-reward");
        assertThat(twice.expectExactly("tag.add once", "tag.add once")).isSameAs(twice);
    }

    @Test
    void expectWakeUp_whenTheWakeUpIsNow_namesTheRulesWithoutDueTimesAndWhy() {
        JourneyEngine engine = Waymark.builder().rules("rules/vip.drl", """
                package shop.rules;
                import dev.waymark.Contact;
                rule "vip-tag"
                when
                    $c : Contact( totalSpent >= 1000 )
                then
                end
                """).build();
        JourneyScenario.Fired f = JourneyScenario.with(engine)
                .event("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k-1", "sku", "MUG-1", "price", 12.5)
                .event("subscribed", "2026-11-20T09:00:00Z", "channel", "email")
                .evaluateAt("2026-11-20T10:30:00Z");
        assertThatThrownBy(() -> f.expectWakeUp("2026-11-20T14:00:00Z"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected next wake-up 2026-11-20T14:00:00Z but got now (2026-11-20T10:30:00Z, the evaluation time)"
                        + " because rule vip-tag (rules/vip.drl) declares no @dueTimes, so every contact is due at every"
                        + " evaluation; declare @dueTimes on it (testing time only through waymark.due/dueAfter) to get the"
                        + " real wake-up");
    }

    @Test
    void expectWakeUp_whenTheWakeUpIsLater_saysOnlyWhatItWas() {
        JourneyScenario.Fired f = JourneyScenario.with(ENGINE)
                .event("subscribed", "2026-11-20T09:00:00Z", "channel", "email")
                .event("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k-1", "sku", "MUG-1", "price", 12.5)
                .evaluateAt("2026-11-20T10:30:00Z");
        assertThatThrownBy(() -> f.expectWakeUp("2026-11-20T15:00:00Z"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected next wake-up 2026-11-20T15:00:00Z but got 2026-11-20T14:00:00Z");
    }
}
