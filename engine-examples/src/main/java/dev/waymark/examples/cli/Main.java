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
import java.util.List;

/**
 * The {@code waymark} command line: {@code java -jar waymark.jar run|check|explain|report|forget|import|simulate ...} (SPEC §6).
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
        int code = execute(args, System.in, stdout, stderr, System.getenv("WAYMARK_DEBUG") != null);
        stderr.flush();
        System.exit(code);
    }

    /**
     * Runs one command and returns its exit code; never throws and never exits the JVM.
     *
     * @param debug whether to print the stack trace of an unexpected error
     */
    public static int execute(String[] args, InputStream stdin, OutputStream stdout, PrintStream stderr, boolean debug) {
        PrintStream out = new PrintStream(stdout, false, StandardCharsets.UTF_8);
        try {
            dispatch(Arrays.asList(args), stdin, stdout, out, stderr);
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

    private static void dispatch(List<String> args, InputStream stdin, OutputStream stdout, PrintStream out,
                                 PrintStream stderr) throws IOException {
        if (args.isEmpty()) {
            stderr.print(Usage.TEXT);
            throw CliException.usage("no command given");
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        if (isHelp(command) || rest.contains("--help") || rest.contains("-h")) {
            out.print(Usage.TEXT);
            return;
        }
        switch (command) {
            case "run" -> new RunCommand(stdin, stdout, stderr).run(Options.parse("run", rest, RunCommand.OPTIONS));
            case "check" -> new CheckCommand(out).run(Options.parse("check", rest, CheckCommand.OPTIONS));
            case "simulate" -> new SimulateCommand(out, stderr)
                    .run(Options.parse("simulate", rest, SimulateCommand.OPTIONS));
            case "explain" -> new ExplainCommand(out).run(Options.parse("explain", rest, ExplainCommand.OPTIONS));
            case "report" -> new ReportCommand(out).run(Options.parse("report", rest, ReportCommand.OPTIONS));
            case "forget" -> new ForgetCommand(out).run(Options.parse("forget", rest, ForgetCommand.OPTIONS));
            case "import" -> new ImportCommand(out).run(Options.parse("import", rest, ImportCommand.OPTIONS));
            default -> throw CliException.usage("unknown command '" + command
                    + "' (commands: run, check, explain, report, forget, import, simulate; see waymark --help)");
        }
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
    }
}
