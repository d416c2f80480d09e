package dev.waymark.examples.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress line of a long {@code run} on stderr: contacts evaluated of those due, the rate and the time
 * elapsed, at most once a second. Shown when stderr is a terminal ({@code System.console() != null}), where
 * it rewrites one line, or with {@code --progress}, which prints a line each time. Not thread-safe.
 */
final class Progress {
    private static final long EVERY_NANOS = 1_000_000_000L;

    private final PrintStream stderr;
    private final boolean shown;
    private final boolean rewrite;
    private long started;
    private long last;
    private boolean printed;

    private Progress(PrintStream stderr, boolean shown, boolean rewrite) {
        this.stderr = stderr;
        this.shown = shown;
        this.rewrite = rewrite;
        this.started = System.nanoTime();
        this.last = started;
    }

    static Progress of(boolean asked, PrintStream stderr) {
        boolean terminal = System.console() != null;
        return new Progress(stderr, asked || terminal, terminal && !asked);
    }

    /** Starts timing the evaluation of {@code due} contacts. */
    void start(long due) {
        started = System.nanoTime();
        last = started;
    }

    /** {@code done} of {@code due} contacts evaluated so far. */
    void update(long done, long due) {
        long t = System.nanoTime();
        if (!shown || t - last < EVERY_NANOS) {
            return;
        }
        last = t;
        double seconds = (t - started) / 1e9;
        String line = String.format(Locale.ROOT, "waymark: %,d of %,d due contacts evaluated (%,.0f/s, %.1f s)",
                done, due, seconds > 0 ? done / seconds : 0.0, seconds);
        if (rewrite) {
            stderr.print("\r" + line + "   ");
        } else {
            stderr.println(line);
        }
        stderr.flush();
        printed = true;
    }

    /** Ends the progress line, if one was shown. */
    void done() {
        if (printed && rewrite) {
            stderr.println();
        }
        printed = false;
    }
}
