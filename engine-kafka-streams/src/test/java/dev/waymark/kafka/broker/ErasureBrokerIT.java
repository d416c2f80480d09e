package dev.waymark.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.drools.Waymark;
import dev.waymark.json.WaymarkJson;
import dev.waymark.kafka.RamTempDirFactory;
import dev.waymark.kafka.WaymarkTopology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure on a real broker: a tombstone for a contact's key deletes its state and its due-time index entry —
 * in the stores and, as tombstones, in both changelog topics, so a restore does not bring it back — emits
 * nothing, dead-letters nothing; a later event starts a new contact.
 */
@Tag("broker")
class ErasureBrokerIT extends BrokerTestSupport {

    static final String APP = "erasure";
    static final String EVENTS = APP + "-events";
    static final String ACTIONS = APP + "-actions";
    static final String DEAD_LETTERS = APP + "-dead-letters";

    private static KafkaStreams start(Path stateDir) throws InterruptedException {
        Map<String, String> o = new HashMap<>();
        o.put("bootstrap", broker.bootstrapServers());
        o.put("app", APP);
        o.put("state-dir", stateDir.toString());
        o.put("session-timeout-ms", "6000");
        KafkaStreams streams = new KafkaStreams(WaymarkTopology.builder(Waymark.builder().build()).eventsTopic(EVENTS)
                .actionsTopic(ACTIONS).deadLetterTopic(DEAD_LETTERS).punctuateEvery(Duration.ofMillis(500)).build(),
                StreamsMain.config(o));
        streams.start();
        Broker.await(Duration.ofSeconds(60), "streams running", () -> streams.state() == KafkaStreams.State.RUNNING);
        return streams;
    }

    @Test
    void tombstone_erasesStateIndexAndChangelogs_emitsNothing_andALaterEventStartsAFreshContact(
            @TempDir(factory = RamTempDirFactory.class) Path stateDir,
            @TempDir(factory = RamTempDirFactory.class) Path secondStateDir) throws Exception {
        broker.createTopics(2, EVENTS, ACTIONS, DEAD_LETTERS);
        Instant t = Instant.now().minusSeconds(60);
        List<Map.Entry<String, String>> first = new ArrayList<>();
        for (String c : List.of("gone", "kept")) {
            first.add(record(new Event(c + "-1", c, "subscribed", t, Map.of("channel", "email"))));
            first.add(record(new Event(c + "-2", c, "cart.item_added", t,
                    Map.of("cartId", "k", "sku", "MUG", "price", 9.5, "qty", 1L))));
        }
        KafkaStreams streams = start(stateDir);
        try {
            broker.produce(EVENTS, first);
            Broker.await(Duration.ofSeconds(60), "the events consumed", () -> broker.caughtUp(APP, EVENTS));
            assertThat(contacts(streams).get("gone")).isNotNull();
            assertThat(indexKeysNaming(streams, "gone")).isNotEmpty(); // the cart's reminder is scheduled
            int actionsBefore = broker.readAll(ACTIONS, true).size();
            assertThat(welcomes("gone")).hasSize(1);

            broker.produce(EVENTS, List.of(new SimpleEntry<>("gone", null), new SimpleEntry<>("never-seen", null)));
            Broker.await(Duration.ofSeconds(60), "the tombstones consumed", () -> broker.caughtUp(APP, EVENTS));
            Thread.sleep(1500); // a few punctuations, which must find nothing for the erased contact

            assertThat(contacts(streams).get("gone")).isNull();
            assertThat(contacts(streams).get("kept")).isNotNull();
            assertThat(indexKeysNaming(streams, "gone")).isEmpty();
            assertThat(indexKeysNaming(streams, "kept")).isNotEmpty();
            assertThat(broker.readAll(ACTIONS, true)).hasSize(actionsBefore);
            assertThat(broker.readAll(DEAD_LETTERS, true)).isEmpty();
        } finally {
            streams.close(Duration.ofSeconds(30));
        }

        // Both changelogs end with a tombstone for every key of the erased contact, so compaction drops its data
        // and a restore cannot bring it back.
        Map<String, byte[]> contactsLog = lastValues(broker.readAllRaw(APP + "-" + WaymarkTopology.CONTACTS_STORE + "-changelog"));
        assertThat(contactsLog).containsKeys("gone", "kept");
        assertThat(contactsLog.get("gone")).isNull();
        assertThat(contactsLog.get("kept")).isNotNull();
        Map<String, byte[]> indexLog = lastValues(broker.readAllRaw(APP + "-" + WaymarkTopology.WAKE_UPS_STORE + "-changelog"));
        List<String> goneKeys = indexLog.keySet().stream().filter(k -> k.endsWith("gone")).toList();
        assertThat(goneKeys).as("index keys of the erased contact in the changelog").isNotEmpty()
                .allSatisfy(k -> assertThat(indexLog.get(k)).as(k).isNull());

        // Another instance restores from the changelogs (a new state directory); the person comes back.
        streams = start(secondStateDir);
        try {
            assertThat(contacts(streams).get("gone")).isNull();
            broker.produce(EVENTS, List.of(record(new Event("gone-1", "gone", "subscribed", Instant.now(),
                    Map.of("channel", "email")))));
            Broker.await(Duration.ofSeconds(60), "the new event consumed", () -> broker.caughtUp(APP, EVENTS));
            ContactState fresh = contacts(streams).get("gone");
            assertThat(fresh.seenEventIds()).containsOnlyKeys("gone-1"); // not even the old event ids are left
            assertThat(fresh.contact().openCarts()).isEmpty();
            assertThat(welcomes("gone")).as("a new contact is welcomed again").hasSize(2);
            assertThat(broker.readAll(DEAD_LETTERS, true)).isEmpty();
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    private static Map.Entry<String, String> record(Event e) {
        return new SimpleEntry<>(e.contactId(), WaymarkJson.write(e));
    }

    private static List<Action> welcomes(String contact) {
        List<Action> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : broker.readAll(ACTIONS, true)) {
            Action a = WaymarkJson.readAction(Broker.text(r));
            if (a.contactId().equals(contact) && a.rule().equals("welcome-series")) {
                out.add(a);
            }
        }
        return out;
    }

    private static ReadOnlyKeyValueStore<String, ContactState> contacts(KafkaStreams streams) {
        return streams.store(StoreQueryParameters.fromNameAndType(WaymarkTopology.CONTACTS_STORE,
                QueryableStoreTypes.<String, ContactState>keyValueStore()));
    }

    /** Index keys (either key space, by the documented layout) that name {@code contact}. */
    private static List<String> indexKeysNaming(KafkaStreams streams, String contact) {
        ReadOnlyKeyValueStore<Bytes, byte[]> index = streams.store(StoreQueryParameters.fromNameAndType(
                WaymarkTopology.WAKE_UPS_STORE, QueryableStoreTypes.<Bytes, byte[]>keyValueStore()));
        List<String> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = index.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                byte[] k = kv.key.get();
                int from = k[0] == 0 ? 9 : 1;
                if (k[0] != 2 && new String(k, from, k.length - from, StandardCharsets.UTF_8).equals(contact)) {
                    out.add(Arrays.toString(k));
                }
            }
        }
        return out;
    }

    /** The last value per key (keys as Latin-1 text, so any bytes survive), null for a tombstone. */
    private static Map<String, byte[]> lastValues(List<ConsumerRecord<byte[], byte[]>> log) {
        Map<String, byte[]> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : log) {
            out.put(new String(r.key(), StandardCharsets.ISO_8859_1), r.value());
        }
        return out;
    }
}
