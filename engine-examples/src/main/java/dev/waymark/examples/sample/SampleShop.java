package dev.waymark.examples.sample;

import dev.waymark.Event;
import dev.waymark.examples.sim.Shop;
import dev.waymark.json.WaymarkJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Generates the bundled sample export, {@code samples/shop-events.jsonl}: the event log of the synthetic
 * {@link Shop} for October 2026 up to {@link #EXPORT_AT}, as a shop with no journey engine yet would have
 * it, plus the order history its existing customers brought from before. Run once and committed; the
 * output depends only on the constants here, so running it again gives the same file.
 *
 * <pre>{@code
 * mvn -pl engine-examples -q exec:java     # writes engine-examples/samples/shop-events.jsonl
 * }</pre>
 */
public final class SampleShop {
    private SampleShop() {
    }

    /** Where the export's month starts. */
    public static final Instant START = Instant.parse("2026-10-01T00:00:00Z");
    /** When the export was taken: the {@code --now} for the README's run. Later events are not in it. */
    public static final Instant EXPORT_AT = Instant.parse("2026-10-31T12:00:00Z");
    /** How many people the export covers. */
    public static final int CONTACTS = 2_500;
    /** The export's seed. */
    public static final long SEED = 20_261_031L;

    /** Writes the export to the path in {@code args[0]} (default {@code samples/shop-events.jsonl}). */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "samples/shop-events.jsonl");
        List<Event> events = generate();
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (Event e : events) {
                w.write(WaymarkJson.write(e));
                w.write('\n');
            }
        }
        System.out.println("wrote " + events.size() + " events of " + CONTACTS + " contacts to " + out);
    }

    /** The export's events, in time order (ties in the order the shop emitted them). */
    public static List<Event> generate() {
        List<Event> events = new ArrayList<>();
        int hours = (int) Duration.between(START, EXPORT_AT).toHours();
        Shop shop = new Shop(new Shop.Config(CONTACTS, START, hours, 0.3, Duration.ofHours(4)), SEED, events::add);
        shop.openHistory();
        for (int h = 0; h < hours; h++) {
            shop.step(START.plus(Duration.ofHours(h)));
        }
        // The export is taken at EXPORT_AT: a visit still going on then is cut off there.
        events.removeIf(e -> !e.at().isBefore(EXPORT_AT));
        events.sort(Comparator.comparing(Event::at)); // stable: ties keep the shop's order
        return events;
    }
}
