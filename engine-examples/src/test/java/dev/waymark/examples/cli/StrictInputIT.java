package dev.waymark.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.waymark.Action;
import dev.waymark.examples.cli.JarRunner.Result;
import dev.waymark.json.WaymarkJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged input and two runs at once, on the built jar in separate JVMs: every bad byte, field or key is
 * named with its file and line (or line and column), and one state file serves one run at a time.
 */
class StrictInputIT {

    static final String NOW = "2026-11-20T14:00:00Z";

    @TempDir
    Path dir;

    // ---- invalid UTF-8 ----

    /** Two contacts whose ids differ only in bytes that are not UTF-8: replaced, they would become one. */
    byte[] eventsWithBadBytes() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((WaymarkJarIT.event("u-1", "c-1", "subscribed", "2026-11-20T08:00:00Z", "{\"channel\":\"email\"}") + "\n")
                .getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 2; i++) {
            b.writeBytes(("{\"id\":\"o-" + i + "\",\"contactId\":\"c-").getBytes(StandardCharsets.UTF_8));
            b.write(0xFF - i);
            b.writeBytes(("\",\"type\":\"order.placed\",\"at\":\"2026-11-20T09:00:00Z\",\"props\":{\"orderId\":\"o-" + i
                    + "\",\"amount\":400}}\n").getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    @Test
    void eventLinesWithInvalidUtf8_exitThreeNamingEachLine_andWriteNothing() throws IOException {
        Path events = Files.write(dir.resolve("bad-bytes.jsonl"), eventsWithBadBytes());
        Path state = dir.resolve("state.jsonl");
        Result r = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--state", state.toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.stderr()).contains(events + ": line 2: not valid UTF-8: byte 0xFF at byte 28 of the line",
                events + ": line 3: not valid UTF-8: byte 0xFE at byte 28 of the line", "2 bad lines in " + events);
        assertThat(r.stdout()).isEmpty();
        assertThat(state).doesNotExist();
    }

    @Test
    void eventLinesWithInvalidUtf8_fromStdin_areSkippedAndReportedWithLenient() {
        Result r = JarRunner.execBytes(JarRunner.builder(dir, JarRunner.command("run", "--events", "-", "--now", NOW, "--lenient")),
                eventsWithBadBytes());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("stdin: line 2: not valid UTF-8: byte 0xFF at byte 28 of the line (skipped)",
                "stdin: line 3: not valid UTF-8: byte 0xFE at byte 28 of the line (skipped)", "1 contacts", "2 rejected lines");
        assertThat(r.stdout()).doesNotContain("loyalty-reward");
    }

    @Test
    void stateFileWithInvalidUtf8_exitsThreeNamingFileAndLine_andLeavesIt() throws IOException {
        Path state = twoContactState("utf8");
        List<byte[]> lines = new ArrayList<>();
        for (String l : Files.readAllLines(state)) {
            lines.add(l.getBytes(StandardCharsets.UTF_8));
        }
        byte[] second = lines.get(1);
        int at = new String(second, StandardCharsets.ISO_8859_1).indexOf("\"id\":\"c-2\"") + 8;
        second[at] = (byte) 0xC0; // the '2' of c-2: an overlong lead byte, never UTF-8
        ByteArrayOutputStream damaged = new ByteArrayOutputStream();
        lines.forEach(l -> {
            damaged.writeBytes(l);
            damaged.write('\n');
        });
        Files.write(state, damaged.toByteArray());
        Result r = runOn(state);

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.stderr()).contains("--state: " + state + " is not a Waymark state file: state line 2: not valid UTF-8: byte 0xC0 at byte "
                + (at + 1) + " of the line");
        assertThat(Files.readAllBytes(state)).isEqualTo(damaged.toByteArray());
    }

    @Test
    void settingsAndJourneyFilesWithInvalidUtf8_exitTwoNamingTheFile() throws IOException {
        Path events = Files.writeString(dir.resolve("none.jsonl"), "");
        Path settings = Files.write(dir.resolve("latin1.json"), "{\"rules\":{\"caf\u00e9\":{}}}".getBytes(StandardCharsets.ISO_8859_1));
        Path journey = Files.write(dir.resolve("latin1-journey.json"), "{\"id\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));

        Result s = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--settings", settings.toString());
        Result j = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--journeys", journey.toString());

        assertThat(s.exit()).as(s.toString()).isEqualTo(2);
        assertThat(s.stderr()).contains("--settings: " + settings + " is not valid UTF-8");
        assertThat(j.exit()).as(j.toString()).isEqualTo(2);
        assertThat(j.stderr()).contains("--journeys: journey file " + journey + " is not valid UTF-8");
    }

    // ---- strict state lines ----

    @Test
    void stateLineMissingOrderCount_exitsThreeNamingFileLineAndField_andLeavesIt() throws IOException {
        Path state = twoContactState("missing");
        List<String> lines = new ArrayList<>(Files.readAllLines(state));
        ObjectNode second = (ObjectNode) new ObjectMapper().readTree(lines.get(1));
        ((ObjectNode) second.get("contact")).remove("orderCount");
        lines.set(1, second.toString());
        Files.write(state, lines);
        byte[] before = Files.readAllBytes(state);

        Result r = runOn(state);

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.stderr()).contains("--state: " + state + " is not a Waymark state file: state line 2: "
                + "contact.orderCount: missing (every state line has it) (it was left as it is)");
        assertThat(r.stdout()).isEmpty();
        assertThat(Files.readAllBytes(state)).isEqualTo(before);
    }

    @Test
    void stateLineWithAnUnknownField_exitsThreeNamingFileLineAndField() throws IOException {
        Path state = twoContactState("unknown");
        List<String> lines = new ArrayList<>(Files.readAllLines(state));
        lines.set(0, lines.get(0).replace("\"orderCount\":", "\"orderCnt\":0,\"orderCount\":"));
        Files.write(state, lines);

        Result r = runOn(state);

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.stderr()).contains(state + " is not a Waymark state file: state line 1: contact.orderCnt: unknown field");
    }

    // ---- strict settings ----

    @Test
    void settingsNamingAnUnknownRule_exitTwoNamingTheKeyAndSuggestingTheRule() throws IOException {
        Result r = runWithSettings("unknown-rule.json", "{\"rules\":{\"abandoned-kart\":{}}}");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains(dir.resolve("unknown-rule.json")
                + ": settings rules.abandoned-kart: unknown rule; did you mean abandoned-cart?");
    }

    @Test
    void emptyOrNullSettings_exitTwoNamingTheFile() throws IOException {
        Result empty = runWithSettings("empty.json", "");
        Result nul = runWithSettings("null.json", "null\n");
        assertThat(empty.exit()).as(empty.toString()).isEqualTo(2);
        assertThat(empty.stderr()).contains(dir.resolve("empty.json") + ": settings (file): empty; settings are a JSON object, {} for the defaults");
        assertThat(nul.exit()).as(nul.toString()).isEqualTo(2);
        assertThat(nul.stderr()).contains(dir.resolve("null.json") + ": settings (file): settings must be a JSON object ({} for the defaults), was null");
    }

    @Test
    void settingsWithAJsonSyntaxError_exitTwoNamingFileLineAndColumn() throws IOException {
        Result r = runWithSettings("syntax.json", "{\"rules\":{\n  \"win-back\": {\"days\": 60,}\n}}\n");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains(dir.resolve("syntax.json") + ": settings (file): line 2, column 27: not valid JSON: ");
    }

    @Test
    void journeyWithAJsonSyntaxError_exitsFourNamingFileLineAndColumn() throws IOException {
        Path events = Files.writeString(dir.resolve("none.jsonl"), "");
        Path journey = Files.writeString(dir.resolve("broken-journey.json"), "{\n  \"id\": \"j\",,\n}\n");
        Result r = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--journeys", journey.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.stderr()).contains(journey + ":2: column 13: not valid JSON: ");
    }

    // ---- one run per state file ----

    @Test
    @EnabledOnOs(OS.LINUX) // /proc/locks shows when the first run holds the lock
    void secondRunOnAStateFile_failsAtOnceEmittingNothing_andARunSucceedsOnceTheHolderIsKilled() throws Exception {
        Path state = dir.resolve("locked.state.jsonl");
        Path events = Files.write(dir.resolve("locked-events.jsonl"), List.of(
                WaymarkJarIT.event("l-1", "c-1", "subscribed", "2026-11-20T08:00:00Z", "{\"channel\":\"email\"}")));
        // The holder: a run reading its events from stdin, which the test keeps open, so it waits holding the lock.
        Process holder = JarRunner.builder(dir, JarRunner.command("run", "--events", "-", "--now", NOW, "--state", state.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Path lockFile = dir.resolve("locked.state.jsonl.lock");
            awaitLocked(lockFile, holder);

            Result second = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--state", state.toString());

            assertThat(second.exit()).as(second.toString()).isEqualTo(1);
            assertThat(second.stderr().strip()).isEqualTo("waymark: --state: another run holds " + state
                    + " (it is locked through locked.state.jsonl.lock until that run ends); nothing was done");
            assertThat(second.stdout()).isEmpty();
            assertThat(state).doesNotExist();
        } finally {
            holder.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs in the holder
            assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }

        Result after = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--state", state.toString());
        assertThat(after.exit()).as(after.toString()).isZero();
        assertThat(after.lines()).anyMatch(l -> l.contains("\"welcome-series\""));
        assertThat(state).exists();
    }

    /** Waits until the kernel lists a lock on {@code lockFile}'s inode: the holder has it. */
    private static void awaitLocked(Path lockFile, Process holder) throws Exception {
        Path locks = Path.of("/proc/locks");
        assumeThat(Files.isReadable(locks)).as("/proc/locks readable").isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(holder.isAlive()).as("the holding run is still running").isTrue();
            if (Files.exists(lockFile)) {
                String inode = ":" + Files.getAttribute(lockFile, "unix:ino") + " ";
                if (Files.readAllLines(locks).stream().anyMatch(l -> l.contains(inode))) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the first run never took the lock on " + lockFile);
    }

    // ---- the ledger's bound ----

    @Test
    void customRuleWith300Keys_overTwoRuns_emitsNoKeyTwice_andTheRunNamesTheRule() throws IOException {
        twoRunsOfACustomRuleWith300Keys("--state", dir.resolve("many.state.jsonl").toString());
    }

    @Test
    void customRuleWith300Keys_overTwoRunsOnTheStore_emitsNoKeyTwice_andTheRunNamesTheRule() throws IOException {
        twoRunsOfACustomRuleWith300Keys("--store", dir.resolve("many.db").toString());
    }

    private void twoRunsOfACustomRuleWith300Keys(String option, String where) throws IOException {
        Path drl = Files.writeString(dir.resolve("many-keys.drl"), """
                package shop.rules;
                import dev.waymark.Contact;
                import java.util.Map;
                global dev.waymark.drools.RuleContext waymark;
                rule "many-keys"
                when
                    $c : Contact( seen() )
                then
                    for (int i = 0; i < 300; i++) {
                        waymark.emit($c, "task.create", "k-" + i, Map.of("kind", "call"));
                    }
                end
                """);
        Path first = Files.write(dir.resolve("many-1.jsonl"), List.of(
                WaymarkJarIT.event("m-1", "c-1", "page.viewed", "2026-11-20T08:00:00Z", "{}")));
        Path second = Files.write(dir.resolve("many-2.jsonl"), List.of(
                WaymarkJarIT.event("m-2", "c-1", "page.viewed", "2026-11-21T08:00:00Z", "{}")));

        Result r1 = JarRunner.run(dir, "run", "--events", first.toString(), "--now", NOW, "--rules", drl.toString(), option, where);
        Result r2 = JarRunner.run(dir, "run", "--events", second.toString(), "--now", "2026-11-21T14:00:00Z",
                "--rules", drl.toString(), option, where);

        assertThat(r1.exit()).as(r1.toString()).isZero();
        assertThat(r2.exit()).as(r2.toString()).isZero();
        Set<String> keys1 = manyKeys(r1);
        Set<String> keys2 = manyKeys(r2);
        assertThat(keys1).hasSize(256);
        assertThat(keys2).as("keys emitted again").isEmpty();
        String report = "waymark: rule many-keys holds 256 keys, the most the ledger keeps per rule and contact, for 1 contact (c-1): "
                + "44 firings with a new key withheld, not emitted";
        assertThat(r1.stderr()).contains(report);
        assertThat(r2.stderr()).contains(report);
    }

    private static Set<String> manyKeys(Result r) {
        return r.lines().stream().map(WaymarkJson::readAction).filter(a -> a.rule().equals("many-keys"))
                .map(Action::key).collect(Collectors.toSet());
    }

    // ---- helpers ----

    /** A state file of two contacts, written by a run. */
    private Path twoContactState(String name) throws IOException {
        Path state = dir.resolve(name + ".state.jsonl");
        Path events = Files.write(dir.resolve(name + "-events.jsonl"), List.of(
                WaymarkJarIT.event("s-1", "c-1", "subscribed", "2026-11-20T08:00:00Z", "{\"channel\":\"email\"}"),
                WaymarkJarIT.event("s-2", "c-2", "order.placed", "2026-11-20T09:00:00Z", "{\"orderId\":\"o-1\",\"amount\":20}")));
        Result r = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--state", state.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readAllLines(state)).hasSize(2);
        return state;
    }

    private Result runOn(Path state) throws IOException {
        Path events = Files.write(dir.resolve("later.jsonl"), List.of(
                WaymarkJarIT.event("s-9", "c-2", "page.viewed", "2026-11-21T09:00:00Z", "{}")));
        return JarRunner.run(dir, "run", "--events", events.toString(), "--now", "2026-11-21T14:00:00Z", "--state", state.toString());
    }

    private Result runWithSettings(String name, String json) throws IOException {
        Path settings = Files.writeString(dir.resolve(name), json);
        Path events = Files.writeString(dir.resolve("none.jsonl"), "");
        return JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--settings", settings.toString());
    }
}
