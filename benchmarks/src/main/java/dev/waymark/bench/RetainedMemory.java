package dev.waymark.bench;

import dev.waymark.internal.Conversions;

import dev.waymark.Contact;
import dev.waymark.ContactState;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import dev.waymark.json.WaymarkJson;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * How many bytes does the host keep per contact? Builds the {@link Dataset}'s states for {@code N} contacts,
 * holds them, and measures the heap after full garbage collections with and without them: the difference
 * divided by {@code N} is the retained size of one state, everything it references included (strings, instants,
 * collections). It then drops parts of the states to split that figure into the {@link Contact} facts, their
 * ledger, and the state's own bookkeeping (pending events, remembered event ids), and reports the serialized
 * size (the JSON a host would persist) as a secondary figure.
 *
 * <p>The arrays that hold the states are allocated before the baseline is taken, so they do not count.
 * Measure with a stop-the-world collector, whose {@code System.gc()} is a full, compacting collection:
 *
 * <p>Run: {@code java -XX:+UseSerialGC -Xmx4g -cp benchmarks/target/benchmarks.jar dev.waymark.bench.RetainedMemory
 * [contacts [properties-file]]} (default 100000 contacts). The last line printed is
 * {@code bytes_per_contact=W}; the properties file, if given, gets every figure.
 */
public final class RetainedMemory {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private RetainedMemory() {
    }

    /** Measures and prints; see the class comment. */
    public static void main(String[] args) throws IOException, InterruptedException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path out = args.length > 1 ? Path.of(args[1]) : null;
        int parallelism = Runtime.getRuntime().availableProcessors();
        JourneyEngine engine = Waymark.builder().settings(Settings.defaults()).build();
        // Class loading, Drools' session pool and lazily built caches belong to the engine, not to the states:
        // build a smaller base first so they exist before the baseline.
        Dataset.states(engine, 5_000, Dataset.SEED, parallelism);

        ContactState[] states = new ContactState[n];
        Contact[] contacts = new Contact[n];
        long base = usedAfterGc();
        List<ContactState> built = Dataset.states(engine, n, Dataset.SEED, parallelism);
        for (int i = 0; i < n; i++) {
            states[i] = built.get(i);
        }
        built = null;
        long full = usedAfterGc() - base;

        long ledger = 0;
        long seen = 0;
        long pending = 0;
        long eventTypes = 0;
        long json = 0;
        for (ContactState s : states) {
            ledger += s.contact().ledger().size();
            seen += s.seenEventIds().size();
            pending += s.pending().size();
            eventTypes += s.contact().eventCounts().size();
            json += WaymarkJson.write(s).getBytes(StandardCharsets.UTF_8).length;
        }

        for (int i = 0; i < n; i++) {
            contacts[i] = states[i].contact();
        }
        Arrays.fill(states, null);
        long contactOnly = usedAfterGc() - base;

        for (int i = 0; i < n; i++) {
            contacts[i] = withoutLedger(contacts[i]);
        }
        long noLedger = usedAfterGc() - base;

        long perState = Math.round((double) full / n);
        Properties p = new Properties();
        p.setProperty("contacts", Integer.toString(n));
        p.setProperty("bytes_per_contact", Long.toString(perState));
        p.setProperty("contact_bytes", Long.toString(Math.round((double) contactOnly / n)));
        p.setProperty("ledger_bytes", Long.toString(Math.round((double) (contactOnly - noLedger) / n)));
        p.setProperty("state_bookkeeping_bytes", Long.toString(Math.round((double) (full - contactOnly) / n)));
        p.setProperty("json_bytes", Long.toString(Math.round((double) json / n)));
        p.setProperty("avg_ledger_entries", String.format("%.2f", (double) ledger / n));
        p.setProperty("avg_remembered_event_ids", String.format("%.2f", (double) seen / n));
        p.setProperty("avg_pending_events", String.format("%.2f", (double) pending / n));
        p.setProperty("avg_event_types", String.format("%.2f", (double) eventTypes / n));

        System.out.printf("%d contact states retain %.1f MiB: %d bytes per contact (JVM %s, %s, max heap %d MiB)%n",
                n, full / 1048576.0, perState, System.getProperty("java.vm.version"),
                ManagementFactory.getGarbageCollectorMXBeans().get(0).getName(), Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("  Contact facts         %6s bytes (of which the ledger %s bytes, %s entries on average)%n",
                p.getProperty("contact_bytes"), p.getProperty("ledger_bytes"), p.getProperty("avg_ledger_entries"));
        System.out.printf("  state bookkeeping     %6s bytes (%s remembered event ids, %s pending events on average)%n",
                p.getProperty("state_bookkeeping_bytes"), p.getProperty("avg_remembered_event_ids"),
                p.getProperty("avg_pending_events"));
        System.out.printf("  serialized (JSON)     %6s bytes%n", p.getProperty("json_bytes"));
        if (out != null) {
            try (OutputStream o = Files.newOutputStream(out)) {
                p.store(o, "RetainedMemory: bytes per contact state");
            }
        }
        System.out.println("bytes_per_contact=" + perState);
    }

    private static Contact withoutLedger(Contact c) {
        return new Contact(c.id(), c.attributes(), c.attributeTimes(), c.tags(), c.tagTimes(), c.stage(), c.consents(),
                c.firstSeen(), c.lastSeen(), c.orderCount(), c.totalSpent(), c.firstOrderAt(), c.lastOrderAt(),
                c.categories(), c.recentOrders(), c.openCarts(), c.closedCarts(), c.campaignsSent(),
                c.unopenedCampaigns(), c.lastEngagementAt(), c.eventCounts(), c.reviews(), c.reviewTimes(), c.positiveReview(), List.of(),
                Conversions.NONE, c.journeys(), c.lateBefore(), c.closedCartOrders(), c.cartMarks());
    }

    /** Heap in use after full collections (the least of a few, so a concurrent allocation does not count). */
    private static long usedAfterGc() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            least = Math.min(least, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
