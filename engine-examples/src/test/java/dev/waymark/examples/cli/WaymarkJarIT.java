package dev.waymark.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.waymark.Action;
import dev.waymark.examples.cli.JarRunner.Result;
import dev.waymark.json.WaymarkJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end tests of the built {@code target/waymark.jar}: each starts {@code java -jar waymark.jar} in a
 * fresh JVM, exactly as the README does, and checks exit code, stdout, stderr and files.
 */
class WaymarkJarIT {

    static final String NOW = "2026-11-20T14:00:00Z";

    /** One folder for the whole class: the baseline state is written once. */
    @TempDir
    static Path dir;

    /** The bytes of a state file written by a successful run, for the tests that must leave it alone. */
    static byte[] baselineBytes;

    @BeforeAll
    static void writeBaselineState() throws IOException {
        Path events = write("baseline-events.jsonl",
                event("b-1", "c-1", "subscribed", "2026-11-20T08:00:00Z", "{\"channel\":\"email\"}"),
                event("b-2", "c-1", "cart.item_added", "2026-11-20T09:00:00Z", "{\"cartId\":\"k-1\",\"sku\":\"MUG-1\",\"price\":12.5}"));
        Path baselineState = dir.resolve("baseline.state.jsonl");
        Result r = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--state", baselineState.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        baselineBytes = Files.readAllBytes(baselineState);
    }

    // ---- the README's main job ----

    @Test
    void run_onBundledSample_writesOrderedActionsOfManyRulesAndOneSummaryLine() {
        Path samples = JarRunner.samples();
        Result r = JarRunner.run(dir, "run", "--events", samples.resolve("shop-events.jsonl").toString(),
                "--now", "2026-10-31T12:00:00Z", "--settings", samples.resolve("settings.json").toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr().strip()).as("stderr is the summary line only, no logging chatter")
                .matches("waymark: \\d+ events, 2500 contacts, \\d+ actions, 0 rejected lines, 0 rule failures, 0 late events");
        List<Action> actions = r.lines().stream().map(WaymarkJson::readAction).toList();
        assertThat(actions).hasSizeGreaterThan(1000);
        assertThat(actions).isSortedAccordingTo(Action.OUTPUT_ORDER);
        assertThat(actions.stream().map(Action::rule).collect(Collectors.toSet()))
                .contains("abandoned-cart", "welcome-series", "win-back", "review-request", "unopened-campaigns",
                        "loyalty-reward", "cross-sell", "churn-risk", "ad-exclusion", "stage-progression");
        assertThat(actions).allSatisfy(a -> assertThat(a.at()).hasToString("2026-10-31T12:00:00Z"));
    }

    @Test
    void mainJob_onTheEmbeddedStore_emitsWhatTheStateFileRunEmits_andARerunAppliesNothingTwice() {
        Path samples = JarRunner.samples();
        String[] common = {"run", "--events", samples.resolve("shop-events.jsonl").toString(), "--now", "2026-10-31T12:00:00Z",
                "--settings", samples.resolve("settings.json").toString(), "--templates", samples.resolve("templates").toString()};
        Result store = JarRunner.run(dir, concat(common, "--store", dir.resolve("waymark.db").toString()));
        Result state = JarRunner.run(dir, concat(common, "--state", dir.resolve("state.jsonl").toString()));

        assertThat(store.exit()).as(store.toString()).isZero();
        assertThat(store.stderr().lines().toList()).last().asString()
                .matches("waymark: 36913 events, 2500 contacts due, \\d+ actions, 0 rejected lines, 0 rule failures, 0 template failures, 0 late events");
        assertThat(store.lines()).hasSizeGreaterThan(1000).isEqualTo(state.lines());
        Result again = JarRunner.run(dir, concat(common, "--store", dir.resolve("waymark.db").toString()));
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.lines()).isEmpty();
        assertThat(again.stderr()).contains(": late event ").contains(" 0 actions, ");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void run_withCustomRuleAndTemplates_emitsRenderedBackInStockEmails() {
        Path samples = JarRunner.samples();
        Result r = JarRunner.run(dir, "run", "--events", samples.resolve("shop-events.jsonl").toString(),
                "--now", "2026-10-31T12:00:00Z", "--rules", samples.resolve("back-in-stock.drl").toString(),
                "--templates", samples.resolve("templates").toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("0 rule failures, 0 template failures");
        List<Action> restock = r.lines().stream().map(WaymarkJson::readAction).filter(a -> a.rule().equals("back-in-stock")).toList();
        assertThat(restock).isNotEmpty().allSatisfy(a -> {
            assertThat(a.type()).isEqualTo("email.send");
            assertThat(a.key()).startsWith("restock@");
            assertThat(a.params()).containsEntry("subject", "It's back in stock").containsKey("body");
        });
    }

    // ---- bad usage: exit 2, before any work ----

    @Test
    void help_printsUsageAndExitsZero() {
        Result r = JarRunner.run(dir, "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.stdout()).contains("run --events FILE|- --now INSTANT", "check [--rules FILE.drl ...]",
                "explain (--state FILE | --store PATH) --contact ID", "report (--state FILE | --store PATH)",
                "forget --store PATH --contact ID", "import --state FILE --store PATH", "simulate --contacts N", "exit codes");
    }

    @Test
    void version_printsThePomsVersion() {
        Result r = JarRunner.run(dir, "--version");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("waymark " + System.getProperty("waymark.version") + "\n");
    }

    @Test
    void unknownOption_suggestsTheSameInTheSameOrderOnEveryRun() {
        Result first = JarRunner.run(dir, "report", "--stat", "s.jsonl");
        Result second = JarRunner.run(dir, "report", "--stat", "s.jsonl");
        assertThat(first.exit()).isEqualTo(2);
        assertThat(first.stderr()).isEqualTo(second.stderr())
                .isEqualTo("waymark: report: unknown option --stat: did you mean --state? (known: --format, --help, --settings, "
                        + "--state, --store, --version; see waymark report --help)\n");
    }

    @Test
    void noArguments_printsUsageAndExitsTwo() {
        Result r = JarRunner.run(dir);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("usage:", "waymark: no command given");
    }

    @Test
    void unknownOption_exitsTwoNamingIt() {
        Result r = JarRunner.run(dir, "run", "--events", "x.jsonl", "--now", NOW, "--colour");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("unknown option --colour");
    }

    @Test
    void missingNow_exitsTwo() {
        Result r = JarRunner.run(dir, "run", "--events", "x.jsonl");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("--now is required");
    }

    @Test
    void badNow_exitsTwoShowingTheExpectedForm() throws IOException {
        Path events = write("one.jsonl", event("e-1", "c-1", "page.viewed", NOW, "{}"));
        Result r = JarRunner.run(dir, "run", "--events", events.toString(), "--now", "yesterday");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("--now: 'yesterday' is not an ISO-8601 instant");
    }

    @Test
    void missingEventsFile_exitsTwoNamingTheFile() {
        Result r = JarRunner.run(dir, "run", "--events", "no-such.jsonl", "--now", NOW);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("--events: no such file: no-such.jsonl").doesNotContain("Exception");
    }

    @Test
    void invalidSettings_exitsTwoNamingTheKey() throws IOException {
        Path events = write("one.jsonl", event("e-1", "c-1", "page.viewed", NOW, "{}"));
        Path settings = write("settings.json", "{\"rules\":{\"win-back\":{\"days\":-3}}}");
        Result r = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--settings", settings.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("rules.win-back.days").contains("settings.json");
    }

    @Test
    void missingTemplatesFolder_exitsTwo() throws IOException {
        Path events = write("one.jsonl", event("e-1", "c-1", "page.viewed", NOW, "{}"));
        Result r = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--templates", "no-templates");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("--templates: no such directory: no-templates");
    }

    // ---- invalid input: exit 3 strict, 0 lenient ----

    @Test
    void strictRun_withBadLines_exitsThreeReportsEveryLineAndWritesNothing() throws IOException {
        Path events = badEvents();
        Path state = copyOfBaseline("strict.state.jsonl");
        Path out = dir.resolve("strict-actions.jsonl");
        Result r = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--state", state.toString(),
                "--out", out.toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.stderr()).contains("line 2: props.price:", "line 4: not valid JSON", "line 5: type:",
                "3 bad lines", "nothing was written");
        assertThat(r.stdout()).isEmpty();
        assertThat(out).doesNotExist();
        assertThat(Files.readAllBytes(state)).isEqualTo(baselineBytes);
    }

    @Test
    void lenientRun_skipsBadLinesAndExitsZero() throws IOException {
        Path events = badEvents();
        Result r = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--lenient");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("line 2: props.price:", "(skipped)", "line 4:", "line 5:")
                .contains("waymark: 2 events, 2 contacts,", "3 rejected lines, 0 rule failures");
        assertThat(r.lines()).isNotEmpty().allSatisfy(l -> assertThat(WaymarkJson.readAction(l).contactId()).isIn("c-1", "c-2"));
    }

    @Test
    void run_readsEventsFromStdin() {
        String stdin = event("e-1", "c-9", "order.placed", "2026-11-20T10:00:00Z", "{\"orderId\":\"o-1\",\"amount\":20}") + "\n";
        Result r = JarRunner.runWithInput(dir, stdin, "run", "--events", "-", "--now", NOW);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("\"contactId\":\"c-9\"", "\"rule\":\"ad-exclusion\"");
    }

    // ---- rules that do not compile: exit 4 ----

    @Test
    void run_withBrokenRuleFile_exitsFourNamingFileAndLineAndLeavesState() throws IOException {
        Path events = write("one.jsonl", event("e-1", "c-1", "page.viewed", NOW, "{}"));
        Path broken = write("broken.drl", BROKEN_DRL);
        Path state = copyOfBaseline("broken.state.jsonl");
        Result r = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--rules", broken.toString(),
                "--state", state.toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.stderr()).contains("rules do not compile").containsPattern("broken\\.drl:\\d+: ");
        assertThat(r.stdout()).isEmpty();
        assertThat(Files.readAllBytes(state)).isEqualTo(baselineBytes);
    }

    @Test
    void check_onGoodRules_printsOkAndTheRuleIds() {
        Result r = JarRunner.run(dir, "check", "--rules", JarRunner.samples().resolve("back-in-stock.drl").toString(),
                "--settings", JarRunner.samples().resolve("settings.json").toString(),
                "--templates", JarRunner.samples().resolve("templates").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("ok: 11 rules").contains("  back-in-stock", "  win-back");
    }

    @Test
    void check_onBrokenRules_exitsFour() throws IOException {
        Path broken = write("broken-check.drl", BROKEN_DRL);
        Result r = JarRunner.run(dir, "check", "--rules", broken.toString());
        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.stderr()).containsPattern("broken-check\\.drl:\\d+: ");
        assertThat(r.stdout()).doesNotContain("ok:");
    }

    // ---- state across runs ----

    @Test
    void stateCarriedBetweenRuns_repeatsNoActionAndAppliesPendingEventsLater() throws IOException {
        Path state = dir.resolve("carry.state.jsonl");
        String futureCart = event("f-4", "c-2", "cart.item_added", "2026-11-21T10:00:00Z", "{\"cartId\":\"k-2\",\"sku\":\"MUG-1\",\"price\":9}");
        Path first = write("carry-1.jsonl",
                event("f-1", "c-1", "subscribed", "2026-11-20T08:00:00Z", "{\"channel\":\"email\"}"),
                event("f-2", "c-1", "cart.item_added", "2026-11-20T09:00:00Z", "{\"cartId\":\"k-1\",\"sku\":\"MUG-1\",\"price\":12.5}"),
                event("f-3", "c-2", "subscribed", "2026-11-20T08:00:00Z", "{\"channel\":\"email\"}"),
                futureCart);
        Result r1 = JarRunner.run(dir, "run", "--events", first.toString(), "--now", NOW, "--state", state.toString());
        assertThat(r1.exit()).as(r1.toString()).isZero();
        assertThat(r1.stderr()).contains("1 event is later than --now: kept in the state file");
        List<Action> a1 = actions(r1);
        assertThat(keys(a1)).contains("c-1 abandoned-cart k-1", "c-1 welcome-series step-1", "c-2 welcome-series step-1")
                .doesNotContain("c-2 abandoned-cart k-2");

        // The queue redelivers the future event; the shop adds an order for c-1.
        Path second = write("carry-2.jsonl", futureCart,
                event("f-5", "c-1", "order.placed", "2026-11-21T09:00:00Z", "{\"orderId\":\"o-1\",\"amount\":12.5,\"cartId\":\"k-1\"}"));
        Result r2 = JarRunner.run(dir, "run", "--events", second.toString(), "--now", "2026-11-21T15:00:00Z", "--state", state.toString());
        assertThat(r2.exit()).as(r2.toString()).isZero();
        List<Action> a2 = actions(r2);
        assertThat(keys(a2)).contains("c-2 abandoned-cart k-2", "c-1 ad-exclusion once");
        Set<String> firstIds = a1.stream().map(Action::id).collect(Collectors.toSet());
        assertThat(a2).noneMatch(a -> firstIds.contains(a.id()));

        // Same input again at the same time: everything is in the ledgers.
        Result r3 = JarRunner.run(dir, "run", "--events", second.toString(), "--now", "2026-11-21T15:00:00Z", "--state", state.toString());
        assertThat(r3.exit()).isZero();
        assertThat(r3.stdout()).isEmpty();
        assertThat(r3.stderr()).contains(" 0 actions,");
    }

    @Test
    void killedRun_leavesThePreviousStateByteForByte() throws Exception {
        // Split the bundled month: the first half makes the state, the second half is the run we kill.
        List<String> early = new ArrayList<>();
        List<String> late = new ArrayList<>();
        for (String line : Files.readAllLines(JarRunner.samples().resolve("shop-events.jsonl"))) {
            (line.substring(line.indexOf("\"at\":\"") + 6).compareTo("2026-10-15T00:00:00Z") < 0 ? early : late).add(line);
        }
        Path state = dir.resolve("killed.state.jsonl");
        Path earlyFile = write("early.jsonl", early.toArray(String[]::new));
        Path lateFile = write("late.jsonl", late.toArray(String[]::new));
        Result first = JarRunner.run(dir, "run", "--events", earlyFile.toString(), "--now", "2026-10-15T00:00:00Z",
                "--state", state.toString());
        assertThat(first.exit()).as(first.toString()).isZero();
        byte[] before = Files.readAllBytes(state);
        List<String> lateRun = JarRunner.command("run", "--events", lateFile.toString(), "--now", "2026-10-31T12:00:00Z",
                "--state", state.toString());

        // Killed while evaluating: as soon as the first actions come out.
        Path tmp = dir.resolve("killed.state.jsonl.tmp");
        killMidway(lateRun, state, before, true, p -> {
            try (InputStream out = p.getInputStream()) {
                assertThat(out.read()).as("the run writes actions").isNotEqualTo(-1);
            }
        });
        // Killed while writing the new state: as soon as its temp file appears.
        killMidway(lateRun, state, before, false, p -> {
            while (p.isAlive() && !Files.exists(tmp)) {
                Thread.sleep(1);
            }
        });

        // Run to the end, it replaces the state and leaves no temp file behind.
        Result done = JarRunner.exec(JarRunner.builder(dir, lateRun), null);
        assertThat(done.exit()).as(done.toString()).isZero();
        assertThat(Files.readAllBytes(state)).isNotEqualTo(before);
        assertThat(tmp).doesNotExist();
    }

    /** What to wait for before killing a run. */
    interface KillTrigger {
        void await(Process p) throws Exception;
    }

    /**
     * Starts {@code command}, kills it once {@code trigger} returns, and checks the state file still holds
     * {@code before}. A run that finished before the kill proves nothing, so it is tried again (the state
     * put back first), up to three times. Without {@code readStdout} the actions go to the null device.
     */
    private static void killMidway(List<String> command, Path state, byte[] before, boolean readStdout,
                                   KillTrigger trigger) throws Exception {
        for (int attempt = 1; attempt <= 3; attempt++) {
            Files.write(state, before);
            Files.deleteIfExists(state.resolveSibling(state.getFileName() + ".tmp"));
            ProcessBuilder pb = JarRunner.builder(dir, command).redirectError(ProcessBuilder.Redirect.DISCARD);
            if (!readStdout) {
                pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            Process p = pb.start();
            try {
                trigger.await(p);
            } finally {
                p.destroyForcibly();
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            if (p.exitValue() != 0) {
                assertThat(Files.readAllBytes(state)).as("state after a run killed midway").isEqualTo(before);
                return;
            }
        }
        throw new AssertionError("the run finished three times before it could be killed");
    }

    // ---- report and explain on a state written by run ----

    static final List<String> STANDARD_RULES = List.of("abandoned-cart", "ad-exclusion", "churn-risk", "cross-sell",
            "loyalty-reward", "review-request", "stage-progression", "unopened-campaigns", "welcome-series", "win-back");

    /** The sample month run in two steps with the sample experiment, as the day-by-day run of docs/command-line.md does. */
    private static Path experimentState;

    /**
     * The state of the bundled sample after two runs with {@code settings-experiments.json}: the whole export at
     * mid-month (later events wait in the state), then the rest of the month with no new events. Written once.
     */
    static synchronized Path experimentState() {
        if (experimentState == null) {
            Path samples = JarRunner.samples();
            Path state = dir.resolve("experiment.state.jsonl");
            String settings = samples.resolve("settings-experiments.json").toString();
            Result first = JarRunner.run(dir, "run", "--events", samples.resolve("shop-events.jsonl").toString(),
                    "--now", "2026-10-16T00:00:00Z", "--settings", settings, "--state", state.toString(), "--out",
                    dir.resolve("experiment-1.jsonl").toString());
            assertThat(first.exit()).as(first.toString()).isZero();
            Result second = JarRunner.runWithInput(dir, "", "run", "--events", "-", "--now", "2026-11-01T00:00:00Z",
                    "--settings", settings, "--state", state.toString(), "--out", dir.resolve("experiment-2.jsonl").toString());
            assertThat(second.exit()).as(second.toString()).isZero();
            experimentState = state;
        }
        return experimentState;
    }

    @Test
    void report_onAStateWrittenByRun_printsTheGoalAndOneRowPerRuleAndArm() {
        Result r = JarRunner.run(dir, "report", "--state", experimentState().toString(),
                "--settings", JarRunner.samples().resolve("settings-experiments.json").toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).isEmpty();
        List<String> lines = r.lines();
        assertThat(lines.get(0)).isEqualTo("goal: order.placed within 72h");
        assertThat(lines.get(1)).startsWith("rule").contains("arm", "reached", "converted", "rate", "revenue", "lift");
        assertThat(lines).filteredOn(l -> l.startsWith("abandoned-cart ")).hasSize(3);
        assertThat(lines.get(2)).matches("abandoned-cart +A +\\d+ +\\d+ +\\d+ +\\d+\\.\\d% +[\\d,]+\\.\\d\\d +[+-]\\d+\\.\\d pp \\[[+-]\\d+\\.\\d, [+-]\\d+\\.\\d]");
        assertThat(lines.get(3)).matches("abandoned-cart +B .* pp \\[.*]");
        assertThat(lines.get(4)).matches("abandoned-cart +holdout +\\d+ +\\d+ +\\d+ +\\d+\\.\\d% +[\\d,]+\\.\\d\\d");
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("welcome-series +all .*"));
        // Each (rule, arm) once, rules in order.
        List<String> keys = lines.subList(2, lines.size()).stream().map(l -> l.split(" +")[0] + " " + l.split(" +")[1]).toList();
        assertThat(keys).doesNotHaveDuplicates();
        assertThat(keys.stream().map(k -> k.split(" ")[0]).toList()).isSorted();
    }

    @Test
    void report_asJson_printsOneObjectWithTheGoalAndRows_someOfThemConverted() throws IOException {
        Result r = JarRunner.run(dir, "report", "--state", experimentState().toString(),
                "--settings", JarRunner.samples().resolve("settings-experiments.json").toString(), "--format", "json");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.lines()).hasSize(1);
        JsonNode root = new ObjectMapper().readTree(r.stdout());
        assertThat(root.get("goal").get("event").asText()).isEqualTo("order.placed");
        assertThat(root.get("goal").get("hours").asInt()).isEqualTo(72);
        List<JsonNode> rows = new ArrayList<>();
        root.get("rows").forEach(rows::add);
        assertThat(rows).extracting(n -> n.get("rule").asText() + " " + n.get("arm").asText())
                .contains("abandoned-cart A", "abandoned-cart B", "abandoned-cart holdout", "welcome-series all");
        assertThat(rows).allSatisfy(n -> {
            assertThat(n.get("reached").asLong()).isPositive().isLessThanOrEqualTo(n.get("actions").asLong());
            assertThat(n.get("converted").asLong()).isLessThanOrEqualTo(n.get("reached").asLong());
            assertThat(n.get("rate").asDouble()).isBetween(0.0, 1.0);
            assertThat(n.has("lift")).isTrue();
        });
        assertThat(rows).anySatisfy(n -> assertThat(n.get("converted").asLong()).isPositive());
        assertThat(rows).filteredOn(n -> n.get("arm").asText().equals("A"))
                .singleElement().satisfies(n -> assertThat(n.get("lift").get("low").asDouble())
                        .isLessThanOrEqualTo(n.get("lift").get("difference").asDouble()));
        assertThat(rows).filteredOn(n -> n.get("arm").asText().equals("holdout"))
                .singleElement().satisfies(n -> assertThat(n.get("lift").isNull()).isTrue());
    }

    @Test
    void report_withAnUnknownFormat_exitsTwoNamingIt() {
        Result r = JarRunner.run(dir, "report", "--state", experimentState().toString(), "--format", "yaml");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("--format: 'yaml' is not a format");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void report_withAMissingStateFile_exitsTwoNamingIt() {
        Result r = JarRunner.run(dir, "report", "--state", "no-such.state.jsonl");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("--state: no such file: no-such.state.jsonl");
    }

    @Test
    void explain_onASampleContact_namesEveryRuleAndLeavesTheStateFileAsItWas() throws IOException {
        Path state = experimentState();
        byte[] bytes = Files.readAllBytes(state);
        FileTime modified = Files.getLastModifiedTime(state);
        Path samples = JarRunner.samples();

        Result r = JarRunner.run(dir, "explain", "--state", state.toString(), "--contact", "c-00029",
                "--now", "2026-11-01T00:00:00Z", "--settings", samples.resolve("settings-experiments.json").toString(),
                "--rules", samples.resolve("back-in-stock.drl").toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("contact c-00029 at 2026-11-01T00:00:00Z")
                .contains("  stage ", "  consents         email ", "ledger: ", "wake-up", "  stored ", "  after now ", "rules (11)");
        for (String rule : STANDARD_RULES) {
            assertThat(r.stdout()).as(rule).containsPattern("\n  " + rule + " +(fires|holdout|withheld|in ledger|no consent"
                    + "|not due|stale|switched off|failed|not met)");
        }
        assertThat(r.stdout()).containsPattern("\n  back-in-stock +");
        assertThat(r.stdout()).containsPattern("\n  abandoned-cart +[a-z ]+ +arm (A|B|holdout)\n");
        assertThat(Files.readAllBytes(state)).isEqualTo(bytes);
        assertThat(Files.getLastModifiedTime(state)).isEqualTo(modified);
        assertThat(state.resolveSibling(state.getFileName() + ".tmp")).doesNotExist();
    }

    @Test
    void explain_asJson_printsOneObjectWithAVerdictPerRule() throws IOException {
        Result r = JarRunner.run(dir, "explain", "--state", experimentState().toString(), "--contact", "c-00029",
                "--now", "2026-11-01T00:00:00Z", "--format", "json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.stdout());
        assertThat(root.get("contact").get("id").asText()).isEqualTo("c-00029");
        assertThat(root.get("now").asText()).isEqualTo("2026-11-01T00:00:00Z");
        List<String> rules = new ArrayList<>();
        root.get("rules").forEach(n -> rules.add(n.get("rule").asText()));
        assertThat(rules).containsExactlyElementsOf(STANDARD_RULES);
    }

    @Test
    void explain_forAContactTheStateDoesNotHold_exitsTwoSayingHowManyItHolds() {
        Result r = JarRunner.run(dir, "explain", "--state", experimentState().toString(), "--contact", "c-99999",
                "--now", "2026-11-01T00:00:00Z");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("no contact 'c-99999'", "2,500 contacts");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void explain_withABrokenRuleFile_exitsFourNamingFileAndLine() throws IOException {
        Path broken = write("broken-explain.drl", BROKEN_DRL);
        Path state = copyOfBaseline("explain-broken.state.jsonl");
        Result r = JarRunner.run(dir, "explain", "--state", state.toString(), "--contact", "c-1", "--now", NOW,
                "--rules", broken.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.stderr()).contains("rules do not compile").containsPattern("broken-explain\\.drl:\\d+: ");
        assertThat(r.stdout()).isEmpty();
        assertThat(Files.readAllBytes(state)).isEqualTo(baselineBytes);
    }

    // ---- simulate and the embedding example ----

    @Test
    void simulate_withTheSameSeed_printsIdenticalReports() throws IOException {
        Path html1 = dir.resolve("sim-1.html");
        Path html2 = dir.resolve("sim-2.html");
        Result r1 = JarRunner.run(dir, "simulate", "--contacts", "300", "--days", "14", "--seed", "42", "--html", html1.toString());
        Result r2 = JarRunner.run(dir, "simulate", "--contacts", "300", "--days", "14", "--seed", "42", "--html", html2.toString());

        assertThat(r1.exit()).as(r1.toString()).isZero();
        assertThat(r2.exit()).as(r2.toString()).isZero();
        assertThat(r1.stdout()).contains("Contacts per stage", "Actions per rule and type", "Conversion", "goal: order.placed within 72h",
                "Abandoned carts", "First to second purchase").isEqualTo(r2.stdout());
        assertThat(Files.readAllBytes(html1)).isEqualTo(Files.readAllBytes(html2));
        String page = Files.readString(html1);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<svg", "Conversion rate per rule and arm")
                .doesNotContain("<script", "src=", "href=");
    }

    @Test
    void simulate_withStderrNoTerminal_drawsNoProgressBar() {
        // Not under CI=true: only stderr being a pipe keeps the bar away.
        ProcessBuilder pb = JarRunner.builder(dir, JarRunner.command("simulate", "--contacts", "2000", "--days", "10", "--seed", "3"));
        pb.environment().remove("CI");
        Result r = JarRunner.exec(pb, null);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).doesNotContain("simulating", "\r")
                .matches("waymark: simulated 2000 contacts over 10 days: \\d+ events, \\d+ actions, 0 rule failures\n");
    }

    @Test
    void simulateReport_labelsItsFigures_andExplainsHowItsTablesDiffer() {
        Result r = JarRunner.run(dir, "simulate", "--contacts", "300", "--days", "7", "--seed", "5");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("orders placed during the run", "events fed: history from before the start",
                "Messages (per message, as the shop saw them)", "Conversion (per contact, as the engine and waymark report count it)",
                "each order once per rule, as in Conversion.", "type                        history        run        all");
    }

    @Test
    void shopHost_runsFromTheJarAndLogsWhatItSends() {
        Result r = JarRunner.exec(JarRunner.builder(dir, List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-cp", JarRunner.jar().toString(), "dev.waymark.examples.host.ShopHost")), null);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("LoggingMailer - email.send to c-", "restarted at", "0 new actions", "done: ")
                .doesNotContain("SLF4J(W)");
    }

    // ---- helpers ----

    static final String BROKEN_DRL = """
            package shop.rules;
            import dev.waymark.Contact;
            global dev.waymark.drools.RuleContext waymark;

            rule "broken"
            when
                $c : Contact( orderCount >>> 2 )
            then
                waymark.emit($c, "tag.add", "once");
            end
            """;

    /** Five lines: 1 and 3 valid, 2 a negative price, 4 not JSON, 5 a bad type. */
    private static Path badEvents() throws IOException {
        return write("bad.jsonl",
                event("x-1", "c-1", "order.placed", "2026-11-20T10:00:00Z", "{\"orderId\":\"o-1\",\"amount\":20}"),
                event("x-2", "c-1", "cart.item_added", "2026-11-20T10:00:00Z", "{\"cartId\":\"k-1\",\"sku\":\"A\",\"price\":-1}"),
                event("x-3", "c-2", "page.viewed", "2026-11-20T10:00:00Z", "{}"),
                "{\"id\":\"x-4\", this is not json",
                event("x-5", "c-2", "Page Viewed", "2026-11-20T10:00:00Z", "{}"));
    }

    private static Path copyOfBaseline(String name) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, baselineBytes);
        return p;
    }

    private static Path write(String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, List.of(lines), StandardCharsets.UTF_8);
        return p;
    }

    static String event(String id, String contact, String type, String at, String props) {
        return "{\"id\":\"" + id + "\",\"contactId\":\"" + contact + "\",\"type\":\"" + type + "\",\"at\":\"" + at
                + "\",\"props\":" + props + "}";
    }

    private static List<Action> actions(Result r) {
        return r.lines().stream().map(WaymarkJson::readAction).toList();
    }

    private static List<String> keys(List<Action> actions) {
        return actions.stream().map(a -> a.contactId() + " " + a.rule() + " " + a.key()).toList();
    }
}
