package dev.waymark.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Event;
import dev.waymark.drools.Waymark;
import dev.waymark.json.WaymarkJson;
import dev.waymark.kafka.WaymarkTopology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Figures on a real broker (not a test of behaviour; tag {@code measure}, run with
 * {@code mvn -B -pl engine-kafka-streams -am verify -Pbroker -Dbroker.groups=measure}):
 * <ul>
 *   <li><b>throughput</b>: one instance with one stream thread reads a backlog of a shop's events (10,000
 *       contacts, the mix of {@link ShopTraffic}, about 4 events per contact, 4 partitions); events per second
 *       from its first event to its last, for exactly_once_v2 and at_least_once with Streams' defaults
 *       otherwise (commit every 100 ms and 30 s), state on disk;</li>
 *   <li><b>latency</b>: then, caught up, it gets new contacts' subscriptions at a steady 200 per second; from
 *       each send to the arrival of the contact's first action (its welcome email) at a read_committed
 *       consumer: p50, p99, max.</li>
 * </ul>
 * Broker, application, producer and consumer share this JVM and the machine's cores. Figures go to the log
 * and to {@code target/broker-measure.txt}.
 */
@Tag("measure")
class MeasureBrokerIT {

    private static final Logger LOG = LoggerFactory.getLogger("dev.waymark.kafka.test");
    static final int CONTACTS = 10_000;
    static final int LATENCY_EVENTS = 2_000;
    static final int LATENCY_RATE = 200;

    @TempDir
    static Path brokerDir;
    static Broker broker;
    static final List<String> REPORT = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = Broker.start(brokerDir);
        broker.createTopics(4, "measure-events");
        broker.produce("measure-events", ShopTraffic.records(ShopTraffic.contacts(3L, CONTACTS, Instant.now())));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        Files.write(Path.of("target", "broker-measure.txt"), REPORT, StandardCharsets.UTF_8);
        if (broker != null) {
            broker.close();
        }
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
        String actions = app + "-actions";
        String events = "measure-events";
        broker.createTopics(4, actions, app + "-dead-letters");
        int backlog = broker.readAll(events, true).size();
        Map<String, String> o = new HashMap<>();
        o.put("bootstrap", broker.bootstrapServers());
        o.put("app", app);
        o.put("state-dir", stateDir.toString());
        o.put("guarantee", guarantee);
        KafkaStreams streams = new KafkaStreams(WaymarkTopology.builder(Waymark.builder().build()).eventsTopic(events)
                .actionsTopic(actions).deadLetterTopic(app + "-dead-letters").build(), StreamsMain.config(o));
        try {
            streams.start();
            long first = 0;
            double done = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (done < backlog) {
                assertThat(System.nanoTime()).as("backlog read within 5 minutes").isLessThan(deadline);
                Thread.sleep(10);
                done = eventsTotal(streams.metrics());
                if (first == 0 && done > 0) {
                    first = System.nanoTime();
                }
            }
            double seconds = (System.nanoTime() - first) / 1e9;
            String throughput = String.format("%s: %d events in %.1f s = %.0f events/s (one instance, one stream thread)",
                    guarantee, backlog, seconds, backlog / seconds);
            LOG.info(throughput);
            REPORT.add(throughput);
            Broker.await(Duration.ofSeconds(60), "offsets committed", () -> broker.caughtUp(app, events));

            // Latency: new contacts subscribe at a steady rate; each gets a welcome email at once.
            Map<String, Long> sentAt = new HashMap<>();
            AtomicReference<Exception> failure = new AtomicReference<>();
            Thread producer = new Thread(() -> {
                try (KafkaProducer<String, String> p = broker.producer()) {
                    long start = System.nanoTime();
                    for (int i = 0; i < LATENCY_EVENTS; i++) {
                        long due = start + i * 1_000_000_000L / LATENCY_RATE;
                        while (System.nanoTime() < due) {
                            Thread.onSpinWait();
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
                producer.join();
                assertThat(failure.get()).isNull();
                synchronized (sentAt) {
                    firstArrival.forEach((c, at) -> latencies.add(at - sentAt.get(c)));
                }
            }
            assertThat(latencies).hasSize(LATENCY_EVENTS);
            latencies.sort(null);
            String latency = String.format("%s: event to action, %d new contacts at %d/s: p50 %d ms, p99 %d ms, max %d ms",
                    guarantee, latencies.size(), LATENCY_RATE, latencies.get(latencies.size() / 2),
                    latencies.get(latencies.size() * 99 / 100), latencies.get(latencies.size() - 1));
            LOG.info(latency);
            REPORT.add(latency);
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    private static double eventsTotal(Map<MetricName, ? extends Metric> metrics) {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> m : metrics.entrySet()) {
            if (m.getKey().group().equals("stream-waymark-metrics") && m.getKey().name().equals("events-total")) {
                sum += ((Number) m.getValue().metricValue()).doubleValue();
            }
        }
        return sum;
    }
}
