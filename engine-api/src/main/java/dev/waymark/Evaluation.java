package dev.waymark;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of evaluating one contact at one instant: the new state to keep, the actions to carry out
 * (in SPEC §3 output order, each never emitted before for this contact), and any rule failure.
 *
 * @param state    the contact's new state; persist it in place of the old one
 * @param actions  actions to carry out, unmodifiable
 * @param failures rule failures; when not empty the evaluation was rolled back and {@code actions} is empty
 * @param skipped  true when the engine knew nothing was due and did not run the rules
 * @param templateFailures messages that went out without a body because their template failed to render
 * @param rejected events not applied because applying them would take the contact's state past one of its
 *                 size limits; they are dropped (not retried), in the order they were met
 */
public record Evaluation(ContactState state, List<Action> actions, List<RuleFailure> failures, boolean skipped,
                         List<TemplateFailure> templateFailures, List<RejectedEvent> rejected) {
    public Evaluation {
        Objects.requireNonNull(state, "state");
        actions = List.copyOf(actions);
        failures = List.copyOf(failures);
        templateFailures = List.copyOf(templateFailures);
        rejected = List.copyOf(rejected);
    }

    /** An evaluation without rejected events. */
    public Evaluation(ContactState state, List<Action> actions, List<RuleFailure> failures, boolean skipped,
                      List<TemplateFailure> templateFailures) {
        this(state, actions, failures, skipped, templateFailures, List.of());
    }

    /** An evaluation without template failures or rejected events. */
    public Evaluation(ContactState state, List<Action> actions, List<RuleFailure> failures, boolean skipped) {
        this(state, actions, failures, skipped, List.of(), List.of());
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
     * An event the engine did not apply because it would take the contact's state past a size limit (SPEC §2:
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
     * A message template that failed while rendering for one contact (SPEC §8). The action still goes out,
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
