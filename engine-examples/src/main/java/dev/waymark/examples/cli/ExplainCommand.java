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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

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
public final class ExplainCommand {

    static final Map<String, Options.Arity> OPTIONS = Map.of(
            "--state", Options.Arity.ONE,
            "--store", Options.Arity.ONE,
            "--contact", Options.Arity.ONE,
            "--now", Options.Arity.ONE,
            "--settings", Options.Arity.ONE,
            "--rules", Options.Arity.MANY,
            "--journeys", Options.Arity.MANY,
            "--format", Options.Arity.ONE);

    private final PrintStream stdout;

    /** An explanation printing to {@code stdout}. */
    public ExplainCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    /** Explains; returns normally only on success. */
    public void run(Options o) throws IOException {
        String stateArg = StateOrStore.source(o, "explain");
        String contactId = o.required("--contact");
        Instant now = RunCommand.parseNow(o.required("--now"));
        OutputFormat format = OutputFormat.of(o);
        Path stateFile = o.has("--state") ? InputFiles.readableFile("--state", stateArg) : null;
        String store = o.has("--store") ? StoreAccess.location(stateArg, true) : null;
        Path settingsFile = EngineSetup.settingsFile(o);
        List<Path> ruleFiles = EngineSetup.ruleFiles(o);
        List<Path> journeyFiles = EngineSetup.journeyFiles(o);
        Settings settings = EngineSetup.readSettings(settingsFile);

        // Compiling takes seconds: do it while the state is read. Templates only render bodies, which
        // change no verdict, so explain builds without them.
        CompletableFuture<JourneyEngine> engine = EngineSetup.buildInBackground(settings, ruleFiles, journeyFiles, null, settingsFile);
        ContactState state;
        if (store != null) {
            try (ContactStore s = StoreAccess.open(store)) {
                state = s.state(contactId).orElse(null);
                if (state == null) {
                    throw CliException.usage("explain: --contact: no contact '" + contactId + "' in " + stateArg
                            + ", which holds " + String.format(Locale.ROOT, "%,d contacts", s.contacts()));
                }
            } catch (StoreException e) {
                throw StoreAccess.failure(e);
            }
        } else {
            TreeMap<String, ContactState> states = StateFile.read(stateFile);
            state = states.get(contactId);
            if (state == null) {
                throw CliException.usage("explain: --contact: no contact '" + contactId + "' in " + stateArg + ", which holds "
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
