package dev.waymark.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as a person meets it, in process: help and version, every parse mistake as exit 2 naming
 * the command and the option, suggestions for a mistyped option or command in a stable order, {@code check}
 * on settings alone and its due-times note, and where the run summary says the actions went.
 */
class CommandLineTest {

    static final String NOW = "2026-11-20T10:00:00Z";

    @TempDir
    Path dir;

    record Outcome(int exit, String stdout, String stderr) {
    }

    static Outcome cli(Terminal terminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.execute(args, new ByteArrayInputStream(new byte[0]), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), false, terminal);
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Outcome cli(String... args) {
        return cli(Terminal.NONE, args);
    }

    static void assertUsage(String message, String... args) {
        Outcome o = cli(args);
        assertThat(o.exit()).as(o.stderr()).isEqualTo(2);
        assertThat(o.stderr()).startsWith("waymark: ").contains(message).doesNotContain("Exception");
        assertThat(o.stdout()).isEmpty();
    }

    // ---- help and version ----

    @Test
    void help_listsEveryCommandWithItsSynopsisInTheDocumentedOrder_andTheExitCodes() {
        Outcome o = cli("--help");
        assertThat(o.exit()).isZero();
        assertThat(o.stdout()).startsWith("usage: java -jar waymark.jar <command> [options]\n")
                .contains("--version", "exit codes:", "4 rules, templates or journeys do not compile");
        List<Integer> at = Cli.COMMANDS.stream().map(c -> o.stdout().indexOf("\n  " + c + " ")).toList();
        assertThat(at).doesNotContain(-1).isSorted();
    }

    @Test
    void commandHelp_showsItsOwnUsageAndOptions_alsoAsHelpCommand() {
        Outcome o = cli("run", "--help");
        assertThat(o.exit()).isZero();
        assertThat(o.stdout()).startsWith("usage: java -jar waymark.jar run --events FILE|- --now INSTANT")
                .contains("--events=FILE|-", "--now=INSTANT", "--state=FILE", "--store=PATH", "--out=FILE", "--lenient")
                .doesNotContain("simulate --contacts");
        assertThat(cli("help", "run").stdout()).isEqualTo(o.stdout());
        assertThat(cli("check", "--help").stdout()).contains("--settings alone validates a settings file");
    }

    @Test
    void version_printsTheBuildsVersion_onTopAndOnACommand() {
        Outcome o = cli("--version");
        assertThat(o.exit()).isZero();
        assertThat(o.stdout()).matches("waymark \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
        assertThat(cli("run", "--version").stdout()).isEqualTo(o.stdout());
    }

    @Test
    void noCommand_printsTheUsageToStderr_exit2() {
        Outcome o = cli();
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.stderr()).startsWith("usage:").endsWith("waymark: no command given\n");
    }

    // ---- did you mean ----

    @Test
    void unknownOption_suggestsTheNearest_andListsTheKnownSorted_theSameOnEveryRun() {
        Outcome first = cli("run", "--events", "x.jsonl", "--now", NOW, "--stat", "s.jsonl");
        Outcome second = cli("run", "--events", "x.jsonl", "--now", NOW, "--stat", "s.jsonl");
        assertThat(first.exit()).isEqualTo(2);
        assertThat(first.stderr()).isEqualTo(second.stderr()).isEqualTo(
                "waymark: run: unknown option --stat: did you mean --state? (known: --events, --help, --journeys, --lenient, "
                        + "--now, --out, --progress, --rules, --settings, --state, --store, --templates, --version; "
                        + "see waymark run --help)\n");
    }

    @Test
    void unknownOption_isReportedBeforeTheRequiredOptionsItMadeLookMissing() {
        Outcome o = cli("run", "--stat", "s.jsonl");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.stderr()).startsWith("waymark: run: unknown option --stat: did you mean --state?")
                .doesNotContain("is required");
    }

    @Test
    void unknownOption_farFromAnyName_suggestsNothing() {
        assertUsage("run: unknown option --colour (known: --events, ", "run", "--events", "x", "--now", NOW, "--colour");
    }

    @Test
    void unknownCommand_suggestsTheNearest_andListsTheCommandsInOrder() {
        Outcome o = cli("simulte", "--days", "3");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.stderr()).isEqualTo("waymark: unknown command 'simulte': did you mean simulate? (commands: run, check, "
                + "explain, report, forget, import, simulate; see waymark --help)\n").isEqualTo(cli("simulte").stderr());
    }

    @Test
    void nearest_ordersByDistanceThenName() {
        assertThat(Cli.nearest("--stae", List.of("--store", "--state", "--settings"))).containsExactly("--state", "--store");
        assertThat(Cli.nearest("explian", Cli.COMMANDS)).containsExactly("explain");
        assertThat(Cli.nearest("--zzz", List.of("--now", "--out"))).isEmpty();
    }

    // ---- parse mistakes: exit 2 naming the command and option ----

    @Test
    void missingRequiredOption_isNamed() {
        assertUsage("run: --now is required", "run", "--events", "x.jsonl");
    }

    @Test
    void missingValue_isNamed() {
        assertUsage("run: --now needs a value", "run", "--events", "x", "--now");
        assertUsage("run: --now needs a value", "run", "--now", "--events", "x");
        assertUsage("run: --rules needs at least one value", "run", "--events", "x", "--now", NOW, "--rules", "--lenient");
    }

    @Test
    void singleValuedOptionTwice_isRejected() {
        assertUsage("run: --now is given twice", "run", "--events", "x", "--now", NOW, "--now", NOW);
    }

    @Test
    void badValues_areNamedWithTheExpectedForm() {
        assertUsage("run: --now: 'yesterday' is not an ISO-8601 instant like 2026-11-20T10:00:00Z",
                "run", "--events", "x", "--now", "yesterday");
        assertUsage("run: --events: the value is empty", "run", "--events=", "--now", NOW);
        assertUsage("simulate: --days: 'ten' is not a whole number", "simulate", "--contacts", "5", "--days", "ten");
        assertUsage("simulate: --days must be from 1 to 3650, was 0", "simulate", "--contacts", "5", "--days", "0");
        assertUsage("report: --format: 'csv' is not a format (known: text, json)", "report", "--state", "s", "--format", "csv");
    }

    @Test
    void strayArgument_isRejected() {
        assertUsage("check: unexpected argument 'rules.drl'", "check", "rules.drl");
    }

    @Test
    void missingFile_isBadUsageNamingOptionAndFile() {
        assertUsage("--events: no such file: no-such.jsonl", "run", "--events", "no-such.jsonl", "--now", NOW);
    }

    @Test
    void stateAndStore_stayMutuallyExclusive() {
        Outcome o = cli("run", "--events", "-", "--now", NOW, "--state", dir.resolve("s").toString(),
                "--store", dir.resolve("db").toString());
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.stderr()).isEqualTo("waymark: run: --state and --store are mutually exclusive (give one)\n");
    }

    @Test
    void equalsFormAndRepeatedManyValuedOptions_areParsed() throws IOException {
        Path events = Files.writeString(dir.resolve("e.jsonl"), "");
        Outcome o = cli("run", "--events=" + events, "--now=" + NOW, "--journeys",
                "samples/journeys/cart-recovery.json", "--journeys=samples/journeys/welcome-journey.json", "--lenient");
        assertThat(o.exit()).as(o.stderr()).isZero();
    }

    // ---- check ----

    @Test
    void checkSettingsAlone_validatesThemAgainstTheStandardRules() throws IOException {
        Path settings = Files.writeString(dir.resolve("settings.json"), "{\"rules\":{\"win-back\":{\"days\":60}}}");
        Outcome o = cli("check", "--settings", settings.toString());
        assertThat(o.exit()).as(o.stderr()).isZero();
        assertThat(o.stdout()).startsWith("ok: " + settings + " is valid for the standard rules\nok: 10 rules\n")
                .contains("  win-back\n").doesNotContain("note:");
    }

    @Test
    void checkSettingsAlone_withAnUnknownKey_isExit2NamingFileAndKey() throws IOException {
        Path settings = Files.writeString(dir.resolve("settings.json"), "{\"rules\":{\"win-back\":{\"dayz\":60}}}");
        Outcome o = cli("check", "--settings", settings.toString());
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.stderr()).startsWith("waymark: " + settings + ": ").contains("rules.win-back.dayz");
        assertThat(o.stdout()).isEmpty();
    }

    @Test
    void checkWithNothingToCheck_isBadUsage() {
        assertUsage("check: --rules, --journeys or --settings is required", "check");
    }

    @Test
    void check_notesEachRuleWithoutDueTimes_namingItsFile() throws IOException {
        Path rule = Files.writeString(dir.resolve("vip.drl"), """
                package demo.rules;
                import dev.waymark.Contact;
                global dev.waymark.drools.RuleContext waymark;
                rule "vip-tag"
                when
                    $c : Contact( totalSpent() >= 500 )
                then
                    waymark.emit($c, "tag.add", "vip", java.util.Map.of("tag", "vip"));
                end
                """);
        Outcome o = cli("check", "--rules", rule.toString(), "samples/back-in-stock.drl");
        assertThat(o.exit()).as(o.stderr()).isZero();
        assertThat(o.stdout()).contains("  vip-tag\n").endsWith("note: rule vip-tag (" + rule
                + ") declares no @dueTimes: every contact is due on every run\n");
        assertThat(o.stdout()).as("back-in-stock declares its due times").doesNotContain("rule back-in-stock (");
    }

    // ---- run: where the actions went ----

    @Test
    void runSummary_namesTheOutFile() throws IOException {
        Path events = Files.writeString(dir.resolve("e.jsonl"),
                "{\"id\":\"e-1\",\"contactId\":\"c-1\",\"type\":\"subscribed\",\"at\":\"2026-11-20T09:00:00Z\",\"props\":{\"channel\":\"email\"}}\n");
        Path out = dir.resolve("actions.jsonl");
        Outcome o = cli("run", "--events", events.toString(), "--now", NOW, "--out", out.toString());
        assertThat(o.exit()).as(o.stderr()).isZero();
        long actions = Files.readAllLines(out).size();
        assertThat(actions).isPositive();
        assertThat(o.stderr()).isEqualTo("waymark: 1 events, 1 contacts, " + actions + " actions written to " + out
                + ", 0 rejected lines, 0 rule failures, 0 late events\n");
    }

    @Test
    void runOnATerminalWithManyActions_saysHowToWriteThemToAFile_butNotWhenPiped() {
        String[] args = {"run", "--events", "samples/shop-events.jsonl", "--now", "2026-10-31T12:00:00Z"};
        Outcome terminal = cli(new Terminal(true, false), args);
        assertThat(terminal.exit()).as(terminal.stderr()).isZero();
        assertThat(terminal.stderr().lines().toList()).last().asString()
                .matches("waymark: the \\d+ actions went to the terminal; --out FILE writes them to a file");
        Outcome piped = cli(args);
        assertThat(piped.stdout()).isEqualTo(terminal.stdout());
        assertThat(piped.stderr().lines().toList()).singleElement().asString().startsWith("waymark: ").contains(" late events");
    }

    // ---- progress ----

    @Test
    void progress_printsNothingWhenStderrIsNoTerminal_andRedrawsOneLineOnATerminal() {
        ByteArrayOutputStream piped = new ByteArrayOutputStream();
        Progress none = Progress.of(false, false, new PrintStream(piped, true, StandardCharsets.UTF_8));
        assertThat(none.shown()).isFalse();
        none.read(1_000_000);
        none.update(10, 20);
        none.done();
        assertThat(piped.size()).isZero();

        assertThat(Progress.of(false, true, System.err).shown()).isTrue();
        assertThat(Progress.of(true, false, System.err).shown()).as("--progress asks for it anyway").isTrue();
    }

    @Test
    void simulateBar_isDrawnOnlyOnATerminal() {
        assertThat(SimulateCommand.showsProgress(Terminal.NONE, null, 1_000_000)).isFalse();
        assertThat(SimulateCommand.showsProgress(new Terminal(true, false), null, 1_000_000)).as("stdout alone").isFalse();
        assertThat(SimulateCommand.showsProgress(new Terminal(false, true), null, 1_000_000)).isTrue();
        assertThat(SimulateCommand.showsProgress(new Terminal(false, true), "true", 1_000_000)).as("under CI").isFalse();
    }
}
