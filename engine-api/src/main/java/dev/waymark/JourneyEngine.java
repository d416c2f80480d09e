package dev.waymark;

import java.time.Instant;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * Evaluates the journey rules for contacts: folds their due events, fires the rules at {@code now}, and
 * returns the actions never emitted before together with the contact's new state and next wake-up.
 *
 * <p>An engine is built once (see {@code dev.waymark.drools.Waymark}) and is immutable and thread-safe:
 * share one across threads. It keeps no contact data; the host holds each {@link ContactState}.
 *
 * <p><b>Next wake-up.</b> Each evaluation stores in the state the earliest later instant at which a rule
 * could fire with no new event (a cart's delay running out, a win-back day count reached, a pending
 * future event falling due, a withheld message's quiet hours ending). Evaluating before it, with no new
 * event, emits nothing, so the engine skips such contacts and a host or scheduler may too. The wake-up is
 * the evaluation time itself — "look at this contact again at the next evaluation" — when a custom rule
 * does not declare its due times ({@code @dueTimes}), and when the engine's own tag or stage actions
 * changed the contact while custom rules or suppress tags could react to that (those actions take effect
 * from the next evaluation on).
 */
public interface JourneyEngine {

    /** Evaluates one contact at {@code now}. */
    Evaluation evaluate(ContactState state, Instant now);

    /** Receives {@code events} into the state (idempotently), then evaluates at {@code now}. */
    default Evaluation evaluate(ContactState state, Collection<Event> events, Instant now) {
        return evaluate(state.withEvents(events), now);
    }

    /**
     * Evaluates many contacts at {@code now} on the calling thread: the hot path. {@code sink} receives one
     * evaluation per input state, in input order. A rule failing for one contact does not stop the run.
     */
    default BulkSummary evaluateAll(Iterable<ContactState> states, Instant now, Consumer<Evaluation> sink) {
        return evaluateAll(states, now, sink, 1);
    }

    /**
     * As {@link #evaluateAll(Iterable, Instant, Consumer)} with up to {@code parallelism} threads evaluating;
     * {@code sink} is still called on the calling thread, in input order, so it needs no locking. The
     * iterable is consumed lazily with a bounded number of contacts in flight.
     *
     * @throws IllegalArgumentException if {@code parallelism < 1}
     */
    BulkSummary evaluateAll(Iterable<ContactState> states, Instant now, Consumer<Evaluation> sink, int parallelism);

    /**
     * Explains, without changing anything, what evaluating {@code state} at {@code now} would do for each rule
     * and why: the actions that would go out, and for every rule that emits nothing (or whose message is held
     * back) the reason — switched off, no consent, withheld by which policy, already in the ledger, not due
     * until when, stale since when. The state is not modified and nothing is recorded.
     */
    Explanation explain(ContactState state, Instant now);

    /**
     * Fingerprint of the ruleset and settings. A state's wake-up is trusted only by an engine with the same
     * fingerprint; a host keeping a wake-up index rebuilds it when this changes.
     */
    String rulesetId();

    /** The settings the engine was built with. */
    Settings settings();

    /** Ids of the rules in this ruleset that are switched on, standard and custom, sorted. */
    java.util.SortedSet<String> ruleIds();

    /**
     * The ids of the journeys (multi-step flows defined as data) this engine runs, switched off ones left
     * out. A journey id is the {@code rule} of its actions. Empty by default.
     */
    default java.util.SortedSet<String> journeyIds() {
        return java.util.Collections.emptySortedSet();
    }

    /**
     * The switched-on rules that declare no due times (no {@code @dueTimes}), by id, each with the file (or
     * resource) it was read from. While there is one, every contact is due at every evaluation and its next
     * wake-up is the evaluation time (see "Next wake-up" above), which a host sees as every contact being
     * evaluated on every run. Sorted, unmodifiable, never null; empty by default.
     */
    default java.util.SortedMap<String, String> rulesWithoutDueTimes() {
        return java.util.Collections.emptySortedMap();
    }
}
