package dev.waymark.kafka;

/**
 * The format of the dead-letter topic: what {@link WaymarkTopology} sends there and the headers that say why.
 *
 * <p><b>Rejected event records</b> (kinds {@link #INVALID_EVENT} and {@link #KEY_MISMATCH}) keep the original
 * key, value, timestamp and headers byte for byte, so a fixed record can be produced again as it was; the
 * headers below are added. <b>Rule failures</b> (kind {@link #RULE_FAILURE}) and unexpected engine errors
 * (kind {@link #ENGINE_ERROR}) are about a contact rather than a record: the key is the contactId and the
 * value is a JSON object {@code {"kind","contactId","rule","message","at","retryAt"}} — the contact's events
 * are not in it because they stay pending in its state and are retried at {@code retryAt} (also in the
 * {@link #RETRY_AT_HEADER} header; the contact's stored state holds the same instant as its next wake-up), or
 * at the contact's next event if sooner (see {@link WaymarkTopology.Builder#retryFailuresAfter}).
 *
 * <p>A <b>tombstone</b> (a record with a key and no value) is not a dead letter: it erases the contact named by
 * the key (see {@link WaymarkTopology}). Only a record with neither key nor value is rejected as
 * {@link #INVALID_EVENT}.
 *
 * <p>Every header value is UTF-8 text. This class only holds constants.
 */
public final class DeadLetters {

    /** Header: why the record is here, one of the {@code *_KIND} values below. */
    public static final String KIND_HEADER = "waymark.dlq.kind";
    /** Header: a human-readable reason, for example {@code at: 'yesterday' is not an ISO-8601 instant ...}. */
    public static final String REASON_HEADER = "waymark.dlq.reason";
    /** Header: the offending event field ({@code props.cartId}), when an invalid event names one. */
    public static final String FIELD_HEADER = "waymark.dlq.field";
    /** Header: the rule id, for a rule failure. */
    public static final String RULE_HEADER = "waymark.dlq.rule";
    /** Header: for a rule failure or engine error, the ISO-8601 instant at which the contact is evaluated again. */
    public static final String RETRY_AT_HEADER = "waymark.dlq.retry-at";
    /** Header: topic of the rejected record. */
    public static final String SOURCE_TOPIC_HEADER = "waymark.dlq.source.topic";
    /** Header: partition of the rejected record (decimal). */
    public static final String SOURCE_PARTITION_HEADER = "waymark.dlq.source.partition";
    /** Header: offset of the rejected record (decimal). */
    public static final String SOURCE_OFFSET_HEADER = "waymark.dlq.source.offset";

    /** Kind: the value is not an event of docs/events-and-actions.md (not UTF-8, not JSON, a missing or bad field, neither key nor value). */
    public static final String INVALID_EVENT = "invalid-event";
    /** Kind: the record key is missing or differs from the event's {@code contactId}, or a tombstone's key is not UTF-8. */
    public static final String KEY_MISMATCH = "key-mismatch";
    /** Kind: a rule threw for a contact; its evaluation was rolled back and will be retried. */
    public static final String RULE_FAILURE = "rule-failure";
    /** Kind: the engine itself threw (a bug); the contact's events are kept pending and retried. */
    public static final String ENGINE_ERROR = "engine-error";

    private DeadLetters() {
    }
}
