package dev.waymark.kafka.internal;

/**
 * The dead-letter topic's header names and kinds, as the processor writes them; published to hosts as
 * {@code dev.waymark.kafka.DeadLetters}, whose constants are these (so this package needs nothing of the
 * public one). Constants only.
 */
public final class DeadLetterFormat {
    public static final String KIND_HEADER = "waymark.dlq.kind";
    public static final String REASON_HEADER = "waymark.dlq.reason";
    public static final String FIELD_HEADER = "waymark.dlq.field";
    public static final String RULE_HEADER = "waymark.dlq.rule";
    public static final String SOURCE_TOPIC_HEADER = "waymark.dlq.source.topic";
    public static final String SOURCE_PARTITION_HEADER = "waymark.dlq.source.partition";
    public static final String SOURCE_OFFSET_HEADER = "waymark.dlq.source.offset";
    public static final String INVALID_EVENT = "invalid-event";
    public static final String KEY_MISMATCH = "key-mismatch";
    public static final String RULE_FAILURE = "rule-failure";
    public static final String ENGINE_ERROR = "engine-error";

    private DeadLetterFormat() {
    }
}
