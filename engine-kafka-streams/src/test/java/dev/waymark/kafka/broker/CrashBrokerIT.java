package dev.waymark.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Action;
import dev.waymark.Event;
import dev.waymark.drools.Waymark;
import dev.waymark.json.WaymarkJson;
import dev.waymark.kafka.RamTempDirFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crashes on a real broker: the topology runs in a separate JVM over thousands of contacts' events and is killed
 * with SIGKILL mid-stream, then started again on the same state directory. The actions topic, read
 * {@code read_committed}, is compared with what the plain engine emits for the same events.
 */
@Tag("broker")
class CrashBrokerIT extends BrokerTestSupport {

    private static final Logger LOG = LoggerFactory.getLogger("dev.waymark.kafka.test");
    static final int CONTACTS = 3000;
    static final Path LOGS = Path.of("target", "broker-logs");
    /**
     * The exactly-once runs commit every second (the default is 100 ms): actions reach the broker within a few
     * milliseconds (the producer's linger) while their transaction stays open for up to a second, so a kill most
     * likely aborts a transaction that already holds actions — which the test checks, so it knows the crash hit
     * where a repeat or a loss could happen.
     */
    static final long EOS_COMMIT_MS = 1000;

    record Run(String app, Map<String, List<Event>> contacts, Map<String, List<String>> expected, int expectedCount) {
        String events() {
            return app + "-events";
        }

        String actions() {
            return app + "-actions";
        }

        String deadLetters() {
            return app + "-dead-letters";
        }
    }

    /** Topics, the events produced, and the plain engine's actions for them. */
    private static Run prepare(String app, long seed) throws Exception {
        Run run0 = new Run(app, null, null, 0);
        broker.createTopics(4, run0.events(), run0.actions(), run0.deadLetters());
        Instant now = Instant.now();
        Map<String, List<Event>> contacts = ShopTraffic.contacts(seed, CONTACTS, now);
        Map<String, List<String>> expected = ShopTraffic.expectedActionIds(Waymark.builder().build(), contacts, now);
        int count = expected.values().stream().mapToInt(List::size).sum();
        broker.produce(run0.events(), ShopTraffic.records(contacts));
        Run run = new Run(app, contacts, expected, count);
        LOG.info("{}: {} contacts, {} events, {} expected actions", app, CONTACTS,
                contacts.values().stream().mapToInt(List::size).sum(), count);
        return run;
    }

    private static Map<String, String> options(Run run, Path stateDir, String guarantee, long commitMs, long cacheBytes) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("bootstrap", broker.bootstrapServers());
        o.put("app", run.app());
        o.put("state-dir", stateDir.toString());
        o.put("guarantee", guarantee);
        o.put("commit-ms", Long.toString(commitMs));
        o.put("cache-bytes", Long.toString(cacheBytes));
        o.put("events", run.events());
        o.put("actions", run.actions());
        o.put("dead-letters", run.deadLetters());
        // The killed instance stays a group member until its session times out; the restarted one (a new member)
        // waits for that before it gets the tasks. 6 s instead of the default 45 s keeps the test short.
        o.put("session-timeout-ms", "6000");
        o.put("linger-ms", "5");
        return o;
    }

    /** Starts the service, waits until {@code tail} has read {@code atLeast} actions, and kills it. */
    private static int runUntilThenKill(String name, Map<String, String> options, Tail tail, int atLeast) throws Exception {
        try (StreamsProcess p = StreamsProcess.start(name, LOGS, options)) {
            Broker.await(Duration.ofSeconds(120), name + " to emit " + atLeast + " actions", () -> {
                p.running(); // fails fast if the process died
                return tail.poll() >= atLeast;
            });
            long age = p.ageMillis();
            p.kill();
            LOG.info("{}: killed with SIGKILL {} ms after its start, {} actions read", name, age, tail.records.size());
            return tail.records.size();
        }
    }

    /** Starts the service and lets it read the whole events topic, then stops it cleanly. */
    private static void runToTheEnd(String name, Map<String, String> options, Run run) throws Exception {
        try (StreamsProcess p = StreamsProcess.start(name, LOGS, options)) {
            Broker.await(Duration.ofSeconds(180), name + " to consume every event", () -> {
                p.running();
                return broker.caughtUp(run.app(), run.events());
            });
            LOG.info("{}: every event consumed {} ms after its start", name, p.ageMillis());
            Thread.sleep(2000); // time for anything extra, a repeat, to show up
            p.stop();
        }
    }

    @Test
    void exactlyOnce_sigkillThriceMidStream_everyActionExactlyOnce_inPerContactOrder(
            @TempDir(factory = RamTempDirFactory.class) Path stateDir) throws Exception {
        Run run = prepare("crash-eos", 1L);
        Map<String, String> options = options(run, stateDir, StreamsConfig.EXACTLY_ONCE_V2, EOS_COMMIT_MS, 10 << 20);
        try (Tail tail = new Tail(broker, run.actions(), true)) {
            int kill = 0;
            for (int percent : new int[] {20, 45, 70}) {
                runUntilThenKill("crash-eos-" + ++kill, options, tail, run.expectedCount() * percent / 100);
            }
        }
        runToTheEnd("crash-eos-end", options, run);

        List<ConsumerRecord<String, byte[]>> committed = broker.readAll(run.actions(), true);
        // every action, once, in the contact's order
        assertSameActions(actionIdsByContact(committed), withoutEmpty(run.expected()));
        assertThat(committed).hasSize(run.expectedCount());
        assertThat(broker.readAll(run.deadLetters(), true)).isEmpty();

        // The kills did hit open transactions that held actions (a read_uncommitted reader sees those too), so
        // the crashes came where a repeat or a loss could have happened.
        int uncommitted = broker.readAll(run.actions(), false).size();
        LOG.info("crash-eos: {} actions committed, each once; {} more were written in aborted transactions",
                committed.size(), uncommitted - committed.size());
        assertThat(uncommitted).isGreaterThan(committed.size());
    }

    /**
     * The same crash without exactly-once repeats actions, so the test above can tell. To kill where uncommitted
     * output exists for certain, the first run commits every 10 minutes and caches all its store writes: when it is
     * killed, the actions it produced are in the topic while neither the input offsets nor the states (with their
     * ledgers) are committed, so the restarted run processes the same events from the start and emits them again.
     */
    @Test
    void atLeastOnce_sigkillMidStream_repeatsActions(@TempDir(factory = RamTempDirFactory.class) Path stateDir)
            throws Exception {
        Run run = prepare("crash-alos", 2L);
        int beforeKill;
        try (Tail tail = new Tail(broker, run.actions(), true)) {
            beforeKill = runUntilThenKill("crash-alos-1",
                    options(run, stateDir, StreamsConfig.AT_LEAST_ONCE, 600_000, 256L << 20), tail, run.expectedCount() / 4);
        }
        runToTheEnd("crash-alos-2", options(run, stateDir, StreamsConfig.AT_LEAST_ONCE, 200, 10 << 20), run);

        List<ConsumerRecord<String, byte[]>> all = broker.readAll(run.actions(), true);
        Map<String, Integer> times = new HashMap<>();
        all.forEach(r -> times.merge(r.key() + " " + ShopTraffic.identity(WaymarkJson.readAction(Broker.text(r))), 1,
                Integer::sum));
        long repeated = times.values().stream().filter(n -> n > 1).count();
        Set<String> expectedIds = new HashSet<>();
        run.expected().forEach((c, actions) -> actions.forEach(a -> expectedIds.add(c + " " + a)));
        LOG.info("crash-alos: {} actions read before the kill; {} records for {} distinct actions, {} repeated",
                beforeKill, all.size(), times.size(), repeated);
        assertThat(times.keySet()).containsExactlyInAnyOrderElementsOf(expectedIds);
        assertThat(repeated).isGreaterThanOrEqualTo(beforeKill);
    }

    private static Map<String, List<String>> actionIdsByContact(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, List<String>> out = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            Action a = WaymarkJson.readAction(Broker.text(r));
            assertThat(a.contactId()).isEqualTo(r.key());
            out.computeIfAbsent(a.contactId(), k -> new ArrayList<>()).add(ShopTraffic.identity(a));
        }
        return out;
    }

    /** Equal maps, or a failure naming the first contacts that differ (the whole maps would be megabytes). */
    static void assertSameActions(Map<String, List<String>> actual, Map<String, List<String>> expected) {
        List<String> differ = new ArrayList<>();
        Set<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String c : keys) {
            if (!java.util.Objects.equals(actual.get(c), expected.get(c))) {
                differ.add(c + ": expected " + expected.get(c) + " but was " + actual.get(c));
            }
        }
        assertThat(differ.size()).as("contacts whose actions differ, of %d; the first ones: %s", keys.size(),
                differ.subList(0, Math.min(5, differ.size()))).isZero();
    }

    private static Map<String, List<String>> withoutEmpty(Map<String, List<String>> m) {
        Map<String, List<String>> out = new HashMap<>();
        m.forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.put(k, v);
            }
        });
        return out;
    }
}
