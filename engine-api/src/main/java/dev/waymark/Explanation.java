package dev.waymark;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Why a contact gets — or does not get — each rule's actions at one instant (see
 * {@link JourneyEngine#explain(ContactState, Instant)}). Explaining changes nothing: it is computed from a
 * copy of the state by the same steps an evaluation takes, so its {@link #actions()} are exactly what
 * evaluating at {@link #now()} would emit. An immutable value, safe to share between threads.
 *
 * @param contact     the contact's facts and ledger at {@code now}, with its events up to {@code now} applied
 * @param now         the instant explained
 * @param storedWakeUp the wake-up the given state held, {@code null} for none
 * @param nextWakeUp  the wake-up evaluating at {@code now} would store, {@code null} for none
 * @param actions     what evaluating at {@code now} would emit, in output order
 * @param rules       one entry per rule of the ruleset (switched off ones too), by rule id
 * @param journeys    one entry per journey of the engine (switched off ones too), by journey id
 */
public record Explanation(Contact contact, Instant now, Instant storedWakeUp, Instant nextWakeUp,
                          List<Action> actions, List<RuleVerdict> rules, List<JourneyVerdict> journeys) {

    public Explanation {
        Objects.requireNonNull(contact, "contact");
        Objects.requireNonNull(now, "now");
        actions = List.copyOf(actions);
        rules = List.copyOf(rules);
        journeys = journeys == null ? List.of() : List.copyOf(journeys);
    }

    /** An explanation of an engine without journeys. */
    public Explanation(Contact contact, Instant now, Instant storedWakeUp, Instant nextWakeUp,
                       List<Action> actions, List<RuleVerdict> rules) {
        this(contact, now, storedWakeUp, nextWakeUp, actions, rules, List.of());
    }

    /** The verdict on one journey, or {@code null} if the engine has no journey {@code journeyId}. */
    public JourneyVerdict journey(String journeyId) {
        for (JourneyVerdict j : journeys) {
            if (j.journey().equals(journeyId)) {
                return j;
            }
        }
        return null;
    }

    /**
     * Where the contact stands in one journey after evaluating at {@code now}.
     *
     * @param journey    the journey id
     * @param in         whether a run is active
     * @param step       the step it is at, {@code null} when not in the journey
     * @param since      when it reached that step (its step time), {@code null} when not in it
     * @param waitingFor what the step waits for, in words (a duration, a local time, an event, a withheld send), {@code null} when not in it
     * @param until      when the step is left if nothing happens (for {@code waitFor}: its timeout), {@code null} for no known instant
     * @param path       the active run's steps so far as {@code step@instant}, empty when not in it
     * @param findings   what the journey's sends do now: fire, withheld, no consent, in the ledger; may be empty
     * @param detail     a sentence for a person: where it stands and why (never entered, re-entry not yet allowed, switched off, ...)
     */
    public record JourneyVerdict(String journey, boolean in, String step, Instant since, String waitingFor, Instant until,
                                 List<String> path, List<Finding> findings, String detail) {
        public JourneyVerdict {
            Objects.requireNonNull(journey, "journey");
            Objects.requireNonNull(detail, "detail");
            path = List.copyOf(path);
            findings = List.copyOf(findings);
        }
    }

    /** The verdict on one rule, or {@code null} if the ruleset has no rule {@code ruleId}. */
    public RuleVerdict rule(String ruleId) {
        for (RuleVerdict r : rules) {
            if (r.rule().equals(ruleId)) {
                return r;
            }
        }
        return null;
    }

    /** What happens to one rule's firing, from "it goes out" to "its condition does not hold". */
    public enum Outcome {
        /** An action goes out now. */
        FIRES,
        /** A message is replaced by an {@code experiment.holdout} record: the contact is in the holdout. */
        HOLDOUT,
        /** A message fired but a delivery policy withholds it; it goes out later if the rule still fires. */
        WITHHELD,
        /** The firing is in the ledger already: the contact got it before. */
        IN_LEDGER,
        /** The rule would fire (or its message go out) with consent for the channel, which is not granted. */
        NO_CONSENT,
        /** The rule fires at a later instant ({@link Finding#at()}) if nothing changes. */
        NOT_DUE,
        /** The rule's window closed at {@link Finding#at()}. */
        STALE,
        /** The rule is switched off in settings. */
        SWITCHED_OFF,
        /** The rule failed for this contact (the evaluation would be rolled back). */
        FAILED,
        /** Its condition does not hold and no later instant was declared at which it would. */
        NOT_MET
    }

    /**
     * One finding about a rule.
     *
     * @param outcome what happens
     * @param type    the action type concerned, {@code null} when the finding is about the whole rule
     * @param key     the firing's key, {@code null} when the finding is about the whole rule
     * @param at      the instant that matters: ledger time, due time or window end; {@code null} if none
     * @param detail  a sentence for a person, for example {@code withheld by quietHours}
     */
    public record Finding(Outcome outcome, String type, String key, Instant at, String detail) {
        public Finding {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * The verdict on one rule at {@code now}.
     *
     * @param rule     the rule id
     * @param arm      the contact's experiment arm for this rule, {@code null} without an experiment
     * @param findings at least one; the first is the headline
     */
    public record RuleVerdict(String rule, String arm, List<Finding> findings) {
        public RuleVerdict {
            Objects.requireNonNull(rule, "rule");
            findings = List.copyOf(findings);
            if (findings.isEmpty()) {
                throw new IllegalArgumentException("a verdict needs at least one finding");
            }
        }

        /** The headline outcome: {@link Outcome#FIRES} if anything goes out, else the first finding's. */
        public Outcome outcome() {
            for (Finding f : findings) {
                if (f.outcome() == Outcome.FIRES) {
                    return Outcome.FIRES;
                }
            }
            return findings.get(0).outcome();
        }

        /** Whether any action of this rule goes out now (a holdout record included). */
        public boolean fires() {
            for (Finding f : findings) {
                if (f.outcome() == Outcome.FIRES || f.outcome() == Outcome.HOLDOUT) {
                    return true;
                }
            }
            return false;
        }
    }
}
