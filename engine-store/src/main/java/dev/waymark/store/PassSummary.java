package dev.waymark.store;

import dev.waymark.Evaluation.RuleFailure;
import dev.waymark.Evaluation.TemplateFailure;
import java.time.Instant;
import java.util.List;

/**
 * What one due pass of a {@link ContactStore} did: an immutable value.
 *
 * @param run              the pass's run number in the store (1, 2, …), also the outbox rows' run
 * @param now              the evaluation time
 * @param full             true when every contact was evaluated because the engine's ruleset differed
 *                         from the store's last pass (or {@code now} was before an earlier pass's)
 * @param due              contacts taken into the pass: a wake-up at or before {@code now}, received
 *                         events, or every contact on a full pass
 * @param evaluated        contacts whose rules ran
 * @param skipped          contacts taken whose rules did not need to run
 * @param actions          actions committed to the outbox by this pass
 * @param failures         rule failures, by contact (those contacts keep their events for the next pass)
 * @param templateFailures messages committed without a body
 * @param late             received events not applied because they are late
 *                         ({@link dev.waymark.ContactState#isLate}), in the order they were received
 * @param ledgerFull       rules whose ledger was full for a contact, so firings with new keys were withheld
 * @param rejected         events not applied because they would take their contact's state past a size limit
 */
public record PassSummary(long run, Instant now, boolean full, long due, long evaluated, long skipped, long actions,
                          List<RuleFailure> failures, List<TemplateFailure> templateFailures, List<LateEvent> late,
                          List<dev.waymark.Evaluation.LedgerFull> ledgerFull,
                          List<dev.waymark.Evaluation.RejectedEvent> rejected) {

    public PassSummary {
        failures = List.copyOf(failures);
        templateFailures = List.copyOf(templateFailures);
        late = List.copyOf(late);
        ledgerFull = List.copyOf(ledgerFull);
        rejected = List.copyOf(rejected);
    }

    /** A pass in which no rule's ledger was full and no event was rejected. */
    public PassSummary(long run, Instant now, boolean full, long due, long evaluated, long skipped, long actions,
                       List<RuleFailure> failures, List<TemplateFailure> templateFailures, List<LateEvent> late) {
        this(run, now, full, due, evaluated, skipped, actions, failures, templateFailures, late, List.of(), List.of());
    }

    /**
     * A late event: received, but more than the 7-day id memory older than the newest event applied to its
     * contact, so not applied.
     *
     * @param source    where it was received from (for example a file name), or null if not known
     * @param line      its 1-based line in {@code source}, or 0 if not known
     * @param eventId   the event's id
     * @param contactId the event's contact
     */
    public record LateEvent(String source, int line, String eventId, String contactId) {
    }
}
