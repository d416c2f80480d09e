package dev.waymark;

import dev.waymark.Evaluation.TemplateFailure;

import dev.waymark.Evaluation.RuleFailure;

import java.util.List;

/**
 * Totals of one bulk evaluation.
 *
 * @param contacts  contacts taken from the input
 * @param evaluated contacts whose rules ran
 * @param skipped   contacts with nothing due, whose rules did not need to run
 * @param actions   actions emitted
 * @param failures  every rule failure, by contact
 * @param templateFailures every template that failed to render, by contact
 * @param rejected  every event not applied because of a state size limit, by contact
 */
public record BulkSummary(long contacts, long evaluated, long skipped, long actions, List<RuleFailure> failures,
                          List<TemplateFailure> templateFailures, List<Evaluation.RejectedEvent> rejected) {
    public BulkSummary {
        failures = List.copyOf(failures);
        templateFailures = List.copyOf(templateFailures);
        rejected = List.copyOf(rejected);
    }

    /** Totals without rejected events. */
    public BulkSummary(long contacts, long evaluated, long skipped, long actions, List<RuleFailure> failures,
                       List<TemplateFailure> templateFailures) {
        this(contacts, evaluated, skipped, actions, failures, templateFailures, List.of());
    }
}
