package dev.waymark.examples.host;

import dev.waymark.examples.storage.InMemoryContactStore;
import dev.waymark.BulkSummary;
import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import dev.waymark.examples.sim.Shop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small host program embedding Waymark, the way a shop backend would:
 * <ol>
 *   <li>build the engine once at start-up (standard rules plus the shop's own {@code back-in-stock} rule);</li>
 *   <li>restore the contacts' states saved by the previous run;</li>
 *   <li>receive events as they arrive (here a feed from the synthetic shop, every 15 minutes);</li>
 *   <li>evaluate the contacts with something due on a schedule (every hour) and hand the actions to a sink
 *       (a mailer stand-in that logs through SLF4J);</li>
 *   <li>save the states after every evaluation, atomically.</li>
 * </ol>
 * Halfway it "restarts": it drops everything in memory and restores from the saved file, then goes on
 * with no action repeated. It also delivers one batch of events twice, as an at-least-once queue may, to
 * show that ingest is idempotent. A simulated clock drives the schedule so the example ends in seconds; a
 * real host would run the same loop on a timer.
 *
 * <pre>{@code
 * java -cp engine-examples/target/waymark.jar dev.waymark.examples.host.ShopHost [STATE_FILE]
 * }</pre>
 * The state goes to {@code STATE_FILE} (kept afterwards, to look at) or to a temporary file removed at the
 * end. The demo feed always starts from an empty shop, so an existing {@code STATE_FILE} is refused rather
 * than mixed with it.
 */
public final class ShopHost {

    private static final Logger LOG = LoggerFactory.getLogger(ShopHost.class);

    /** The shop's custom rule, bundled in the jar (its source is samples/back-in-stock.drl). */
    static final String BACK_IN_STOCK = "dev/waymark/examples/rules/back-in-stock.drl";

    private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");
    private static final int DAYS = 3;
    private static final int CONTACTS = 60;

    private ShopHost() {
    }

    /** Runs the example; {@code args[0]}, if given, is the state file to restore from and save to. */
    public static void main(String[] args) throws IOException {
        boolean temporary = args.length == 0;
        Path stateFile = temporary ? Files.createTempFile("waymark-shophost-", ".state.jsonl") : Path.of(args[0]);
        if (!temporary && Files.exists(stateFile)) {
            LOG.error("{} already exists: the demo starts from an empty shop; name a new file", stateFile);
            System.exit(2);
        }
        try {
            Outcome outcome = run(stateFile);
            LOG.info("done: {} actions handed to the mailer; state in {}", outcome.actions(),
                    temporary ? "a temporary file (removed)" : stateFile);
        } finally {
            if (temporary) {
                Files.deleteIfExists(stateFile);
            }
        }
    }

    /**
     * What a run of the example did.
     *
     * @param actions         actions handed to the mailer in all
     * @param afterRedelivery actions that the redelivered batch caused (none: ingest is idempotent)
     */
    record Outcome(int actions, int afterRedelivery) {
    }

    /** Runs the host loop over the demo feed, saving to and restoring from {@code stateFile}. */
    static Outcome run(Path stateFile) throws IOException {
        // 1. Build once: compiling rules takes a moment; the engine is immutable and thread-safe afterwards.
        JourneyEngine engine = Waymark.builder().rulesFromClasspath(BACK_IN_STOCK).build();
        LOG.info("engine built with rules {}", engine.ruleIds());

        LoggingMailer mailer = new LoggingMailer();
        InMemoryContactStore store = InMemoryContactStore.restore(stateFile);
        LOG.info("restored {} contacts from {}", store.size(), stateFile);

        List<Event> feed = demoFeed();
        int next = 0;
        int afterRedelivery = -1;
        List<Event> lastBatch = List.of();
        Instant end = START.plus(Duration.ofDays(DAYS));
        for (Instant tick = START; !tick.isAfter(end); tick = tick.plus(Duration.ofMinutes(15))) {
            // Events arrive: everything the shop produced up to this tick.
            List<Event> batch = new ArrayList<>();
            while (next < feed.size() && !feed.get(next).at().isAfter(tick)) {
                batch.add(feed.get(next++));
            }
            store.receive(batch);
            if (!batch.isEmpty()) {
                lastBatch = batch;
            }

            // Every hour: evaluate what is due and hand the actions on.
            if (tick.getEpochSecond() % 3600 == 0) {
                evaluate(engine, store, tick, mailer);
                store.save(stateFile);
            }

            // Halfway: a restart. Nothing survives but the saved file, and that is enough.
            if (tick.equals(START.plus(Duration.ofDays(DAYS).dividedBy(2)))) {
                store = InMemoryContactStore.restore(stateFile);
                LOG.info("restarted at {}: restored {} contacts", tick, store.size());
                // The queue redelivers the last batch: the states already know those event ids.
                store.receive(lastBatch);
                int before = mailer.total();
                evaluate(engine, store, tick, mailer);
                afterRedelivery = mailer.total() - before;
                LOG.info("redelivered {} events after the restart: {} new actions", lastBatch.size(), afterRedelivery);
            }
        }
        mailer.counts().forEach((ruleAndType, n) -> LOG.info("  {} x {}", n, ruleAndType));
        return new Outcome(mailer.total(), afterRedelivery);
    }

    private static void evaluate(JourneyEngine engine, InMemoryContactStore store, Instant now, ActionSink sink) {
        List<ContactState> due = store.due(now);
        if (due.isEmpty()) {
            return;
        }
        // The sink runs on this thread, in contact order: no locking needed.
        BulkSummary summary = engine.evaluateAll(due, now, ev -> {
            store.update(ev.state());
            ev.actions().forEach(sink::deliver);
        }, 1);
        if (!summary.failures().isEmpty()) {
            summary.failures().forEach(f -> LOG.warn("rule failure, retried next time: {}", f));
        }
    }

    /** What the shop's event bus delivers: a few dozen shoppers over three days, with their history first. */
    static List<Event> demoFeed() {
        List<Event> events = new ArrayList<>();
        Shop shop = new Shop(new Shop.Config(CONTACTS, START, DAYS * 24, 0.3, Duration.ofHours(4)), 7L, events::add);
        shop.openHistory();
        for (int h = 0; h < DAYS * 24; h++) {
            shop.step(START.plus(Duration.ofHours(h)));
        }
        events.sort(Comparator.comparing(Event::at));
        return events;
    }
}
