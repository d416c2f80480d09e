package dev.waymark;

import dev.waymark.Evaluation.LedgerFull;
import dev.waymark.Evaluation.RejectedEvent;
import dev.waymark.Evaluation.RuleFailure;
import dev.waymark.Evaluation.TemplateFailure;
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
 * @param rejected  every event not applied because of a state size limit, by contact
 */
public record BulkSummary(long contacts, long evaluated, long skipped, long actions, List<RuleFailure> failures,
                          List<TemplateFailure> templateFailures, List<LedgerFull> ledgerFull,
                          List<RejectedEvent> rejected) {
    public BulkSummary {
        failures = List.copyOf(failures);
        templateFailures = List.copyOf(templateFailures);
        ledgerFull = List.copyOf(ledgerFull);
        rejected = List.copyOf(rejected);
    }

    /** Totals with no rule's ledger full and no rejected event. */
    public BulkSummary(long contacts, long evaluated, long skipped, long actions, List<RuleFailure> failures,
                       List<TemplateFailure> templateFailures) {
        this(contacts, evaluated, skipped, actions, failures, templateFailures, List.of(), List.of());
    }
}
