package dev.waymark.examples.cli;

import java.util.List;

/**
 * A failure the command line reports to a person and ends with: its message lines go to stderr (each
 * prefixed with {@code waymark: }) and the process exits with its {@link ExitStatus}. Messages say what is
 * wrong and where, so a person can act on them without a stack trace.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ExitStatus status;
    private final transient List<String> lines;

    /** A failure with one message line. */
    public CliException(ExitStatus status, String message) {
        this(status, List.of(message), null);
    }

    /** A failure with several message lines (for example every compile problem), and its cause if any. */
    public CliException(ExitStatus status, List<String> lines, Throwable cause) {
        super(String.join("\n", lines), cause);
        if (status == ExitStatus.OK) {
            throw new IllegalArgumentException("a CliException is a failure, not OK");
        }
        this.status = status;
        this.lines = List.copyOf(lines);
    }

    /** Shorthand for bad usage (exit 2). */
    public static CliException usage(String message) {
        return new CliException(ExitStatus.USAGE, message);
    }

    /** How the process ends. */
    public ExitStatus status() {
        return status;
    }

    /** The lines to print, without the {@code waymark: } prefix. */
    public List<String> lines() {
        return lines;
    }
}
