package dev.waymark.kafka;

import dev.waymark.kafka.internal.DeadLetterFormat;

/**
 * The format of the dead-letter topic: what {@link WaymarkTopology} sends there and the headers that say why.
 *
 * <p><b>Rejected event records</b> (kinds {@link #INVALID_EVENT} and {@link #KEY_MISMATCH}) keep the original
 * key, value, timestamp and headers byte for byte, so a fixed record can be produced again as it was; the
 * headers below are added. <b>Rule failures</b> (kind {@link #RULE_FAILURE}) and unexpected engine errors
 * (kind {@link #ENGINE_ERROR}) are about a contact rather than a record: the key is the contactId and the
 * value is a JSON object {@code {"kind","contactId","rule","message","at"}} — the contact's events are not
 * in it because they stay pending in its state and are retried (see {@link WaymarkTopology.Builder#retryFailuresAfter}).
 *
 * <p>Every header value is UTF-8 text. This class only holds constants.
 */
public final class DeadLetters {

    /** Header: why the record is here, one of the {@code *_KIND} values below. */
    public static final String KIND_HEADER = DeadLetterFormat.KIND_HEADER;
    /** Header: a human-readable reason, for example {@code at: 'yesterday' is not an ISO-8601 instant ...}. */
    public static final String REASON_HEADER = DeadLetterFormat.REASON_HEADER;
    /** Header: the offending event field ({@code props.cartId}), when an invalid event names one. */
    public static final String FIELD_HEADER = DeadLetterFormat.FIELD_HEADER;
    /** Header: the rule id, for a rule failure. */
    public static final String RULE_HEADER = DeadLetterFormat.RULE_HEADER;
    /** Header: topic of the rejected record. */
    public static final String SOURCE_TOPIC_HEADER = DeadLetterFormat.SOURCE_TOPIC_HEADER;
    /** Header: partition of the rejected record (decimal). */
    public static final String SOURCE_PARTITION_HEADER = DeadLetterFormat.SOURCE_PARTITION_HEADER;
    /** Header: offset of the rejected record (decimal). */
    public static final String SOURCE_OFFSET_HEADER = DeadLetterFormat.SOURCE_OFFSET_HEADER;

    /** Kind: the value is not an event of SPEC §1 (not UTF-8, not JSON, a missing or bad field, no value). */
    public static final String INVALID_EVENT = DeadLetterFormat.INVALID_EVENT;
    /** Kind: the record key is missing or differs from the event's {@code contactId}. */
    public static final String KEY_MISMATCH = DeadLetterFormat.KEY_MISMATCH;
    /** Kind: a rule threw for a contact; its evaluation was rolled back and will be retried. */
    public static final String RULE_FAILURE = DeadLetterFormat.RULE_FAILURE;
    /** Kind: the engine itself threw (a bug); the contact's events are kept pending and retried. */
    public static final String ENGINE_ERROR = DeadLetterFormat.ENGINE_ERROR;

    private DeadLetters() {
    }
}
