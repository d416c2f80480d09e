package dev.waymark.examples.cli;

import dev.waymark.examples.storage.AtomicFile;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.store.ContactStore;
import dev.waymark.store.PassSummary;
import dev.waymark.store.StoreException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * {@code run --store} (docs/contact-store.md): receives the events into the store's inbox, runs a due pass at {@code --now}
 * (each batch of contacts committed with its actions in one transaction), then writes the actions committed
 * and not yet written — a killed run's first — to stdout or {@code --out}, and only then marks them written.
 * A run killed at any point loses no event and no action; the next run writes what it committed.
 */
final class StoreRun {
    private final OutputStream stdout;
    private final PrintStream stderr;
    private final Progress progress;
    private final Terminal terminal;

    StoreRun(OutputStream stdout, PrintStream stderr, Progress progress, Terminal terminal) {
        this.stdout = stdout;
        this.stderr = stderr;
        this.progress = progress;
        this.terminal = terminal;
    }

    void run(String location, String source, RunCommand.NumberedEvents lines, CompletableFuture<JourneyEngine> engine,
             Instant now, Path outFile, boolean templates) throws IOException {
        PassSummary pass;
        long written;
        try (ContactStore store = StoreAccess.open(location)) {
            store.receive(source, lines.events(), lines.lines());
            JourneyEngine journeys = EngineSetup.await(engine);
            progress.start(0);
            pass = store.pass(journeys, now, progress::update);
            progress.done();
            written = relay(store, now, outFile);
        } catch (StoreException e) {
            progress.done();
            throw StoreAccess.failure(e);
        }
        RunCommand.reportProblems(stderr, pass.late(), pass.failures(), pass.templateFailures());
        RunCommand.reportLedgerFull(stderr, pass.ledgerFull());
        RunCommand.reportRejected(stderr, pass.rejected());
        long waiting = lines.events().stream().map(Event::at).filter(at -> at.isAfter(now)).count();
        if (waiting > 0) {
            stderr.println("waymark: " + waiting + (waiting == 1 ? " event is" : " events are")
                    + " later than --now: kept in the store until a run reaches them");
        }
        long earlier = written - pass.actions();
        stderr.println("waymark: " + lines.events().size() + " events, " + pass.due() + " contacts due, "
                + written + " actions" + RunCommand.destination(outFile) + (earlier > 0 ? " (" + earlier + " committed by an earlier run)" : "") + ", "
                + lines.errors().size() + " rejected lines, " + pass.failures().size() + " rule failures"
                + (templates ? ", " + pass.templateFailures().size() + " template failures" : "")
                + ", " + pass.late().size() + " late events"
                + (pass.rejected().isEmpty() ? "" : ", " + pass.rejected().size() + " events over a limit"));
        RunCommand.floodHint(stderr, terminal, outFile, written);
    }

    private long relay(ContactStore store, Instant now, Path outFile) throws IOException {
        if (outFile == null) {
            Writer out = new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 16);
            return store.relay(now, new ContactStore.OutboxWriter() {
                @Override
                public void write(String id, String json) throws IOException {
                    out.write(json);
                    out.write('\n');
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                    stdout.flush();
                }
            });
        }
        AtomicFile.Pending file = new AtomicFile(outFile).begin();
        try {
            return store.relay(now, new ContactStore.OutboxWriter() {
                @Override
                public void write(String id, String json) throws IOException {
                    file.writer().write(json);
                    file.writer().write('\n');
                }

                @Override
                public void flush() throws IOException {
                    file.commit(); // in place before the actions are marked written
                }
            });
        } catch (IOException | RuntimeException e) {
            file.abort(e);
            throw e;
        }
    }
}
