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
}
