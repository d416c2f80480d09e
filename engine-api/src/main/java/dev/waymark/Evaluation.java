package dev.waymark;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of evaluating one contact at one instant: the new state to keep, the actions to carry out
 * (in the output order of docs/events-and-actions.md, each never emitted before for this contact), and any rule failure.
 *
 * @param state    the contact's new state; persist it in place of the old one
 * @param actions  actions to carry out, unmodifiable
 * @param failures rule failures; when not empty the evaluation was rolled back and {@code actions} is empty
 * @param skipped  true when the engine knew nothing was due and did not run the rules
 * @param templateFailures messages that went out without a body because their template failed to render
 * @param ledgerFull rules whose ledger for this contact is full, so firings with new keys were kept back
 * @param rejected events not applied because applying them would take the contact's state past one of its
 *                 size limits; they are dropped (not retried), in the order they were met
 */
public record Evaluation(ContactState state, List<Action> actions, List<RuleFailure> failures, boolean skipped,
                         List<TemplateFailure> templateFailures, List<LedgerFull> ledgerFull,
                         List<RejectedEvent> rejected) {
    public Evaluation {
        Objects.requireNonNull(state, "state");
        actions = List.copyOf(actions);
        failures = List.copyOf(failures);
        templateFailures = List.copyOf(templateFailures);
        ledgerFull = List.copyOf(ledgerFull);
        rejected = List.copyOf(rejected);
    }

    /** An evaluation with no rule's ledger full and no rejected event. */
    public Evaluation(ContactState state, List<Action> actions, List<RuleFailure> failures, boolean skipped,
                      List<TemplateFailure> templateFailures) {
        this(state, actions, failures, skipped, templateFailures, List.of(), List.of());
    }

    /** An evaluation without template failures or rejected events. */
    public Evaluation(ContactState state, List<Action> actions, List<RuleFailure> failures, boolean skipped) {
        this(state, actions, failures, skipped, List.of(), List.of(), List.of());
    }

    /** The next wake-up (see {@link JourneyEngine}): when a rule could fire with no new event, if ever. */
    public Optional<Instant> nextWakeUp() {
        return state.wakeUp();
    }

    /**
     * A rule that threw while being evaluated for one contact, or folding its events did. The contact's
     * evaluation is rolled back (its state stays as it was, so its events are retried next time); every other
     * contact goes on.
     *
     * @param contactId the contact
     * @param rule      the rule id, or {@code "?"} when Drools could not say which rule; {@code "(fold)"} when
     *                  folding the contact's events into its facts failed, {@code "(pipeline)"} when a step after
     *                  the rules (journeys, ledger, delivery, the engine's own actions) failed for this contact
     * @param message   the exception's type and message
     */
    public record RuleFailure(String contactId, String rule, String message) {
        public RuleFailure {
            Objects.requireNonNull(contactId, "contactId");
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return "contact " + contactId + ", rule " + rule + ": " + message;
        }
    }

    /**
     * A rule that holds as many keys in one contact's ledger as a rule may ({@code maxKeys}): its firings
     * with a new key were not emitted and not recorded, so that no key is ever forgotten and emitted twice.
     * They fire again, and are kept back again, at every evaluation; the contact's other actions go out as
     * usual. A rule meets this only when its keys are nearly unique per firing (an instant, a counter).
     *
     * @param contactId the contact
     * @param rule      the rule (or journey) id
     * @param maxKeys   the most keys one rule holds per contact
     * @param withheld  firings kept back at this evaluation
     */
    public record LedgerFull(String contactId, String rule, int maxKeys, int withheld) {
        public LedgerFull {
            Objects.requireNonNull(contactId, "contactId");
            Objects.requireNonNull(rule, "rule");
        }

        @Override
        public String toString() {
            return "contact " + contactId + ", rule " + rule + ": its ledger holds " + maxKeys
                    + " keys, the most a rule keeps per contact; " + withheld + (withheld == 1 ? " firing" : " firings")
                    + " with a new key withheld";
        }
    }

    /**
     * An event the engine did not apply because it would take the contact's state past a size limit (docs/events-and-actions.md:
     * nothing is applied in part, and the run goes on). Every other event of the contact is applied.
     *
     * @param contactId the contact
     * @param eventId   the event's id
     * @param type      the event's type
     * @param message   which limit, for example {@code "a contact keeps at most 256 tags"}
     */
    public record RejectedEvent(String contactId, String eventId, String type, String message) {
        public RejectedEvent {
            Objects.requireNonNull(contactId, "contactId");
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return "event " + eventId + " (" + type + ") for contact " + contactId + ": " + message;
        }
    }

    /**
     * A message template that failed while rendering for one contact (docs/templates.md). The action still goes out,
     * without a body; nothing else stops.
     *
     * @param contactId the contact
     * @param rule      the rule whose message it was
     * @param template  the template name ({@code params.template})
     * @param message   what went wrong, with the template's file and line when known
     */
    public record TemplateFailure(String contactId, String rule, String template, String message) {
        public TemplateFailure {
            Objects.requireNonNull(contactId, "contactId");
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return "contact " + contactId + ", rule " + rule + ", template " + template + ": " + message;
        }
    }
}
