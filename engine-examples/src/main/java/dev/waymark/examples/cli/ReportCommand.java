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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code waymark report} (docs/command-line.md, docs/settings-and-policies.md): the conversion report of the contacts in a state file or a store, per rule and
 * arm, as a text table or JSON. It reads the tallies each state keeps and runs no rule, so it compiles
 * nothing and takes as long as reading the file. Only {@code --settings}' policies matter: the goal named in
 * the header and the experiments whose arms get a row even before they reached anybody.
 *
 * <p>Errors: a missing or unreadable file, bad settings or an unknown {@code --format} are bad usage (exit
 * 2); a line that is not a contact state is invalid input (exit 3) naming the line.
 */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        synopsisHeading = "usage: java -jar waymark.jar ",
        customSynopsis = {"report (--state FILE | --store PATH) [--settings FILE] [--format text|json]"},
        header = {
            "Prints the conversion report: per rule and experiment arm, messages, contacts reached and",
            "converted, rate, revenue and each variant's lift over the holdout. Compiles nothing."},
        description = {"",
            "Prints the conversion report of a state file or store: per rule and experiment arm, the messages (or "
                + "holdout records) sent, contacts reached and converted (the goal event, by default order.placed, "
                + "within the goal window after one), rate, revenue, and each variant's lift over the holdout in "
                + "percentage points with its 95%% interval. Runs judge conversions by the conversion goal "
                + "of their settings; give report the same --settings for the goal line and the experiments' arms. "
                + "JSON gives rates and lifts as fractions. With journeys, also per journey and step the contacts "
                + "that reached it, wait at it, completed and exited. Compiles nothing."},
        optionListHeading = "%noptions:%n")
public final class ReportCommand implements CliCommand {

    @Mixin
    StateOrStore from = new StateOrStore();

    @Option(names = "--settings", paramLabel = "FILE", converter = OptionTypes.PathValue.class,
            description = "the settings of the runs: the goal and the experiments' arms")
    Path settingsArg;

    @Option(names = "--format", paramLabel = "text|json", converter = OptionTypes.FormatValue.class,
            description = "a table for a person (default) or one JSON object")
    OutputFormat format = OutputFormat.TEXT;

    private final PrintStream stdout;

    /** A report printing to {@code stdout}. */
    ReportCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    /** Reports; returns normally only on success. */
    @Override
    public void run() throws IOException {
        String stateName = from.source("report");
        Path stateFile = from.stateArg != null ? InputFiles.readableFile("--state", stateName) : null;
        String store = from.storeArg != null ? StoreAccess.location(stateName, true) : null;
        Path settingsFile = EngineSetup.settingsFile(settingsArg);
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
