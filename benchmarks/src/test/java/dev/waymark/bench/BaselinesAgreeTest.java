package dev.waymark.bench;

import dev.waymark.core.Folding;

import dev.waymark.internal.EventCount;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Contact;
import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' premises on a small base, so a change to the engine that the baselines do not follow fails
 * the build rather than the next benchmark run: the dataset is what its Javadoc says, and naive Drools (on the
 * current DRL and on the DRL as filed) and the engine without skipping emit exactly Waymark's actions.
 * Hand-written Java is held to the engine contract over random histories instead
 * ({@link HandWrittenRulesContractTest}); JMH's set-up still checks it on the dataset.
 */
class BaselinesAgreeTest {

    private static final int SIZE = 3000;
    private static final Settings SETTINGS = Settings.defaults();

    private static JourneyEngine waymark;
    private static List<ContactState> states;
    private static Outcomes reference;

    @BeforeAll
    static void build() {
        waymark = Waymark.builder().settings(SETTINGS).build();
        states = Dataset.states(waymark, SIZE, Dataset.SEED, 2);
        reference = Outcomes.of(waymark, states, Dataset.NOW);
    }

    @Test
    void theDatasetIsMostlyQuietAndDeterministic() {
        long due = Dataset.mix(Dataset.SEED, SIZE).entrySet().stream()
                .filter(e -> e.getKey().due).mapToLong(e -> e.getValue()).sum();
        // every due scenario is evaluated, every quiet one skipped, and most due ones fire
        assertThat(reference.contacts() - reference.skipped()).isEqualTo(due);
        assertThat(reference.contactsWithActions()).isBetween(due * 9 / 10, due);
        assertThat((double) due / SIZE).isBetween(0.10, 0.20);
        assertThat(Dataset.history(Dataset.SEED, 42)).isEqualTo(Dataset.history(Dataset.SEED, 42));
        for (int i = 0; i < 200; i++) {
            List<Event> h = Dataset.history(Dataset.SEED, i);
            assertThat(h).allMatch(e -> !e.at().isAfter(Dataset.NOW));
            assertThat(h).isSortedAccordingTo(java.util.Comparator.comparing(Event::at));
        }
    }

    @Test
    void naiveDroolsEmitsTheSameActions() {
        reference.requireSame("waymark", Outcomes.of(new NaiveDrools(SETTINGS), states, Dataset.NOW), "naiveDrools", false);
    }

    @Test
    void naiveDroolsOnTheRulesAsFiledEmitsTheSameActions() {
        NaiveDrools asFiled = new NaiveDrools(SETTINGS, NaiveDrools.Rules.AS_FILED);
        reference.requireSame("waymark", Outcomes.of(asFiled, states, Dataset.NOW), "naiveDroolsAsFiled", false);
    }

    @Test
    void skippingChangesNothing() {
        JourneyEngine noSkip = Waymark.builder().settings(SETTINGS).skipNotDue(false).build();
        reference.requireSame("waymark", Outcomes.of(noSkip, states, Dataset.NOW), "waymarkNoSkip", true);
    }

    @Test
    void liveEventsGetTheSameActionsFromNaiveDrools() {
        List<ContactState> sample = states.subList(0, 500);
        List<List<Event>> live = new ArrayList<>();
        for (int i = 0; i < sample.size(); i++) {
            live.add(List.of(Dataset.liveEvent(Dataset.SEED, i)));
        }
        Outcomes streamed = Outcomes.ofEach(waymark, sample, live, Dataset.NOW);
        streamed.requireSame("waymark", Outcomes.ofEach(new NaiveDrools(SETTINGS), sample, live, Dataset.NOW), "naiveDrools", false);
        assertThat(streamed.contactsWithActions()).isPositive();
    }

    @Test
    void aDisagreementIsReported() {
        Outcomes nothing = new Outcomes();
        states.forEach(s -> nothing.accept(new dev.waymark.Evaluation(s, List.of(), List.of(), false)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> reference.requireSame("waymark", nothing, "nothing", false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("disagree");
    }

    @Test
    void foldingAHistoryIsFoldingItsEvents() {
        for (int i = 0; i < 200; i++) {
            List<Event> h = Dataset.history(Dataset.SEED, i);
            Contact folded = Folding.advance(ContactState.empty(Dataset.contactId(i)).withEvents(h), Dataset.NOW).contact();
            assertThat(folded.seen()).isTrue();
            assertThat(folded.eventCounts().values().stream().mapToLong(EventCount::count).sum()).isEqualTo(h.size());
        }
    }
}
