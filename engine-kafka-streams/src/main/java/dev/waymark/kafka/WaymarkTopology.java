package dev.waymark.kafka;

import dev.waymark.ContactState;
import dev.waymark.JourneyEngine;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the Kafka Streams topology that runs Waymark per contact: it consumes an events topic keyed by
 * contactId, keeps each contact's {@link ContactState} in a persistent, changelogged store, evaluates the
 * contact on every event and again when its next wake-up comes, and produces the actions to an actions topic
 * keyed by contactId.
 *
 * <pre>{@code
 * Topology topology = WaymarkTopology.builder(engine)
 *         .eventsTopic("shop-events")
 *         .actionsTopic("waymark-actions")
 *         .deadLetterTopic("waymark-dead-letters")
 *         .punctuateEvery(Duration.ofSeconds(10))
 *         .build();
 * }</pre>
 *
 * <p><b>Time.</b> A contact is evaluated at {@code now} = the stream thread's wall-clock time
 * ({@code ProcessorContext.currentSystemTimeMs()}), or the contact's last evaluation time if that is later,
 * so a contact's time never runs backwards (after a rebalance onto a host whose clock lags). An event's own
 * {@code at} decides how it folds into the facts, as in the plain engine; an event stamped in the future
 * waits in the state until {@code now} reaches it. Due contacts are found by a wall-clock punctuator every
 * {@link Builder#punctuateEvery} interval, so a time-based action goes out at most about one interval late.
 *
 * <p><b>Records.</b> Input keys and values are read as raw bytes, so no record can fail deserialization: a
 * record whose value is not a valid event (docs/events-and-actions.md), or whose key is not the event's contactId, goes to the
 * dead-letter topic (see {@link DeadLetters}) and the stream goes on. Actions are produced with key =
 * contactId (UTF-8), value = the action's JSON line (docs/events-and-actions.md), timestamp = the evaluation time. Each action's id is
 * deterministic, so a consumer can deduplicate; with {@code processing.guarantee=exactly_once_v2} the store
 * writes, the produced actions and the input offsets commit atomically, so a crash repeats or loses none.
 *
 * <p><b>Erasure.</b> A tombstone on the events topic — key = a contactId, no value — erases that contact: its
 * state (facts, pending events, remembered event ids, ledger) and its due-time index entry are deleted, which
 * writes tombstones to both changelog topics (compaction then drops the old values). Nothing is emitted and
 * nothing goes to the dead-letter topic. An event for the contact afterwards starts a new contact, so actions
 * it had before may go out again. The events and actions already in Kafka topics are not touched: their
 * retention is the deployment's to set.
 *
 * <p>The engine must be thread-safe (every {@code JourneyEngine} Waymark builds is): one instance serves every
 * task and stream thread. The builder is not thread-safe; its setters check their arguments at once.
 */
public final class WaymarkTopology {

    /** Name of the contact-state store (contactId → {@link ContactState}, serde {@link WaymarkSerdes#contactStates()}). */
    public static final String CONTACTS_STORE = "waymark-contacts";
    /** Name of the due-time index store (see {@code README-scaling.md} for its layout). */
    public static final String WAKE_UPS_STORE = "waymark-wake-ups";
    /** Name of the source node reading the events topic. */
    public static final String SOURCE_NODE = "waymark-events";
    /** Name of the processor node running the engine. */
    public static final String PROCESSOR_NODE = "waymark-engine";
    /** Name of the sink node writing the actions topic. */
    public static final String ACTIONS_NODE = "waymark-actions";
    /** Name of the sink node writing the dead-letter topic. */
    public static final String DEAD_LETTERS_NODE = "waymark-dead-letters";

    private WaymarkTopology() {
    }

    /** A builder for a topology running {@code engine}; topics must be set before {@link Builder#build()}. */
    public static Builder builder(JourneyEngine engine) {
        return new Builder(engine);
    }

    /** Configures and builds the topology; see {@link WaymarkTopology}. Not thread-safe. */
    public static final class Builder {
        private final JourneyEngine engine;
        private String eventsTopic;
        private String actionsTopic;
        private String deadLetterTopic;
        private Duration punctuateEvery = Duration.ofSeconds(10);
        private Duration retryFailuresAfter = Duration.ofMinutes(5);
        private int maxDuePerPunctuation = 10_000;

        private Builder(JourneyEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        /** The input topic: event JSON values (docs/events-and-actions.md) keyed by contactId (required). */
        public Builder eventsTopic(String topic) {
            this.eventsTopic = topicName(topic, "eventsTopic");
            return this;
        }

        /** The output topic for actions, keyed by contactId (required). */
        public Builder actionsTopic(String topic) {
            this.actionsTopic = topicName(topic, "actionsTopic");
            return this;
        }

        /** The output topic for rejected records and rule failures (required); see {@link DeadLetters}. */
        public Builder deadLetterTopic(String topic) {
            this.deadLetterTopic = topicName(topic, "deadLetterTopic");
            return this;
        }

        /**
         * How often, in wall-clock time, each task looks for contacts whose wake-up has come (default 10 s). A
         * look with nothing due costs one short range scan; a shorter interval makes timed actions more punctual.
         *
         * @throws IllegalArgumentException unless positive
         */
        public Builder punctuateEvery(Duration interval) {
            this.punctuateEvery = positive(interval, "punctuateEvery");
            return this;
        }

        /**
         * When a contact's evaluation fails (a rule throws; the engine rolls the contact back), how long until it
         * is evaluated again with no new event (default 5 minutes). A new event for the contact retries at once.
         * The retry instant is kept in the contact's stored state as its next wake-up (so the state, its
         * changelog and the due-time index agree) and is named in the dead letter ({@code retryAt}); a retry that
         * fails again waits the same delay again.
         *
         * @throws IllegalArgumentException unless positive
         */
        public Builder retryFailuresAfter(Duration delay) {
            this.retryFailuresAfter = positive(delay, "retryFailuresAfter");
            return this;
        }

        /**
         * The most due contacts one punctuation of one task evaluates (default 10 000), oldest wake-up first;
         * the rest stay due for the next punctuation. It bounds the time a punctuation holds the stream thread,
         * which must stay well under {@code max.poll.interval.ms}.
         *
         * @throws IllegalArgumentException unless at least 1
         */
        public Builder maxDuePerPunctuation(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxDuePerPunctuation must be >= 1, was " + max);
            }
            this.maxDuePerPunctuation = max;
            return this;
        }

        /**
         * A new topology holding only Waymark's nodes and stores.
         *
         * @throws IllegalStateException when a topic is not set
         */
        public Topology build() {
            return addTo(new Topology());
        }

        /**
         * Adds Waymark's nodes and stores (named by the constants of {@link WaymarkTopology}) to an existing
         * topology, for an application that runs other processing beside it; returns {@code topology}.
         *
         * @throws IllegalStateException when a topic is not set
         */
        public Topology addTo(Topology topology) {
            Objects.requireNonNull(topology, "topology");
            ProcessorSettings settings = new ProcessorSettings(engine, require(eventsTopic, "eventsTopic"),
                    require(actionsTopic, "actionsTopic"), require(deadLetterTopic, "deadLetterTopic"),
                    punctuateEvery, retryFailuresAfter, maxDuePerPunctuation, CONTACTS_STORE, WAKE_UPS_STORE,
                    ACTIONS_NODE, DEAD_LETTERS_NODE);
            // Persistent (RocksDB) and changelogged by default: a task moved to another instance restores both
            // stores from their changelog topics. Caching batches repeated writes of a hot contact per commit.
            StoreBuilder<KeyValueStore<String, ContactState>> contacts = Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(CONTACTS_STORE), Serdes.String(), WaymarkSerdes.contactStates())
                    .withCachingEnabled();
            StoreBuilder<KeyValueStore<Bytes, byte[]>> wakeUps = Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(WAKE_UPS_STORE), Serdes.Bytes(), Serdes.ByteArray())
                    .withCachingEnabled();
            topology.addSource(SOURCE_NODE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), settings.eventsTopic());
            topology.addProcessor(PROCESSOR_NODE, () -> new WaymarkProcessor(settings), SOURCE_NODE);
            topology.addStateStore(contacts, PROCESSOR_NODE);
            topology.addStateStore(wakeUps, PROCESSOR_NODE);
            topology.addSink(ACTIONS_NODE, settings.actionsTopic(), new ByteArraySerializer(), new ByteArraySerializer(),
                    PROCESSOR_NODE);
            topology.addSink(DEAD_LETTERS_NODE, settings.deadLetterTopic(), new ByteArraySerializer(),
                    new ByteArraySerializer(), PROCESSOR_NODE);
            return topology;
        }

        private static String topicName(String topic, String what) {
            Objects.requireNonNull(topic, what);
            if (topic.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return topic;
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }

        private static String require(String value, String what) {
            if (value == null) {
                throw new IllegalStateException(what + " is not set");
            }
            return value;
        }
    }
}
