package dev.waymark.kafka;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import dev.waymark.drools.contract.EngineContract;
import dev.waymark.drools.contract.ShopHistories;
import dev.waymark.drools.contract.ShopHistory.Tick;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The engine contract run by the Kafka Streams processor: events through the topology as records, each tick
 * a move of the wall clock that lets the due-time punctuation evaluate the contacts whose wake-up has come.
 * The processor must give the reference's actions and wake-ups, and never an action twice.
 */
class KafkaProcessorContractTest extends EngineContract {

    @Override
    protected EngineUnderTest engine(Settings settings) {
        var engine = Waymark.builder().settings(settings).build();
        return (states, ticks) -> {
            Path dir = tempDir();
            List<TickOutcome> outcomes = new ArrayList<>();
            // The punctuation runs every minute of wall-clock time; ticks are at least 90 minutes apart, so
            // moving the clock to a tick runs it once, at the tick.
            try (Harness h = new Harness(engine, dir, ShopHistories.START, Duration.ofMinutes(1))) {
                for (Tick tick : ticks) {
                    h.advanceTo(tick.at());
                    for (Event e : tick.arrivals()) {
                        h.send(e);
                    }
                    List<Action> actions = h.actions();
                    outcomes.add(new TickOutcome(actions, held(h)));
                }
            } finally {
                delete(dir);
            }
            return outcomes;
        };
    }

    private static Map<String, ContactState> held(Harness h) {
        Map<String, ContactState> states = new TreeMap<>();
        try (KeyValueIterator<String, ContactState> it = h.contacts().all()) {
            while (it.hasNext()) {
                KeyValue<String, ContactState> kv = it.next();
                states.put(kv.key, kv.value);
            }
        }
        return states;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("waymark-contract-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
