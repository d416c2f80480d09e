package dev.waymark.bench;

import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import dev.waymark.json.WaymarkJson;
import dev.waymark.kafka.WaymarkTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does the Kafka Streams processor (engine-kafka-streams) cost per instance, under Kafka Streams'
 * {@link TopologyTestDriver} (no broker; real RocksDB stores, kept in {@code /dev/shm} when it exists)?
 *
 * <ul>
 *   <li>{@code eventsPerSecond}: events processed per second by one instance — each is received into the
 *       contact's stored state, evaluated, stored, indexed; baseline beside it: {@code eventsPerSecondPlainEngine},
 *       the same events through {@link JourneyEngine#evaluate} with the states in a map, i.e. what the stream
 *       processing adds. The driver commits after every record (production commits every 100 ms), so the
 *       exactly-once figure is a floor.</li>
 *   <li>{@code punctuation}: one wall-clock punctuation with {@code due} contacts due among {@code contacts} in
 *       the store. A "tick" rule keeps the {@code due} contacts due every minute; the others have nothing due. The
 *       cost should follow {@code due}, not {@code contacts}.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar KafkaProcessorBenchmark}
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g"})
@Threads(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class KafkaProcessorBenchmark {

    static final String EVENTS = "shop-events";
    static final String ACTIONS = "waymark-actions";
    static final Instant START = Instant.parse("2026-11-20T10:00:00Z");
    static final int BATCH = 200;

    /** A custom rule that keeps contacts tagged {@code ticking} due at every minute, and emits nothing. */
    static final String TICK = """
            package bench.rules;
            import dev.waymark.Contact;
            import java.time.temporal.ChronoUnit;
            global dev.waymark.drools.RuleContext waymark;
            rule "tick" @dueTimes
            when
                $c : Contact( hasTag("ticking"),
                              waymark.due(this, waymark.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(60)) )
            then
            end
            """;

    static TopologyTestDriver driver(JourneyEngine engine, Path dir, String guarantee, Duration punctuateEvery) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "waymark-bench");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        return new TopologyTestDriver(WaymarkTopology.builder(engine).eventsTopic(EVENTS).actionsTopic(ACTIONS)
                .deadLetterTopic("waymark-dead-letters").punctuateEvery(punctuateEvery)
                .maxDuePerPunctuation(Integer.MAX_VALUE).build(), p, START);
    }

    static Path stateDir() {
        try {
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) ? Files.createTempDirectory(shm, "waymark-bench") : Files.createTempDirectory("waymark-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Events per second through one instance. */
    @State(Scope.Benchmark)
    public static class Stream {
        @Param({"at_least_once", "exactly_once_v2"})
        String guarantee;

        JourneyEngine engine;
        TopologyTestDriver driver;
        TestInputTopic<String, String> in;
        TestOutputTopic<String, String> out;
        Map<String, dev.waymark.ContactState> plainStates;
        long seq;
        Instant eventTime = START;

        @Setup(Level.Trial)
        public void setUp() {
            engine = Waymark.builder().build();
            driver = driver(engine, stateDir(), guarantee, Duration.ofHours(1));
            in = driver.createInputTopic(EVENTS, new StringSerializer(), new StringSerializer());
            out = driver.createOutputTopic(ACTIONS, new StringDeserializer(), new StringDeserializer());
            plainStates = new java.util.HashMap<>();
        }

        /** The next batch: page views, cart adds and campaign sends over 1,000 contacts, fresh ids. */
        List<Event> nextBatch() {
            List<Event> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                long n = seq++;
                String contact = "c-" + (n % 1000);
                eventTime = eventTime.plusMillis(50);
                batch.add(switch ((int) (n % 3)) {
                    case 0 -> new Event("e" + n, contact, "page.viewed", eventTime, Map.of("url", "/p/" + (n % 50)));
                    case 1 -> new Event("e" + n, contact, "cart.item_added", eventTime,
                            Map.of("cartId", "k-" + contact, "sku", "S" + (n % 20), "price", 9.5));
                    default -> new Event("e" + n, contact, "email.sent", eventTime, Map.of("campaignId", "cmp-" + (n % 40)));
                });
            }
            return batch;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            driver.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public int eventsPerSecond(Stream s) {
        for (Event e : s.nextBatch()) {
            s.in.pipeInput(e.contactId(), WaymarkJson.write(e));
        }
        return s.out.readValuesToList().size();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public int eventsPerSecondPlainEngine(Stream s) {
        int actions = 0;
        for (Event e : s.nextBatch()) {
            // the same work without Kafka Streams: parse, receive, evaluate, keep the state
            Event parsed = WaymarkJson.readEvent(WaymarkJson.write(e), 1);
            dev.waymark.ContactState state = s.plainStates.getOrDefault(parsed.contactId(), dev.waymark.ContactState.empty(parsed.contactId()));
            dev.waymark.Evaluation ev = s.engine.evaluate(state, List.of(parsed), parsed.at());
            s.plainStates.put(parsed.contactId(), ev.state());
            actions += ev.actions().size();
        }
        return actions;
    }

    /** A store of {@code contacts} contacts of which {@code due} are due at every minute. */
    @State(Scope.Benchmark)
    public static class Punctuation {
        @Param({"5000"})
        int contacts;

        @Param({"0", "50", "500"})
        int due;

        TopologyTestDriver driver;
        TestOutputTopic<String, String> out;
        Instant clock = START;

        @Setup(Level.Trial)
        public void setUp() {
            JourneyEngine engine = Waymark.builder().rules("tick.drl", TICK).build();
            driver = driver(engine, stateDir(), StreamsConfig.AT_LEAST_ONCE, Duration.ofMinutes(1));
            TestInputTopic<String, String> in = driver.createInputTopic(EVENTS, new StringSerializer(), new StringSerializer());
            out = driver.createOutputTopic(ACTIONS, new StringDeserializer(), new StringDeserializer());
            for (int i = 0; i < contacts; i++) {
                String c = "c-" + i;
                in.pipeInput(c, WaymarkJson.write(new Event("v" + i, c, "page.viewed", START)));
                if (i < due) {
                    in.pipeInput(c, WaymarkJson.write(new Event("t" + i, c, "tag.added", START, Map.of("tag", "ticking"))));
                }
            }
            // settle: the first punctuations take the contacts whose stage was just set (wake-up "now")
            for (int i = 0; i < 3; i++) {
                tick();
            }
            out.readValuesToList();
        }

        void tick() {
            clock = clock.plus(Duration.ofMinutes(1));
            driver.advanceWallClockTime(Duration.ofMinutes(1));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            driver.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Instant punctuation(Punctuation p) {
        p.tick();
        return p.clock;
    }
}
