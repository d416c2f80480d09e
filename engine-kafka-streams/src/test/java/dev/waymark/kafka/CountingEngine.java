package dev.waymark.kafka;

import dev.waymark.BulkSummary;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.function.Consumer;

/** A {@link JourneyEngine} that records every evaluation it makes, to see whom the processor evaluates and when. */
final class CountingEngine implements JourneyEngine {

    /**
     * One evaluation.
     *
     * @param contactId whom
     * @param now       at what time
     * @param skipped   whether the engine found nothing due and did not run the rules
     * @param bulk      whether it came through {@code evaluateAll} (the processor's wake-ups do)
     */
    record Call(String contactId, Instant now, boolean skipped, boolean bulk) {
    }

    private final JourneyEngine delegate;
    private final List<Call> calls = new ArrayList<>();

    CountingEngine(JourneyEngine delegate) {
        this.delegate = delegate;
    }

    @Override
    public Evaluation evaluate(ContactState state, Instant now) {
        Evaluation e = delegate.evaluate(state, now);
        calls.add(new Call(state.contactId(), now, e.skipped(), false));
        return e;
    }

    @Override
    public BulkSummary evaluateAll(Iterable<ContactState> states, Instant now, Consumer<Evaluation> sink, int parallelism) {
        return delegate.evaluateAll(states, now, e -> {
            calls.add(new Call(e.state().contactId(), now, e.skipped(), true));
            sink.accept(e);
        }, parallelism);
    }

    @Override
    public dev.waymark.Explanation explain(ContactState state, Instant now) {
        return delegate.explain(state, now);
    }

    @Override
    public Settings settings() {
        return delegate.settings();
    }

    @Override
    public String rulesetId() {
        return delegate.rulesetId();
    }

    @Override
    public SortedSet<String> ruleIds() {
        return delegate.ruleIds();
    }

    /** Every evaluation so far, oldest first. */
    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Forgets the evaluations so far. */
    void reset() {
        calls.clear();
    }
}
