package dev.waymark.examples.cli;

import dev.waymark.drools.Waymark;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code waymark} command line: {@code java -jar waymark.jar run|check|explain|report|forget|import|simulate ...}.
 * {@link Cli} parses the arguments (picocli) and prints help and the version; this class maps what a command
 * throws to the exit code.
 *
 * <p>Every failure ends as one or more {@code waymark: ...} lines on stderr and an {@link ExitStatus};
 * a stack trace is printed only for an unexpected error and only when the environment variable
 * {@code WAYMARK_DEBUG} is set.
 */
public final class Main {
    private Main() {
    }

    /** Runs the command line and exits the JVM with its status (even when a rule's thread is still stuck). */
    public static void main(String[] args) {
        // Actions go straight to file descriptor 1: unlike System.out, a write error (a closed pipe) is seen.
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        PrintStream stderr = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = execute(args, System.in, stdout, stderr, System.getenv("WAYMARK_DEBUG") != null, Terminal.ofProcess());
        stderr.flush();
        System.exit(code);
    }

    /**
     * Runs one command and returns its exit code; never throws and never exits the JVM.
     *
     * @param debug whether to print the stack trace of an unexpected error
     */
    public static int execute(String[] args, InputStream stdin, OutputStream stdout, PrintStream stderr, boolean debug) {
        // The streams are the caller's, not the process's: no terminal, so no progress line.
        return execute(args, stdin, stdout, stderr, debug, Terminal.NONE);
    }

    /** As {@link #execute(String[], InputStream, OutputStream, PrintStream, boolean)}, told which streams are terminals. */
    static int execute(String[] args, InputStream stdin, OutputStream stdout, PrintStream stderr, boolean debug,
                       Terminal terminal) {
        PrintStream out = new PrintStream(stdout, false, StandardCharsets.UTF_8);
        try {
            new Cli(stdin, stdout, out, stderr, terminal).run(Arrays.asList(args));
            out.flush();
            if (out.checkError()) {
                throw new IOException("cannot write to standard output");
            }
            return ExitStatus.OK.code();
        } catch (CliException e) {
            out.flush();
            for (String line : e.lines()) {
                stderr.println("waymark: " + line);
            }
            return e.status().code();
        } catch (Waymark.RunawayRuleException e) {
            // A rule that never returns: its thread cannot be stopped, so main() ends the JVM with this status
            // (System.exit does not wait for that thread) instead of the run hanging.
            out.flush();
            stderr.println("waymark: " + e.getMessage() + "; the run is stopped and a state file is left as it was");
            return ExitStatus.FAILURE.code();
        } catch (IOException | java.io.UncheckedIOException e) {
            out.flush();
            Throwable io = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
            stderr.println("waymark: I/O error: " + io.getClass().getSimpleName()
                    + (io.getMessage() == null ? "" : ": " + io.getMessage()));
            if (debug) {
                e.printStackTrace(stderr);
            }
            return ExitStatus.FAILURE.code();
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            out.flush();
            stderr.println("waymark: failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + (debug ? "" : " (set WAYMARK_DEBUG=1 to see the stack trace)"));
            if (debug) {
                e.printStackTrace(stderr);
            }
            return ExitStatus.FAILURE.code();
        }
    }
}
