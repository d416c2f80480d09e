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
 * @param ledgerFull every rule whose ledger was full for a contact, so firings were kept back, by contact
 */
public record BulkSummary(long contacts, long evaluated, long skipped, long actions, List<RuleFailure> failures,
                          List<TemplateFailure> templateFailures, List<Evaluation.LedgerFull> ledgerFull) {
    public BulkSummary {
        failures = List.copyOf(failures);
        templateFailures = List.copyOf(templateFailures);
        ledgerFull = List.copyOf(ledgerFull);
    }

    /** Totals with no rule's ledger full. */
    public BulkSummary(long contacts, long evaluated, long skipped, long actions, List<RuleFailure> failures,
                       List<TemplateFailure> templateFailures) {
        this(contacts, evaluated, skipped, actions, failures, templateFailures, List.of());
    }
}
