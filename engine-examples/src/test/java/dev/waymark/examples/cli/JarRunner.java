package dev.waymark.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built {@code target/waymark.jar} as a person would, {@code java -jar waymark.jar ...}, in a
 * separate JVM, and captures its exit code, stdout and stderr. The jar's location comes from the system
 * property {@code waymark.jar} (set by failsafe); the samples folder from {@code waymark.samples}.
 */
final class JarRunner {

    /** What one run printed and how it ended. */
    record Result(int exit, String stdout, String stderr) {
        /** The stdout lines, without empty ones. */
        List<String> lines() {
            return stdout.lines().filter(l -> !l.isEmpty()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + abbreviate(stdout) + "\n--- stderr ---\n" + abbreviate(stderr);
        }

        private static String abbreviate(String s) {
            return s.length() <= 4000 ? s : s.substring(0, 4000) + "\n... (" + s.length() + " chars)";
        }
    }

    private JarRunner() {
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("waymark.jar", "target/waymark.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar.toAbsolutePath() + ": run the integration tests with mvn verify (after package)");
        }
        return jar.toAbsolutePath();
    }

    static Path samples() {
        return Path.of(System.getProperty("waymark.samples", "samples")).toAbsolutePath();
    }

    /** The command to start the jar's main class with {@code args}. */
    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Short-lived JVMs on a small machine: tiered C1 only starts faster and is plenty for these inputs.
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A process builder for the jar in {@code dir}, with CI=true so no progress bar mixes into stderr. */
    static ProcessBuilder builder(Path dir, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("CI", "true");
        pb.environment().remove("WAYMARK_DEBUG");
        return pb;
    }

    /** Runs the jar in {@code dir} with {@code args} and no input. */
    static Result run(Path dir, String... args) {
        return runWithInput(dir, null, args);
    }

    /** Runs the jar in {@code dir} with {@code args}, feeding {@code stdin} (or nothing when null). */
    static Result runWithInput(Path dir, String stdin, String... args) {
        return exec(builder(dir, command(args)), stdin);
    }

    /** Starts {@code pb}, feeds {@code stdin}, waits at most two minutes, and collects the output. */
    static Result exec(ProcessBuilder pb, String stdin) {
        return execBytes(pb, stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #exec(ProcessBuilder, String)}, feeding raw bytes (which need not be UTF-8). */
    static Result execBytes(ProcessBuilder pb, byte[] stdin) {
        try {
            Process p = pb.start();
            // Drain both streams on their own threads: a full pipe would block the child.
            Drain out = new Drain(p.getInputStream());
            Drain err = new Drain(p.getErrorStream());
            out.start();
            err.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("waymark did not finish within 120 s: " + pb.command());
            }
            out.join();
            err.join();
            return new Result(p.exitValue(), out.text(), err.text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Reads a stream to its end on a thread of its own. */
    static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Drain(InputStream in) {
            this.in = in;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                in.transferTo(bytes);
            } catch (IOException e) {
                // the process was killed: keep what was read
            }
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
