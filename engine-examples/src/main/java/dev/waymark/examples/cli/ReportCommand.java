package dev.waymark.examples.cli;

import dev.waymark.ConversionReport;
import dev.waymark.Settings;
import dev.waymark.examples.report.ConversionJson;
import dev.waymark.examples.report.ConversionText;
import dev.waymark.store.ContactStore;
import dev.waymark.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code waymark report} (docs/command-line.md, docs/settings-and-policies.md): the conversion report of the contacts in a state file or a store, per rule and
 * arm, as a text table or JSON. It reads the tallies each state keeps and runs no rule, so it compiles
 * nothing and takes as long as reading the file. Only {@code --settings}' policies matter: the goal named in
 * the header and the experiments whose arms get a row even before they reached anybody.
 *
 * <p>Errors: a missing or unreadable file, bad settings or an unknown {@code --format} are bad usage (exit
 * 2); a line that is not a contact state is invalid input (exit 3) naming the line.
 */
public final class ReportCommand {

    static final Map<String, Options.Arity> OPTIONS = Map.of(
            "--state", Options.Arity.ONE,
            "--store", Options.Arity.ONE,
            "--settings", Options.Arity.ONE,
            "--format", Options.Arity.ONE);

    private final PrintStream stdout;

    /** A report printing to {@code stdout}. */
    public ReportCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    /** Reports; returns normally only on success. */
    public void run(Options o) throws IOException {
        String stateArg = StateOrStore.source(o, "report");
        OutputFormat format = OutputFormat.of(o);
        Path stateFile = o.has("--state") ? InputFiles.readableFile("--state", stateArg) : null;
        String store = o.has("--store") ? StoreAccess.location(stateArg, true) : null;
        Path settingsFile = EngineSetup.settingsFile(o);
        Settings settings = EngineSetup.readSettings(settingsFile);

        ConversionReport report;
        if (store != null) {
            try (ContactStore s = StoreAccess.open(store)) {
                report = ConversionReport.of(s.states(), settings); // read a page at a time
            } catch (StoreException e) {
                throw StoreAccess.failure(e);
            }
        } else {
            report = ConversionReport.of(StateFile.read(stateFile).values(), settings);
        }
        switch (format) {
            case TEXT -> stdout.print(ConversionText.render(report));
            case JSON -> stdout.println(ConversionJson.render(report));
        }
        stdout.flush();
    }
}
