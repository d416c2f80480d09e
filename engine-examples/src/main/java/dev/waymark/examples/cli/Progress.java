package dev.waymark.examples.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress line of a long {@code run} on stderr, at most once a second: the event lines read, then the
 * contacts evaluated of those due with the rate and the time elapsed. Drawn only when stderr is a terminal,
 * where it rewrites one line and ends it before the summary; with {@code --progress} a line is printed each
 * time instead, terminal or not. When stderr is no terminal and {@code --progress} is not given nothing is
 * printed, so a piped or logged stderr holds only the messages and the summary. Not thread-safe.
 */
final class Progress {
    private static final long EVERY_NANOS = 1_000_000_000L;

    private final PrintStream stderr;
    private final boolean shown;
    private final boolean rewrite;
    private long started;
    private long last;
    private boolean printed;
    private int width; // of the line on screen, so a shorter one rewriting it leaves no tail

    private Progress(PrintStream stderr, boolean shown, boolean rewrite) {
        this.stderr = stderr;
        this.shown = shown;
        this.rewrite = rewrite;
        this.started = System.nanoTime();
        this.last = started;
    }

    /**
     * The progress of one run.
     *
     * @param asked    {@code --progress}: a line each time, wherever stderr goes
     * @param terminal whether stderr is a terminal
     */
    static Progress of(boolean asked, boolean terminal, PrintStream stderr) {
        return new Progress(stderr, asked || terminal, terminal && !asked);
    }

    /** Whether anything is ever printed. */
    boolean shown() {
        return shown;
    }

    /** {@code lines} event lines read so far. */
    void read(long lines) {
        long t = System.nanoTime();
        if (!shown || t - last < EVERY_NANOS) {
            return;
        }
        last = t;
        double seconds = (t - started) / 1e9;
        show(String.format(Locale.ROOT, "waymark: %,d event lines read (%.1f s)", lines, seconds));
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
        show(String.format(Locale.ROOT, "waymark: %,d of %,d due contacts evaluated (%,.0f/s, %.1f s)",
                done, due, seconds > 0 ? done / seconds : 0.0, seconds));
    }

    private void show(String line) {
        if (rewrite) {
            stderr.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = Math.max(width, line.length());
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
        width = 0;
    }
}
