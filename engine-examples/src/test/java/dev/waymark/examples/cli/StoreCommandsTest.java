package dev.waymark.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import dev.waymark.store.ContactStore;
import dev.waymark.store.StoreOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --store}, {@code forget}, {@code import} and {@code --store} on {@code explain} and {@code report},
 * in process: the same output as {@code --state}, late events, and every bad store with its exit code.
 */
class StoreCommandsTest {
    private static final Path SAMPLES = Path.of("samples");

    @TempDir
    Path dir;

    record Outcome(int exit, String stdout, String stderr) {
    }

    static Outcome withStdin(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.execute(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Outcome waymark(String... args) {
        return withStdin("", args);
    }

    @Test
    void aStoreRunEmitsByteForByteWhatAStateRunEmitsOverConsecutiveDays() {
        String state = dir.resolve("state.jsonl").toString();
        String store = dir.resolve("waymark.db").toString();
        String settings = SAMPLES.resolve("settings.json").toString();
        String events = SAMPLES.resolve("shop-events.jsonl").toString();
        List<String> days = List.of("2026-10-20T09:00:00Z", "2026-10-21T09:00:00Z", "2026-10-24T09:00:00Z", "2026-10-31T12:00:00Z");
        long total = 0;
        for (int i = 0; i < days.size(); i++) {
            String input = i == 0 ? events : "-";
            Outcome a = waymark("run", "--events", input, "--now", days.get(i), "--settings", settings, "--state", state);
            Outcome b = waymark("run", "--events", input, "--now", days.get(i), "--settings", settings, "--store", store);
            assertThat(a.exit()).as(a.stderr()).isZero();
            assertThat(b.exit()).as(b.stderr()).isZero();
            assertThat(b.stdout()).as("day %s", days.get(i)).isEqualTo(a.stdout());
            total += a.stdout().lines().count();
            assertThat(b.stderr()).contains("contacts due").endsWith("0 late events\n");
        }
        assertThat(total).isGreaterThan(1000);
    }

    @Test
    void withOutTheActionsGoToTheFileInPlaceBeforeTheyAreMarkedWritten() throws IOException {
        String events = SAMPLES.resolve("shop-events.jsonl").toString();
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        Outcome state = waymark("run", "--events", events, "--now", "2026-10-10T00:00:00Z", "--state", dir.resolve("s.jsonl").toString(),
                "--out", a.toString());
        Outcome store = waymark("run", "--events", events, "--now", "2026-10-10T00:00:00Z", "--store", dir.resolve("o.db").toString(),
                "--out", b.toString());
        assertThat(store.exit()).as(store.stderr()).isZero();
        assertThat(store.stdout()).isEmpty();
        assertThat(Files.readString(b)).isEqualTo(Files.readString(a)).isNotEmpty();
        assertThat(Files.exists(dir.resolve("b.jsonl.tmp"))).isFalse();
        assertThat(state.exit()).isZero();
        // Written means written: the next run has nothing left to write.
        Path c = dir.resolve("c.jsonl");
        assertThat(waymark("run", "--events", "-", "--now", "2026-10-10T00:00:00Z", "--store", dir.resolve("o.db").toString(),
                "--out", c.toString()).exit()).isZero();
        assertThat(Files.readString(c)).isEmpty();
    }

    @Test
    void lateEventsAreReportedWithTheirLineInBothModes() throws IOException {
        Path first = Files.writeString(dir.resolve("first.jsonl"),
                "{\"id\":\"e-1\",\"contactId\":\"c-1\",\"type\":\"page.viewed\",\"at\":\"2026-10-20T10:00:00Z\"}\n");
        Path second = Files.writeString(dir.resolve("events.jsonl"),
                "{\"id\":\"e-2\",\"contactId\":\"c-1\",\"type\":\"page.viewed\",\"at\":\"2026-10-20T11:00:00Z\"}\n\n"
                        + "{\"id\":\"e-7\",\"contactId\":\"c-1\",\"type\":\"page.viewed\",\"at\":\"2026-10-01T10:00:00Z\"}\n");
        for (String mode : List.of("--state", "--store")) {
            String target = dir.resolve("late" + mode).toString();
            assertThat(waymark("run", "--events", first.toString(), "--now", "2026-10-21T00:00:00Z", mode, target).exit()).isZero();
            Outcome o = waymark("run", "--events", second.toString(), "--now", "2026-10-21T01:00:00Z", mode, target);
            assertThat(o.exit()).as(o.stderr()).isZero();
            assertThat(o.stderr()).as(mode).contains("waymark: " + second + ": line 3: late event e-7 for contact c-1"
                    + " (more than 7 days older than its newest applied event): not applied\n")
                    .endsWith(", 1 late events\n");
        }
    }

    @Test
    void forgetErasesAContactAndRefusesAnUnknownOne() {
        String store = dir.resolve("w.db").toString();
        assertThat(waymark("run", "--events", SAMPLES.resolve("shop-events.jsonl").toString(), "--now", "2026-10-05T00:00:00Z",
                "--store", store).exit()).isZero();
        Outcome unknown = waymark("forget", "--store", store, "--contact", "c-nobody");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.stderr()).isEqualTo("waymark: forget: --contact: no contact 'c-nobody' in " + store + "; nothing was changed\n");
        Outcome known = waymark("forget", "--store", store, "--contact", "c-00408");
        assertThat(known.exit()).as(known.stderr()).isZero();
        assertThat(waymark("explain", "--store", store, "--contact", "c-00408", "--now", "2026-10-05T00:00:00Z").stderr())
                .contains("no contact 'c-00408'");
        assertThat(waymark("forget", "--store", dir.resolve("none.db").toString(), "--contact", "c-1").exit()).isEqualTo(2);
    }

    @Test
    void importThenExplainAndReportFromTheStoreMatchTheStateFile() {
        String state = dir.resolve("state.jsonl").toString();
        String store = dir.resolve("imported.db").toString();
        String settings = SAMPLES.resolve("settings-experiments.json").toString();
        assertThat(waymark("run", "--events", SAMPLES.resolve("shop-events.jsonl").toString(), "--now", "2026-10-31T00:00:00Z",
                "--settings", settings, "--state", state).exit()).isZero();
        Outcome imported = waymark("import", "--state", state, "--store", store);
        assertThat(imported.exit()).as(imported.stderr()).isZero();
        assertThat(imported.stdout()).isEqualTo("imported 2500 contacts from " + state + " into " + store + "\n");
        assertThat(waymark("report", "--store", store, "--settings", settings).stdout())
                .isEqualTo(waymark("report", "--state", state, "--settings", settings).stdout()).contains("abandoned-cart");
        assertThat(waymark("explain", "--store", store, "--contact", "c-01354", "--now", "2026-11-01T09:00:00Z", "--settings", settings).stdout())
                .isEqualTo(waymark("explain", "--state", state, "--contact", "c-01354", "--now", "2026-11-01T09:00:00Z", "--settings", settings).stdout());
        // The next day goes on from the import as from the state file.
        Outcome a = waymark("run", "--events", "-", "--now", "2026-11-01T00:00:00Z", "--settings", settings, "--state", state);
        Outcome b = waymark("run", "--events", "-", "--now", "2026-11-01T00:00:00Z", "--settings", settings, "--store", store);
        assertThat(b.stdout()).isEqualTo(a.stdout()).isNotEmpty();
    }

    private static void assertCleanFailure(Outcome o, int exit, String message) {
        assertThat(o.exit()).as(o.stderr()).isEqualTo(exit);
        assertThat(o.stderr()).startsWith("waymark: ").contains(message).doesNotContain("\tat ").doesNotContain("Exception:");
        assertThat(o.stdout()).isEmpty();
    }

    @Test
    void aFileThatIsNotAStoreIsInvalidInputAndLeftAsItIs() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a database\n");
        Path foreign = dir.resolve("crm.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customers (id TEXT)");
        }
        Path damaged = dir.resolve("damaged.db");
        ContactStore.open(damaged.toString(), StoreOptions.defaults()).close();
        byte[] bytes = Files.readAllBytes(damaged);
        java.util.Arrays.fill(bytes, 100, bytes.length, (byte) 0x5A);
        Files.write(damaged, bytes);
        for (Path p : List.of(text, foreign, damaged)) {
            byte[] before = Files.readAllBytes(p);
            Outcome o = waymark("run", "--events", "-", "--now", "2026-10-01T00:00:00Z", "--store", p.toString());
            assertCleanFailure(o, 3, "is not a Waymark store");
            assertThat(Files.readAllBytes(p)).isEqualTo(before);
        }
        assertCleanFailure(waymark("report", "--store", text.toString()), 3, "not an SQLite database");
    }

    @Test
    void aStoreOfANewerSchemaIsInvalidInputNamingBothVersions() throws Exception {
        Path store = dir.resolve("newer.db");
        ContactStore.open(store.toString(), StoreOptions.defaults()).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE waymark_meta SET value = '4' WHERE key = 'schema_version'");
        }
        assertCleanFailure(waymark("run", "--events", "-", "--now", "2026-10-01T00:00:00Z", "--store", store.toString()), 3,
                "has schema version 4, newer than this Waymark knows (up to 1)");
    }

    @Test
    void anUnreachablePostgresIsAFailureWithoutAStackTrace() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertCleanFailure(waymark("run", "--events", "-", "--now", "2026-10-01T00:00:00Z", "--store",
                "jdbc:postgresql://127.0.0.1:" + port + "/waymark?user=w&password=secret"), 1, "cannot connect to PostgreSQL");
        assertThat(waymark("run", "--events", "-", "--now", "2026-10-01T00:00:00Z", "--store", "jdbc:mysql://x/y").exit()).isEqualTo(2);
    }

    @Test
    void aSecondRunWhileOneHoldsTheStoreFailsClearlyAndChangesNothing() throws Exception {
        Path store = dir.resolve("busy.db");
        JourneyEngine engine = Waymark.builder().build();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Instant now = Instant.parse("2026-10-02T00:00:00Z");
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            events.add(new Event("e-" + i, "c-" + i, "page.viewed", now.minusSeconds(60)));
        }
        Thread holder = new Thread(() -> {
            try (ContactStore s = ContactStore.open(store.toString(), StoreOptions.defaults().withBatchSize(5))) {
                s.receive(events);
                s.pass(engine, now, (done, due) -> {
                    inside.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        });
        holder.start();
        try {
            assertThat(inside.await(60, TimeUnit.SECONDS)).isTrue();
            Path more = Files.writeString(dir.resolve("more.jsonl"),
                    "{\"id\":\"x-1\",\"contactId\":\"c-new\",\"type\":\"page.viewed\",\"at\":\"2026-10-01T10:00:00Z\"}\n");
            assertCleanFailure(waymark("run", "--events", more.toString(), "--now", now.toString(), "--store", store.toString()),
                    1, "is in use by another run");
        } finally {
            release.countDown();
            holder.join();
        }
        try (ContactStore s = ContactStore.open(store.toString(), StoreOptions.defaults())) {
            assertThat(s.state("c-new")).isEmpty();
            assertThat(s.contacts()).isEqualTo(20);
        }
    }

    @Test
    void stateAndStoreAreMutuallyExclusive() {
        Outcome o = waymark("run", "--events", "-", "--now", "2026-10-01T00:00:00Z", "--state", "a", "--store", "b");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.stderr()).isEqualTo("waymark: run: --state and --store are mutually exclusive (give one)\n");
        assertThat(waymark("report").stderr()).contains("--state FILE or --store PATH is required");
    }
}
