package dev.waymark.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A due pass over thousands of contacts in a separate JVM, killed with SIGKILL at several points (after a
 * given number of committed batches, after random ones plus a random delay, and while relaying), then run again to the end: every action of a
 * clean run is in the outbox and the output, none lost, none committed twice, and the final states are a
 * clean run's.
 */
class CrashTest {
    @TempDir
    Path dir;

    record Run(List<String> lines, int exit) {
        List<String> actions() {
            return lines.stream().filter(l -> l.startsWith("A ")).map(l -> l.substring(2)).toList();
        }
    }

    /**
     * Runs the child on {@code store}; when a line of its output matches {@code killWhen}, waits
     * {@code killAfterMillis} and kills it (SIGKILL). Its stdout goes to a file, so every line it wrote before
     * dying is read, as a consumer reading the pipe would have.
     */
    private static Run child(Path store, Predicate<String> killWhen, long killAfterMillis) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = store.resolveSibling(store.getFileName() + "." + System.nanoTime() + ".out");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), store.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(out.toFile()).start();
        boolean killed = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (p.isAlive() && System.nanoTime() < deadline) {
            if (!killed && Files.readAllLines(out, StandardCharsets.UTF_8).stream().anyMatch(killWhen)) {
                if (killAfterMillis > 0) {
                    Thread.sleep(killAfterMillis);
                }
                p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally
                killed = true;
            }
            p.waitFor(5, TimeUnit.MILLISECONDS);
        }
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new Run(Files.readAllLines(out, StandardCharsets.UTF_8), p.exitValue());
    }

    private static Map<String, String> table(Path store, String sql) throws SQLException {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = ContactStoreContract.sqlite(store.toString()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getString(2));
            }
        }
        return rows;
    }

    @Test
    void killedPassesLoseNothingAndCommitNothingTwice() throws Exception {
        Path cleanStore = dir.resolve("clean.db");
        Run clean = child(cleanStore, l -> false, 0);
        assertThat(clean.exit()).isZero();
        assertThat(clean.lines()).contains("DONE");
        List<String> expected = clean.actions();
        assertThat(expected).hasSizeGreaterThan(1000).doesNotHaveDuplicates();
        Map<String, String> cleanOutbox = table(cleanStore, "SELECT id, action FROM waymark_outbox");
        Map<String, String> cleanStates = table(cleanStore, "SELECT id, state FROM waymark_contacts");
        assertThat(cleanStates).hasSize(CrashChild.CONTACTS);

        // Random kill points fall inside the pass whatever the machine's speed: after a random committed batch
        // of the first half plus up to 40 ms into the next, rather than a random delay that a fast pass outruns.
        int batches = (int) clean.lines().stream().filter(l -> l.startsWith("BATCH")).count();
        assertThat(batches).isGreaterThan(4);
        Random random = new Random(7);
        int cutShort = 0;
        List<String> scenarios = List.of("BATCH 1", "BATCH 9", "BATCH 15", "random", "random", "relay");
        for (int i = 0; i < scenarios.size(); i++) {
            String scenario = scenarios.get(i);
            Path store = dir.resolve("crash-" + i + ".db");
            Run killed = switch (scenario) {
                case "random" -> {
                    String after = "BATCH " + (1 + random.nextInt(batches / 2));
                    yield child(store, after::equals, random.nextInt(40));
                }
                case "relay" -> child(store, l -> l.startsWith("A "), 0); // while relaying: repeats allowed, loss not
                default -> child(store, scenario::equals, 0);
            };
            if (!killed.lines().contains("DONE")) {
                cutShort++;
            }
            System.err.println("crash test: " + scenario + ": killed after " + killed.lines().stream().filter(l -> l.startsWith("BATCH")).count()
                    + " batches and " + killed.actions().size() + " actions written" + (killed.lines().contains("DONE") ? " (it had finished)" : ""));
            Run rerun = child(store, l -> false, 0);
            assertThat(rerun.exit()).as(scenario).isZero();
            List<String> output = new ArrayList<>(killed.actions());
            output.addAll(rerun.actions());
            assertThat(table(store, "SELECT id, action FROM waymark_outbox")).as("outbox after %s", scenario).isEqualTo(cleanOutbox);
            assertThat(table(store, "SELECT id, state FROM waymark_contacts")).as("states after %s", scenario).isEqualTo(cleanStates);
            assertThat(table(store, "SELECT id, written_at FROM waymark_outbox WHERE written_at IS NULL")).as(scenario).isEmpty();
            assertThat(output).as("output after %s", scenario).containsAll(expected);
            assertThat(new java.util.HashSet<>(output)).as(scenario).hasSameSizeAs(expected);
            if (scenario.startsWith("BATCH")) {
                // killed inside the pass, before the relay: the rerun writes each action exactly once
                assertThat(killed.actions()).as(scenario).isEmpty();
                assertThat(output).as(scenario).hasSameSizeAs(expected);
            }
        }
        assertThat(cutShort).as("runs killed before they finished").isGreaterThanOrEqualTo(5);
    }
}
