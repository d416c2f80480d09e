package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.Action;
import dev.waymark.BulkSummary;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.WaymarkException;
import dev.waymark.internal.StandardRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A runaway rule (a loop of updates, unbounded recursion, a then-part that never returns) does not hang a run. */
class RunawayRulesTest {

    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    /** A rule that tags every contact, so the contacts that go on can be seen to go on. */
    static final String OK_RULE = """
            rule "ok" @dueTimes
            when
                $c : Contact( )
            then
                waymark.emit($c, "tag.add", "ok", Map.of("tag", "ok"));
            end
            """;

    static List<ContactState> contacts(String... ids) {
        List<ContactState> states = new ArrayList<>();
        for (String id : ids) {
            states.add(ContactState.empty(id).withEvents(List.of(
                    new Event(id + "-1", id, "page.viewed", Instant.parse("2026-03-01T09:00:00Z"), Map.of()))));
        }
        return states;
    }

    static JourneyEngine engine(String drl, Waymark.Builder b) {
        return b.rules("runaway.drl", EngineTest.HEADER + drl + OK_RULE).build();
    }

    @Test
    void ruleUpdatingItsOwnFact_failsThatContactNamingTheRule_othersGetTheirActions() {
        JourneyEngine engine = engine("""
                rule "self-update" @dueTimes
                when
                    $c : Contact( id == "loop" )
                then
                    update($c);
                end
                """, Waymark.builder());
        List<ContactState> states = contacts("a", "loop", "z");
        List<Evaluation> out = new ArrayList<>();
        BulkSummary summary = engine.evaluateAll(states, NOW, out::add);
        assertThat(summary.failures()).singleElement().satisfies(f -> {
            assertThat(f.contactId()).isEqualTo("loop");
            assertThat(f.rule()).isEqualTo("self-update");
            assertThat(f.message()).contains("more than 10000 rule firings");
        });
        assertThat(out.get(0).actions()).extracting(Action::rule).contains("ok");
        assertThat(out.get(2).actions()).extracting(Action::rule).contains("ok");
        // like any rule failure: the contact is rolled back whole, its event kept for the next evaluation
        assertThat(out.get(1).actions()).isEmpty();
        assertThat(out.get(1).state()).isEqualTo(states.get(1));
    }

    @Test
    void firingBudget_isSettable_andCountsPerContact() {
        // each contact fires "ok" once and "three" three times: 4 firings; a budget of 4 holds for every contact
        // of a batch of 50 (200 firings between them), a budget of 3 fails each
        String three = """
                rule "three" @dueTimes
                when
                    $c : Contact( )
                    $n : Integer( ) from java.util.List.of(1, 2, 3)
                then
                end
                """;
        String[] ids = new String[50];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "c-" + i;
        }
        Settings.Builder noStandard = Settings.builder();
        StandardRules.ids().forEach(noStandard::disable);
        Settings onlyCustom = noStandard.build();
        BulkSummary fits = engine(three, Waymark.builder().settings(onlyCustom).ruleFiringBudget(4)).evaluateAll(contacts(ids), NOW, e -> { });
        assertThat(fits.failures()).isEmpty();
        BulkSummary over = engine(three, Waymark.builder().settings(onlyCustom).ruleFiringBudget(3)).evaluateAll(contacts(ids), NOW, e -> { });
        assertThat(over.failures()).hasSize(50).allSatisfy(f -> assertThat(f.message()).contains("more than 3 rule firings"));
    }

    @Test
    void firingBudgetAndTimeLimit_belowOne_areRejectedQuotingThem() {
        assertThatThrownBy(() -> Waymark.builder().ruleFiringBudget(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ruleFiringBudget").hasMessageContaining("was 0");
        assertThatThrownBy(() -> Waymark.builder().ruleTimeLimit(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ruleTimeLimit").hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> Waymark.builder().ruleTimeLimit(Duration.ZERO)).hasMessageContaining("PT0S");
    }

    @Test
    void stackOverflowInARule_failsOnlyThatContact() {
        JourneyEngine engine = engine("""
                function int down(int n) { return down(n + 1) + 1; }
                rule "recursing" @dueTimes
                when
                    $c : Contact( id == "deep" )
                then
                    down(0);
                end
                """, Waymark.builder());
        List<Evaluation> out = new ArrayList<>();
        BulkSummary summary = engine.evaluateAll(contacts("a", "deep", "z"), NOW, out::add);
        assertThat(summary.failures()).singleElement().satisfies(f -> {
            assertThat(f.contactId()).isEqualTo("deep");
            assertThat(f.rule()).isEqualTo("recursing");
            assertThat(f.message()).contains("StackOverflowError");
        });
        assertThat(out.get(0).actions()).extracting(Action::rule).contains("ok");
        assertThat(out.get(2).actions()).extracting(Action::rule).contains("ok");
        // the engine goes on after: the session that overflowed was discarded
        assertThat(engine.evaluateAll(contacts("b"), NOW, e -> { }).failures()).isEmpty();
    }

    @Test
    @Timeout(20)
    void ruleThatNeverReturns_endsThePassWithTheWatchdogsException_namingRuleAndContact() {
        JourneyEngine engine = engine("""
                rule "spin" @dueTimes
                when
                    $c : Contact( id == "stuck" )
                then
                    // deaf to interrupts; it gives up after 3 s only so as not to burn a core for the rest of the suite
                    long start = System.nanoTime();
                    while (System.nanoTime() - start < 3_000_000_000L) { }
                end
                """, Waymark.builder().ruleTimeLimit(Duration.ofMillis(200)));
        long start = System.nanoTime();
        assertThatThrownBy(() -> engine.evaluateAll(contacts("a", "b", "stuck", "z"), NOW, e -> { }, 2))
                .isInstanceOfSatisfying(Waymark.RunawayRuleException.class, e -> {
                    assertThat(e).isInstanceOf(WaymarkException.class);
                    assertThat(e.rule()).isEqualTo("spin");
                    assertThat(e.contactId()).isEqualTo("stuck");
                    assertThat(e.getMessage()).contains("rule 'spin' for contact stuck did not return within 200 ms");
                });
        // well before the rule itself would have returned
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    @Timeout(20)
    void ruleThatStopsWhenInterrupted_failsOnlyItsContact() {
        JourneyEngine engine = engine("""
                rule "sleepy" @dueTimes
                when
                    $c : Contact( id == "slow" )
                then
                    Thread.sleep(60_000);
                end
                """, Waymark.builder().ruleTimeLimit(Duration.ofMillis(200)));
        List<Evaluation> out = new ArrayList<>();
        BulkSummary summary = engine.evaluateAll(contacts("a", "slow", "z"), NOW, out::add);
        assertThat(summary.failures()).singleElement().satisfies(f -> {
            assertThat(f.contactId()).isEqualTo("slow");
            assertThat(f.rule()).isEqualTo("sleepy");
            assertThat(f.message()).contains("did not return within 200 ms and was interrupted");
        });
        assertThat(out.get(0).actions()).extracting(Action::rule).contains("ok");
        assertThat(out.get(2).actions()).extracting(Action::rule).contains("ok");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
}
