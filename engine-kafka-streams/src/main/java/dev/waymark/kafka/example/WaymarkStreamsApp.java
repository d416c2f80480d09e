package dev.waymark.kafka.example;

import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import dev.waymark.json.WaymarkJson;
import dev.waymark.kafka.WaymarkTopology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * A runnable Waymark service on Kafka Streams: reads shop events, writes actions, exactly once.
 *
 * <pre>
 * java -cp ... dev.waymark.kafka.example.WaymarkStreamsApp \
 *     --bootstrap-servers kafka-1:9092,kafka-2:9092 \
 *     --application-id waymark-shop \
 *     --events-topic shop-events --actions-topic waymark-actions --dead-letter-topic waymark-dead-letters \
 *     [--settings waymark.json] [--rules back-in-stock.drl ...] [--state-dir /var/lib/waymark] \
 *     [--threads 2] [--punctuate-seconds 10]
 * </pre>
 *
 * Each option may instead come from the environment: {@code --events-topic} from {@code WAYMARK_EVENTS_TOPIC},
 * and so on (upper case, dashes as underscores, prefix {@code WAYMARK_}); an argument wins over the
 * environment. The topics must exist (the events topic keyed by contactId); Kafka Streams creates its own
 * changelog topics. Run several instances with the same application id to share the partitions.
 *
 * <p>An example, not a library type: it prints to standard error and exits 2 on bad usage.
 */
public final class WaymarkStreamsApp {

    private WaymarkStreamsApp() {
    }

    /** Starts the service and runs until the JVM is asked to stop (Ctrl-C, SIGTERM). */
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("waymark-streams: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }

        // Build the engine once: compiling the rules takes about a second, and the engine is shared by every
        // stream thread (it is immutable and thread-safe).
        Waymark.Builder engineBuilder = Waymark.builder().settings(options.settings());
        for (Path drl : options.rules()) {
            engineBuilder.rules(drl);
        }
        JourneyEngine engine = engineBuilder.build();

        Topology topology = WaymarkTopology.builder(engine)
                .eventsTopic(options.get("events-topic"))
                .actionsTopic(options.get("actions-topic"))
                .deadLetterTopic(options.get("dead-letter-topic"))
                .punctuateEvery(Duration.ofSeconds(Long.parseLong(options.get("punctuate-seconds"))))
                .build();

        KafkaStreams streams = new KafkaStreams(topology, streamsConfig(options));
        // A throwing stream thread means a bug or a broken store: stop this instance rather than loop on it.
        // (Bad records and rule failures never get here: they go to the dead-letter topic.)
        streams.setUncaughtExceptionHandler(e -> StreamThreadExceptionResponse.SHUTDOWN_CLIENT);

        CountDownLatch stopped = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            System.err.println("waymark-streams: " + before + " -> " + now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // A clean close commits the last transaction and writes the store checkpoints, so the next start
            // need not restore from the changelogs.
            streams.close(Duration.ofSeconds(30));
            stopped.countDown();
        }, "waymark-streams-shutdown"));

        System.err.println(topology.describe());
        streams.start();
        stopped.await();
    }

    /** The Kafka Streams configuration of the example. */
    static Properties streamsConfig(Options options) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, options.get("application-id"));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, options.get("bootstrap-servers"));
        // Exactly once: store changelog writes, produced actions and consumed offsets commit in one
        // transaction, so a crash and restart neither repeats nor loses an action. Needs brokers >= 2.5.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // (Streams reads its input read_committed by itself under exactly-once; the consumers of the actions
        // topic must set isolation.level=read_committed too, or they may see actions of aborted transactions.)
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(options.get("threads")));
        p.put(StreamsConfig.STATE_DIR_CONFIG, options.get("state-dir"));
        // A warm copy of each task's stores on another instance makes fail-over fast (no full restore).
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
        // Changelog and internal topics replicated like any topic whose loss would resend actions.
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Integer.parseInt(options.get("replication-factor")));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return p;
    }

    /** Command-line options with environment fallbacks and defaults. */
    record Options(Map<String, String> values, List<Path> rules) {

        static final String USAGE = """
                usage: WaymarkStreamsApp --events-topic T --actions-topic T --dead-letter-topic T
                         [--bootstrap-servers H:P,...] [--application-id ID] [--settings FILE]
                         [--rules FILE.drl ...] [--state-dir DIR] [--threads N] [--punctuate-seconds S]
                         [--replication-factor N]
                every option may come from the environment instead, e.g. WAYMARK_EVENTS_TOPIC""";

        private static final Map<String, String> DEFAULTS = Map.of(
                "bootstrap-servers", "localhost:9092",
                "application-id", "waymark",
                "state-dir", System.getProperty("java.io.tmpdir") + "/waymark-streams",
                "threads", "1",
                "punctuate-seconds", "10",
                "replication-factor", "-1"); // -1: the brokers' default.replication.factor

        private static final List<String> KNOWN = List.of("bootstrap-servers", "application-id", "events-topic",
                "actions-topic", "dead-letter-topic", "settings", "rules", "state-dir", "threads",
                "punctuate-seconds", "replication-factor");

        static Options parse(String[] args, Map<String, String> env) {
            Map<String, String> values = new HashMap<>(DEFAULTS);
            for (String name : KNOWN) {
                String fromEnv = env.get("WAYMARK_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
                if (fromEnv != null && !fromEnv.isBlank()) {
                    values.put(name, fromEnv);
                }
            }
            List<Path> rules = new ArrayList<>();
            if (values.containsKey("rules")) {
                for (String f : values.get("rules").split(",")) {
                    rules.add(Path.of(f.trim()));
                }
            }
            boolean rulesFromArgs = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--") || !KNOWN.contains(a.substring(2))) {
                    throw new IllegalArgumentException("unknown argument " + a);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String name = a.substring(2);
                String value = args[++i];
                if (name.equals("rules")) {
                    if (!rulesFromArgs) {
                        rules.clear();
                        rulesFromArgs = true;
                    }
                    rules.add(Path.of(value));
                } else {
                    values.put(name, value);
                }
            }
            for (String required : List.of("events-topic", "actions-topic", "dead-letter-topic")) {
                if (!values.containsKey(required)) {
                    throw new IllegalArgumentException("--" + required + " is required");
                }
            }
            for (String number : List.of("threads", "punctuate-seconds", "replication-factor")) {
                try {
                    Integer.parseInt(values.get(number));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--" + number + " must be a whole number, was " + values.get(number));
                }
            }
            return new Options(Map.copyOf(values), List.copyOf(rules));
        }

        String get(String name) {
            return values.get(name);
        }

        Settings settings() throws IOException {
            String file = values.get("settings");
            return file == null ? Settings.defaults()
                    : WaymarkJson.readSettings(Files.readString(Path.of(file), StandardCharsets.UTF_8));
        }
    }
}
