package dev.waymark.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Event;
import dev.waymark.json.WaymarkJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Figures on a real broker (not a test of behaviour; tag {@code measure}, run with
 * {@code mvn -B -pl engine-kafka-streams -am verify -Pbroker -Dbroker.groups=measure -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}). The application runs in a JVM of its own ({@link StreamsMain},
 * {@code -Xmx2g}, one stream thread, Streams' defaults otherwise: commit every 100 ms under exactly-once, 30 s
 * under at-least-once; state on disk); the broker, producer and consumer run in this JVM, on the same machine.
 * <ul>
 *   <li><b>throughput</b>: the instance reads a backlog of a shop's events (5,000 contacts, the mix of
 *       {@link ShopTraffic}, about 4 events per contact, 4 partitions: "cold", JIT warm-up included), then a
 *       second backlog of 10,000 other contacts produced at once ("warm": from when it is all in the topic and
 *       10 % of it is read, to 90 %). Events per
 *       second from the instance's own {@code events-total} metric;</li>
 *   <li><b>latency</b>: then, caught up, it gets new contacts' subscriptions at a steady 200 per second; from
 *       each send to the arrival of the contact's first action (its welcome email) at a read_committed
 *       consumer: p50, p99, max.</li>
 * </ul>
 * Figures go to the log and to {@code target/broker-measure.txt}.
 */
@Tag("measure")
class MeasureBrokerIT extends BrokerTestSupport {

    private static final Logger LOG = LoggerFactory.getLogger("dev.waymark.kafka.test");
    static final int CONTACTS = 10_000;
    static final int LATENCY_EVENTS = 3_000;
    static final int LATENCY_RATE = 200;

    static final List<String> REPORT = new ArrayList<>();

    @AfterAll
    static void writeReport() throws Exception {
        Files.write(Path.of("target", "broker-measure.txt"), REPORT, StandardCharsets.UTF_8);
    }

    @Test
    void exactlyOnce(@TempDir Path stateDir) throws Exception {
        measure(StreamsConfig.EXACTLY_ONCE_V2, stateDir);
    }

    @Test
    void atLeastOnce(@TempDir Path stateDir) throws Exception {
        measure(StreamsConfig.AT_LEAST_ONCE, stateDir);
    }

    private void measure(String guarantee, Path stateDir) throws Exception {
        String app = "measure-" + guarantee.replace('_', '-');
        String events = app + "-events";
        String actions = app + "-actions";
        broker.createTopics(4, events, actions, app + "-dead-letters");
        List<Map.Entry<String, String>> warmUp = ShopTraffic.records(ShopTraffic.contacts(4L, CONTACTS / 2, Instant.now()));
        broker.produce(events, warmUp);
        Map<String, String> o = new LinkedHashMap<>();
        o.put("bootstrap", broker.bootstrapServers());
        o.put("app", app);
        o.put("state-dir", stateDir.toString());
        o.put("guarantee", guarantee);
        o.put("events", events);
        o.put("actions", actions);
        o.put("dead-letters", app + "-dead-letters");
        o.put("report-ms", "100");
        try (StreamsProcess p = StreamsProcess.start(app, CrashBrokerIT.LOGS, o, List.of("-Xmx2g"))) {
            // A cold start: the first backlog, JIT warm-up included.
            awaitEvents(p, warmUp.size());
            List<long[]> r = reports(p);
            long[] start = firstAtLeast(r, 1);
            long[] end = firstAtLeast(r, warmUp.size());
            double cold = (end[0] - start[0]) * 1000.0 / (end[1] - start[1]);
            // Warm: another backlog, new contacts, produced at once; from 10 % to 90 % of it.
            List<Map.Entry<String, String>> backlog = ShopTraffic.records(ShopTraffic.contacts(3L, CONTACTS, Instant.now()));
            long producing = System.currentTimeMillis();
            broker.produce(events, backlog);
            long produced = System.currentTimeMillis();
            long total = warmUp.size() + backlog.size();
            awaitEvents(p, total);
            r = reports(p);
            // from when the whole backlog is in the topic (so the producer does not set the pace) and 10 % is read
            long[] from = r.stream().filter(e -> e[1] >= produced && e[0] >= warmUp.size() + backlog.size() / 10)
                    .findFirst().orElseThrow();
            long[] to = firstAtLeast(r, warmUp.size() + backlog.size() * 9 / 10);
            assertThat(to[0] - from[0]).as("events measured").isGreaterThan(backlog.size() / 2);
            String throughput = String.format("%s: %.0f events/s warm (%d of %d events of %d contacts, produced in "
                            + "%d ms before); %.0f events/s cold (the first %d events, from the first one)", guarantee,
                    (to[0] - from[0]) * 1000.0 / (to[1] - from[1]), to[0] - from[0], backlog.size(), CONTACTS,
                    produced - producing, cold, warmUp.size());
            LOG.info(throughput);
            REPORT.add(throughput);
            Broker.await(Duration.ofSeconds(90), "offsets committed", () -> broker.caughtUp(app, events));

            List<Long> latencies = latencies(events, actions, guarantee);
            String latency = String.format("%s: event to action, %d new contacts at %d/s: p50 %d ms, p99 %d ms, max %d ms",
                    guarantee, latencies.size(), LATENCY_RATE, latencies.get(latencies.size() / 2),
                    latencies.get(latencies.size() * 99 / 100), latencies.get(latencies.size() - 1));
            LOG.info(latency);
            REPORT.add(latency);
            p.stop();
        }
    }

    /** New contacts subscribe at a steady rate; each gets a welcome email at once. Sorted latencies, ms. */
    private static List<Long> latencies(String events, String actions, String guarantee) throws Exception {
        Map<String, Long> sentAt = new HashMap<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            try (KafkaProducer<String, String> p = broker.producer()) {
                long start = System.nanoTime();
                for (int i = 0; i < LATENCY_EVENTS; i++) {
                    long wait = start + i * 1_000_000_000L / LATENCY_RATE - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    String c = "new-" + guarantee + "-" + i;
                    String json = WaymarkJson.write(new Event("s-" + i, c, "subscribed", Instant.now(),
                            Map.of("channel", "email")));
                    synchronized (sentAt) {
                        sentAt.put(c, System.currentTimeMillis());
                    }
                    p.send(new ProducerRecord<>(events, c, json));
                }
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "latency-producer");
        List<Long> latencies = new ArrayList<>();
        try (Tail tail = new Tail(broker, actions, true)) {
            int seen = broker.readAll(actions, true).size();
            while (tail.poll() < seen) {
                Thread.onSpinWait(); // skip the backlog's actions
            }
            int from = tail.records.size();
            producer.start();
            Map<String, Long> firstArrival = new HashMap<>();
            long until = System.currentTimeMillis() + LATENCY_EVENTS * 1000L / LATENCY_RATE + 30_000;
            while (firstArrival.size() < LATENCY_EVENTS && System.currentTimeMillis() < until) {
                tail.poll(Duration.ofMillis(20));
                for (int i = from; i < tail.records.size(); i++) {
                    String c = tail.records.get(i).key();
                    if (c.startsWith("new-")) {
                        firstArrival.putIfAbsent(c, tail.arrivals.get(i));
                    }
                }
                from = tail.records.size();
            }
            producer.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(failure.get()).isNull();
            synchronized (sentAt) {
                firstArrival.forEach((c, at) -> latencies.add(at - sentAt.get(c)));
            }
        }
        assertThat(latencies).hasSize(LATENCY_EVENTS);
        latencies.sort(null);
        return latencies;
    }

    private static void awaitEvents(StreamsProcess p, long count) throws InterruptedException {
        Broker.await(Duration.ofMinutes(5), count + " events read", () -> {
            p.running();
            List<long[]> r = reports(p);
            return !r.isEmpty() && r.get(r.size() - 1)[0] >= count;
        });
    }

    /** The instance's {@code EVENTS <count> <epoch ms>} reports so far. */
    private static List<long[]> reports(StreamsProcess p) {
        List<long[]> out = new ArrayList<>();
        for (String l : p.lines()) {
            if (l.startsWith("EVENTS ")) {
                String[] f = l.split(" ");
                out.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return out;
    }

    private static long[] firstAtLeast(List<long[]> reports, long count) {
        return reports.stream().filter(r -> r[0] >= count).findFirst().orElseThrow();
    }
}
