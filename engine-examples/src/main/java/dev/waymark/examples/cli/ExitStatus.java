package dev.waymark.examples.cli;

/**
 * The exit codes of the {@code waymark} command line (docs/command-line.md). Scripts rely on the numbers, so they
 * never change meaning.
 */
public enum ExitStatus {
    /** The command did what it was asked. */
    OK(0),
    /** Anything not covered below: an I/O failure while writing, an internal error. */
    FAILURE(1),
    /** Bad usage: unknown or missing option, bad value, missing or unreadable file, invalid settings. */
    USAGE(2),
    /** Invalid input: bad event lines (without {@code --lenient}) or an unreadable state file. */
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
