package dev.waymark.kafka.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link StreamsMain} in a JVM of its own (this JVM's {@code java} and test classpath), its output in a log
 * file the test reads to follow its state. {@link #kill()} is SIGKILL on Linux: no shutdown hook, no commit, no
 * flush — what a crash or an OOM kill does.
 */
final class StreamsProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    final String name;

    private StreamsProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static StreamsProcess start(String name, Path logDir, Map<String, String> options) throws IOException {
        // Small and single-threaded GC: several of these share two cores with the broker in the tests.
        return start(name, logDir, options, List.of("-Xmx768m", "-XX:+UseSerialGC"));
    }

    static StreamsProcess start(String name, Path logDir, Map<String, String> options, List<String> jvmOptions)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StreamsMain.class.getName());
        options.forEach((k, v) -> {
            command.add("--" + k);
            command.add(v);
        });
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        return new StreamsProcess(name, p, log);
    }

    /** The lines the process printed so far. */
    List<String> lines() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether its last state change was to RUNNING. */
    boolean running() {
        String last = null;
        for (String l : lines()) {
            if (l.startsWith("STATE ")) {
                last = l;
            }
            if (l.startsWith("FATAL ")) {
                throw new AssertionError(name + " failed: " + l + " (see " + log + ")");
            }
        }
        if (!process.isAlive()) {
            throw new AssertionError(name + " exited with " + process.exitValue() + " (see " + log + ")");
        }
        return "STATE RUNNING".equals(last);
    }

    /** The active tasks it reported when it last became RUNNING. */
    List<String> tasks() {
        String last = "";
        for (String l : lines()) {
            if (l.startsWith("TASKS ")) {
                last = l.substring(6);
            }
        }
        return last.isEmpty() ? List.of() : List.of(last.split(","));
    }

    void awaitRunning(Duration timeout) throws InterruptedException {
        Broker.await(timeout, name + " to be RUNNING", this::running);
    }

    /** Milliseconds since the process started. */
    long ageMillis() {
        return process.info().startInstant().map(t -> System.currentTimeMillis() - t.toEpochMilli()).orElse(-1L);
    }

    /** SIGKILL, and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not die");
        }
    }

    /** SIGTERM (the shutdown hook closes Kafka Streams cleanly), and waits until it is gone. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while killing the Streams JVM", e);
            }
        }
    }
}
