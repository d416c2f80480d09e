package dev.waymark.examples.cli;

/**
 * The exit codes of the {@code waymark} command line (docs/command-line.md). Scripts rely on the numbers, so they
 * never change meaning.
 */
public enum ExitStatus {
    /** The command did what it was asked. */
    OK(0),
    /**
     * Anything not covered below: an I/O failure while writing, an internal error, another run holding the
     * {@code --state} file (try again once it is done; nothing was emitted).
     */
    FAILURE(1),
    /** Bad usage: unknown or missing option, bad value, missing or unreadable file, invalid settings. */
    USAGE(2),
    /**
     * Invalid input: bad event lines (without {@code --lenient}) or a state file with a line that is not a
     * contact state (not UTF-8, a field missing or unknown), named with its line.
     */
    INVALID_INPUT(3),
    /** A rule file that does not compile. */
    RULES(4);

    private final int code;

    ExitStatus(int code) {
        this.code = code;
    }

    /** The process exit code. */
    public int code() {
        return code;
    }
}
