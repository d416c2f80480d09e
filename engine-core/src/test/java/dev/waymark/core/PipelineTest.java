package dev.waymark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pipeline on its own, with a rule runner written in the test: no Drools involved. */
class PipelineTest {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    /** Tags every contact and mails it, keyed by its id; due again a day after {@code now}. */
    static final RuleRunner TAG_AND_MAIL = (contacts, now, out) -> {
        for (int i = 0; i < contacts.size(); i++) {
            out.emit(i, "greeter", "tag.add", "once", Map.of("tag", "greeted"));
            out.emit(i, "greeter", "email.send", "once", Map.of("template", "hello"));
            out.dueAt(i, now.plus(Duration.ofDays(1)));
        }
    };

    static JourneyEngine pipeline(RuleRunner rules) {
        return Pipeline.around(rules).ruleset("test-1", List.of("greeter")).build();
    }

    @Test
    void builder_rejectsABlankFingerprint_quotingIt() {
        assertThatThrownBy(() -> Pipeline.around(TAG_AND_MAIL).ruleset(" ", List.of("greeter")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("' '");
    }

    @Test
    void builder_rejectsABatchSizeBelowOne_quotingIt() {
        assertThatThrownBy(() -> Pipeline.around(TAG_AND_MAIL).batchSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 0");
    }

    @Test
    void builder_requiresTheRuleset() {
        assertThatThrownBy(() -> Pipeline.around(TAG_AND_MAIL).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ruleset");
    }

    @Test
    void aMessageWithoutConsent_isLeftOut_whileTheRulesOtherActionsGoOut() {
        Evaluation e = pipeline(TAG_AND_MAIL).evaluate(ContactState.empty("c-1"), NOW);
        assertThat(e.actions()).extracting(Action::type).containsExactly("tag.add");
    }

    @Test
    void aFiringInTheLedger_isNotEmittedAgain_andItsOwnTagIsApplied() {
        JourneyEngine engine = pipeline(TAG_AND_MAIL);
        ContactState subscribed = ContactState.empty("c-1").withEvents(List.of(
                new Event("e-1", "c-1", Event.SUBSCRIBED, NOW.minusSeconds(60), Map.of("channel", "email"))));
        Evaluation first = engine.evaluate(subscribed, NOW);
        assertThat(first.actions()).extracting(Action::type).containsExactly("email.send", "tag.add");
        assertThat(first.state().contact().hasTag("greeted")).isTrue();
        assertThat(first.nextWakeUp()).contains(NOW.plus(Duration.ofDays(1)));

        Evaluation again = engine.evaluate(first.state(), NOW.plus(Duration.ofDays(2)));
        assertThat(again.skipped()).isFalse();
        assertThat(again.actions()).isEmpty();
    }

    @Test
    void aContactNotDue_isSkippedUntilItsWakeUp() {
        JourneyEngine engine = pipeline(TAG_AND_MAIL);
        Evaluation first = engine.evaluate(ContactState.empty("c-1"), NOW);
        assertThat(engine.evaluate(first.state(), NOW.plus(Duration.ofHours(23))).skipped()).isTrue();
        assertThat(engine.evaluate(first.state(), NOW.plus(Duration.ofHours(24))).skipped()).isFalse();
    }

    @Test
    void aContactWhoseFoldThrows_failsAlone_keepingItsEvents_andTheOthersGoOn() {
        // An order count at the int maximum: one more order would overflow, which folding refuses by throwing.
        ContactState full = dev.waymark.json.WaymarkJson.readState(dev.waymark.json.WaymarkJson.write(ContactState.empty("c-bad"))
                .replace("\"orderCount\":0", "\"orderCount\":2147483647"));
        Event order = new Event("o-1", "c-bad", Event.ORDER_PLACED, NOW.minusSeconds(60), Map.of("orderId", "o1", "amount", 5.0));
        ContactState bad = full.withEvents(List.of(order));
        ContactState good = ContactState.empty("c-good");
        List<Evaluation> out = new java.util.ArrayList<>();
        dev.waymark.BulkSummary summary = pipeline(TAG_AND_MAIL).evaluateAll(List.of(bad, good), NOW, out::add, 1);

        assertThat(summary.failures()).singleElement().satisfies(f -> {
            assertThat(f.contactId()).isEqualTo("c-bad");
            assertThat(f.rule()).isEqualTo("(fold)");
            assertThat(f.message()).startsWith("ArithmeticException");
        });
        assertThat(out.get(0).state()).as("rolled back: its event still pending").isSameAs(bad);
        assertThat(out.get(0).actions()).isEmpty();
        assertThat(out.get(1).actions()).extracting(Action::type).containsExactly("tag.add");
        assertThat(summary.contacts()).isEqualTo(2);
    }
}
