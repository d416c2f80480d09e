package dev.waymark.examples.cli;

import dev.waymark.ContactState;
import dev.waymark.Explanation;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.examples.report.ExplanationJson;
import dev.waymark.examples.report.ExplanationText;
import dev.waymark.store.ContactStore;
import dev.waymark.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.ArrayList;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code waymark explain} (docs/command-line.md): for one contact of a state file or a store ({@code --store}, docs/contact-store.md), its facts, ledger and wake-up, and for
 * every rule whether it would fire at {@code --now} and, if not, why. It changes nothing: the state file is
 * only read, never written, whatever happens. The engine is built as {@code run} builds it, so give it the
 * same {@code --settings}, {@code --rules} and {@code --journeys} as the runs that wrote the state; for each
 * journey it shows where the contact stands (step, since when, what it waits for until when, the path) or why
 * it is not in it.
 *
 * <p>Errors as {@code run}: bad usage (exit 2) for options, files, settings — and a contact the state does
 * not hold; invalid input (exit 3) for a line that is not a contact state; exit 4 for a rule file that does
 * not compile.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        synopsisHeading = "usage: java -jar waymark.jar ",
        customSynopsis = {
            "explain (--state FILE | --store PATH) --contact ID --now INSTANT [--settings FILE]",
            "        [--rules FILE.drl ...] [--journeys FILE.json ...] [--format text|json]"},
        header = {
            "Shows one contact at now: its facts, ledger and wake-up, and for each rule whether it",
            "would fire and, if not, why. Changes nothing."},
        description = {"",
            "Shows one contact of a state file or store at now: its facts, ledger and wake-up, and for each rule "
                + "whether it would fire and, if not, why (switched off, no consent, withheld by which policy, in the "
                + "ledger, not due until when, stale, holdout). Changes nothing: the state file or store is only read. "
                + "Give it the --settings, --rules and --journeys of the runs; for each journey it shows the step and "
                + "since when, what it waits for until when and the path so far, or why the contact is not in it."},
        optionListHeading = "%noptions:%n")
public final class ExplainCommand implements CliCommand {

    @Mixin
    StateOrStore from = new StateOrStore();

    @Option(names = "--contact", required = true, paramLabel = "ID", converter = OptionTypes.Text.class,
            description = "the contact to explain")
    String contactId;

    @Option(names = "--now", required = true, paramLabel = "INSTANT", converter = OptionTypes.InstantValue.class,
            description = "the time to explain at, e.g. 2026-10-31T18:00:00Z")
    Instant now;

    @Option(names = "--settings", paramLabel = "FILE", converter = OptionTypes.PathValue.class,
            description = "the settings of the runs (JSON)")
    Path settingsArg;

    @Option(names = "--rules", arity = "1..*", paramLabel = "FILE.drl", converter = OptionTypes.PathValue.class,
            description = "the extra DRL rule files of the runs")
    List<Path> rulesArgs = new ArrayList<>();

    @Option(names = "--journeys", arity = "1..*", paramLabel = "FILE.json", converter = OptionTypes.PathValue.class,
            description = "the journey files of the runs")
    List<Path> journeysArgs = new ArrayList<>();

    @Option(names = "--format", paramLabel = "text|json", converter = OptionTypes.FormatValue.class,
            description = "a table for a person (default) or one JSON object")
    OutputFormat format = OutputFormat.TEXT;

    private final PrintStream stdout;

    /** An explanation printing to {@code stdout}. */
    ExplainCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    /** Explains; returns normally only on success. */
    @Override
    public void run() throws IOException {
        String stateName = from.source("explain");
        Path stateFile = from.stateArg != null ? InputFiles.readableFile("--state", stateName) : null;
        String store = from.storeArg != null ? StoreAccess.location(stateName, true) : null;
        Path settingsFile = EngineSetup.settingsFile(settingsArg);
        List<Path> ruleFiles = EngineSetup.ruleFiles(rulesArgs);
        List<Path> journeyFiles = EngineSetup.journeyFiles(journeysArgs);
        Settings settings = EngineSetup.readSettings(settingsFile);

        // Compiling takes seconds: do it while the state is read. Templates only render bodies, which
        // change no verdict, so explain builds without them.
        CompletableFuture<JourneyEngine> engine = EngineSetup.buildInBackground(settings, ruleFiles, journeyFiles, null, settingsFile);
        ContactState state;
        if (store != null) {
            try (ContactStore s = StoreAccess.open(store)) {
                state = s.state(contactId).orElse(null);
                if (state == null) {
                    throw CliException.usage("explain: --contact: no contact '" + contactId + "' in " + stateName
                            + ", which holds " + String.format(Locale.ROOT, "%,d contacts", s.contacts()));
                }
            } catch (StoreException e) {
                throw StoreAccess.failure(e);
            }
        } else {
            TreeMap<String, ContactState> states = StateFile.read(stateFile);
            state = states.get(contactId);
            if (state == null) {
                throw CliException.usage("explain: --contact: no contact '" + contactId + "' in " + stateName + ", which holds "
                        + count(states));
            }
        }
        Explanation explanation = EngineSetup.await(engine).explain(state, now);
        switch (format) {
            case TEXT -> stdout.print(ExplanationText.render(explanation));
            case JSON -> stdout.println(ExplanationJson.render(explanation));
        }
        stdout.flush();
    }

    private static String count(TreeMap<String, ContactState> states) {
        return switch (states.size()) {
            case 0 -> "no contacts";
            case 1 -> "1 contact (" + states.firstKey() + ")";
            default -> String.format(Locale.ROOT, "%,d contacts (%s to %s)", states.size(),
                    states.firstKey(), states.lastKey());
        };
    }
}
