package dev.waymark.kafka;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.json.WaymarkJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A {@link TopologyTestDriver} around Waymark's topology, with exactly-once and persistent stores in a given
 * state directory, plus helpers to write events and read actions and dead letters. Wall-clock time is the
 * driver's mock clock: it moves only through {@link #advanceTo} / {@link #advance}.
 */
final class Harness implements AutoCloseable {

    static final String APP = "waymark-test";
    static final String EVENTS = "shop-events";
    static final String ACTIONS = "waymark-actions";
    static final String DEAD_LETTERS = "waymark-dead-letters";

    final TopologyTestDriver driver;
    private final TestInputTopic<String, String> events;
    private final TestInputTopic<byte[], byte[]> rawEvents;
    private final TestOutputTopic<String, String> actions;
    private final TestOutputTopic<byte[], byte[]> deadLetters;
    private Instant now;

    Harness(JourneyEngine engine, Path stateDir, Instant start, Duration punctuateEvery) {
        this(WaymarkTopology.builder(engine).eventsTopic(EVENTS).actionsTopic(ACTIONS).deadLetterTopic(DEAD_LETTERS)
                .punctuateEvery(punctuateEvery), stateDir, start);
    }

    Harness(WaymarkTopology.Builder topology, Path stateDir, Instant start) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(topology.build(), p, start);
        now = start;
        events = driver.createInputTopic(EVENTS, new StringSerializer(), new StringSerializer());
        rawEvents = driver.createInputTopic(EVENTS, new ByteArraySerializer(), new ByteArraySerializer());
        actions = driver.createOutputTopic(ACTIONS, new StringDeserializer(), new StringDeserializer());
        deadLetters = driver.createOutputTopic(DEAD_LETTERS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Sends an event keyed by its contactId. */
    void send(Event e) {
        events.pipeInput(e.contactId(), WaymarkJson.write(e));
    }

    /** Sends a record as given. */
    void send(String key, String value) {
        events.pipeInput(key, value);
    }

    void sendRaw(byte[] key, byte[] value) {
        rawEvents.pipeInput(key, value);
    }

    /** Moves the wall clock forward to {@code t}; due punctuations run. */
    void advanceTo(Instant t) {
        if (t.isBefore(now)) {
            throw new IllegalArgumentException("the clock does not go back: " + t + " < " + now);
        }
        driver.advanceWallClockTime(Duration.between(now, t));
        now = t;
    }

    void advance(Duration d) {
        advanceTo(now.plus(d));
    }

    Instant now() {
        return now;
    }

    /** Actions produced since the last call, in order, with their record keys checked. */
    List<Action> actions() {
        return actions.readKeyValuesToList().stream().map(kv -> {
            Action a = WaymarkJson.readAction(kv.value);
            if (!a.contactId().equals(kv.key)) {
                throw new AssertionError("action keyed " + kv.key + " is for " + a.contactId());
            }
            return a;
        }).toList();
    }

    List<TestRecord<byte[], byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    KeyValueStore<String, ContactState> contacts() {
        return driver.getKeyValueStore(WaymarkTopology.CONTACTS_STORE);
    }

    KeyValueStore<Bytes, byte[]> wakeUps() {
        return driver.getKeyValueStore(WaymarkTopology.WAKE_UPS_STORE);
    }

    /** The last value per key of the contacts store's changelog so far (what a restore would load). */
    Map<String, ContactState> contactsChangelog() {
        return lastValues(driver.createOutputTopic(changelog(WaymarkTopology.CONTACTS_STORE), new StringDeserializer(),
                WaymarkSerdes.contactStates().deserializer()).readKeyValuesToList());
    }

    /** The last value per key of the wake-up index's changelog so far. */
    Map<Bytes, byte[]> wakeUpsChangelog() {
        return lastValues(driver.createOutputTopic(changelog(WaymarkTopology.WAKE_UPS_STORE), new BytesDeserializer(),
                new ByteArrayDeserializer()).readKeyValuesToList());
    }

    static String changelog(String store) {
        return APP + "-" + store + "-changelog";
    }

    private static <K, V> Map<K, V> lastValues(List<KeyValue<K, V>> log) {
        Map<K, V> out = new LinkedHashMap<>();
        for (KeyValue<K, V> kv : log) {
            if (kv.value == null) {
                out.remove(kv.key);
            } else {
                out.put(kv.key, kv.value);
            }
        }
        return out;
    }

    static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        driver.close();
    }
}
