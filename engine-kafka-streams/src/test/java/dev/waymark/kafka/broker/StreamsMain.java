package dev.waymark.kafka.broker;

import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import dev.waymark.json.WaymarkJson;
import dev.waymark.kafka.WaymarkTopology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * The Waymark topology as a service of its own, for the broker tests to run in a separate JVM and kill. Options
 * ({@code --name value}): {@code bootstrap}, {@code app}, {@code state-dir}, {@code guarantee}
 * ({@code exactly_once_v2} or {@code at_least_once}), {@code commit-ms}, {@code punctuate-ms}, {@code cache-bytes},
 * {@code linger-ms} (the producer's), {@code standbys}, {@code session-timeout-ms}, {@code report-ms} (print
 * {@code EVENTS <events read> <epoch ms>} this often), {@code rules} (a DRL file, optional), {@code settings} (a
 * settings JSON file, optional), and the topics {@code events}, {@code actions}, {@code dead-letters}.
 *
 * <p>It prints {@code STATE <new state>} on every state change and {@code TASKS <active task ids>} when it is
 * running, so the test knows what it is doing; it closes cleanly on SIGTERM and not at all on SIGKILL.
 */
public final class StreamsMain {

    private StreamsMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        Waymark.Builder builder = Waymark.builder();
        if (o.containsKey("settings")) {
            builder.settings(WaymarkJson.readSettings(Files.readString(Path.of(o.get("settings")), StandardCharsets.UTF_8)));
        }
        if (o.containsKey("rules")) {
            builder.rules(Path.of(o.get("rules")));
        }
        JourneyEngine engine = builder.build();
        WaymarkTopology.Builder topology = WaymarkTopology.builder(engine)
                .eventsTopic(o.get("events")).actionsTopic(o.get("actions")).deadLetterTopic(o.get("dead-letters"))
                .punctuateEvery(Duration.ofMillis(Long.parseLong(o.getOrDefault("punctuate-ms", "1000"))));
        KafkaStreams streams = new KafkaStreams(topology.build(), config(o));
        streams.setUncaughtExceptionHandler(e -> {
            System.out.println("FATAL " + e);
            e.printStackTrace(System.out);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            System.out.println("STATE " + now);
            if (now == KafkaStreams.State.RUNNING) {
                TreeSet<String> tasks = new TreeSet<>();
                for (ThreadMetadata t : streams.metadataForLocalThreads()) {
                    t.activeTasks().forEach(task -> tasks.add(task.taskId().toString()));
                }
                System.out.println("TASKS " + String.join(",", tasks));
            }
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close(Duration.ofSeconds(20));
            stopped.countDown();
        }, "streams-main-shutdown"));
        streams.start();
        if (o.containsKey("report-ms")) {
            long every = Long.parseLong(o.get("report-ms"));
            Thread reporter = new Thread(() -> {
                try {
                    while (true) {
                        System.out.println("EVENTS " + (long) eventsTotal(streams) + " " + System.currentTimeMillis());
                        Thread.sleep(every);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "streams-main-reporter");
            reporter.setDaemon(true);
            reporter.start();
        }
        stopped.await();
    }

    /** The processor's {@code events-total} metric, summed over the tasks of this instance. */
    static double eventsTotal(KafkaStreams streams) {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> m : streams.metrics().entrySet()) {
            if (m.getKey().group().equals("stream-waymark-metrics") && m.getKey().name().equals("events-total")) {
                sum += ((Number) m.getValue().metricValue()).doubleValue();
            }
        }
        return sum;
    }

    /** The Kafka Streams configuration: Streams' defaults, except what the options set. */
    static Properties config(Map<String, String> o) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, o.get("app"));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, o.get("bootstrap"));
        p.put(StreamsConfig.STATE_DIR_CONFIG, o.get("state-dir"));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, o.getOrDefault("guarantee", StreamsConfig.EXACTLY_ONCE_V2));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, Integer.parseInt(o.getOrDefault("standbys", "0")));
        if (o.containsKey("commit-ms")) {
            p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.parseLong(o.get("commit-ms")));
        }
        if (o.containsKey("cache-bytes")) {
            p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.parseLong(o.get("cache-bytes")));
        }
        if (o.containsKey("linger-ms")) {
            p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), Integer.parseInt(o.get("linger-ms")));
        }
        if (o.containsKey("session-timeout-ms")) {
            int session = Integer.parseInt(o.get("session-timeout-ms"));
            p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), session);
            p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), session / 4);
        }
        return p;
    }
}
