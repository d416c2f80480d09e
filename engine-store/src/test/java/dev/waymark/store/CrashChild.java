package dev.waymark.store;

import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * The process {@link CrashTest} kills: receives a fixed history into the store at {@code args[0]} (again on
 * every start: receiving is idempotent), runs a due pass and relays the outbox. Prints {@code READY} once
 * the engine is built, {@code BATCH n} after each committed batch and {@code A <json>} for each action
 * relayed, flushing each line, so the test can kill it at a known point.
 */
public final class CrashChild {
    static final int CONTACTS = 2_000;
    static final Instant NOW = Histories.START.plus(Duration.ofDays(25));

    private CrashChild() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        JourneyEngine engine = Waymark.builder().build();
        try (ContactStore store = ContactStore.open(args[0], StoreOptions.defaults().withBatchSize(100).withParallelism(1))) {
            out.println("READY");
            out.flush();
            store.receive(Histories.shop(42, CONTACTS, 4, 20));
            store.pass(engine, NOW, (done, due) -> {
                out.println("BATCH " + (done + 99) / 100);
                out.flush();
            });
            store.relay(NOW, new ContactStore.OutboxWriter() {
                @Override
                public void write(String id, String json) {
                    out.println("A " + json);
                }

                @Override
                public void flush() {
                    out.flush();
                }
            });
        }
        out.println("DONE");
        out.flush();
    }
}
