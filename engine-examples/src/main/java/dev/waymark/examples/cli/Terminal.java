package dev.waymark.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which of the process's standard output and standard error are terminals, decided once by {@link Main}:
 * progress goes to stderr only when it is one, and a run whose actions flood a terminal says how not to.
 * Streams handed to {@link Main#execute} by a caller are not the process's, so they count as no terminal.
 *
 * @param stdout whether standard output is a terminal
 * @param stderr whether standard error is a terminal
 */
record Terminal(boolean stdout, boolean stderr) {

    /** Neither is a terminal: output captured by a program, a pipe or a file. */
    static final Terminal NONE = new Terminal(false, false);

    /**
     * The process's own. On Linux each descriptor is looked at on its own ({@code /proc/self/fd}), so
     * {@code run > actions.jsonl} in a terminal still shows progress on stderr; elsewhere
     * {@code System.console() != null} (stdin and stdout both a terminal) stands for both.
     */
    static Terminal ofProcess() {
        boolean console = System.console() != null;
        return new Terminal(isTerminal(1, console), isTerminal(2, console));
    }

    private static boolean isTerminal(int fd, boolean fallback) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return fallback; // no /proc: not Linux
        }
    }
}
