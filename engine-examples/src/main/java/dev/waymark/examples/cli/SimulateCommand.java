package dev.waymark.examples.cli;

import dev.waymark.examples.storage.AtomicFile;
import dev.waymark.JourneyEngine;
import dev.waymark.RuleCompilationException;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import dev.waymark.examples.sim.HtmlReport;
import dev.waymark.examples.sim.SimulationReport;
import dev.waymark.examples.sim.Simulator;
import dev.waymark.examples.sim.TextReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.ArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code waymark simulate}: runs the synthetic shop of {@link Simulator} through the standard rules and the
 * bundled {@code back-in-stock} rule, then prints the funnel report (and writes it as HTML with
 * {@code --html}). The same options and seed give a byte-identical report. A progress bar goes to stderr
 * for long runs only when stderr is a terminal (and the environment does not say {@code CI=true}): piped or
 * logged, stderr holds only the closing summary line.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        synopsisHeading = "usage: java -jar waymark.jar ",
        customSynopsis = {
            "simulate --contacts N --days D [--seed S] [--html FILE] [--settings FILE]",
            "         [--journeys FILE.json ...]"},
        header = {
            "Runs a synthetic shop hour by hour through the engine and prints a funnel report with",
            "the conversion report; --html FILE also writes it as one HTML page."},
        description = {"",
            "Runs a synthetic shop hour by hour through the engine (standard rules plus the bundled back-in-stock "
                + "rule), with the engine's messages feeding back into what the shoppers do, and prints a funnel "
                + "report with the conversion report. --html FILE also writes it as one self-contained HTML page. "
                + "The same seed gives the same report. On a terminal, stderr shows a progress bar."},
        optionListHeading = "%noptions:%n")
public final class SimulateCommand implements CliCommand {

    @Option(names = "--contacts", required = true, paramLabel = "N", converter = OptionTypes.WholeNumber.class,
            description = "shoppers to simulate, 1 to 1000000")
    long contactsArg;

    @Option(names = "--days", required = true, paramLabel = "D", converter = OptionTypes.WholeNumber.class,
            description = "days to simulate, 1 to 3650")
    long daysArg;

    @Option(names = "--seed", paramLabel = "S", converter = OptionTypes.WholeNumber.class,
            description = "the random seed (default 1): the same seed gives the same report")
    long seed = 1L;

    @Option(names = "--html", paramLabel = "FILE", converter = OptionTypes.PathValue.class,
            description = "also write the report as one self-contained HTML page")
    Path htmlArg;

    @Option(names = "--settings", paramLabel = "FILE", converter = OptionTypes.PathValue.class,
            description = "rule switches, parameters and policies (JSON)")
    Path settingsArg;

    @Option(names = "--journeys", arity = "1..*", paramLabel = "FILE.json", converter = OptionTypes.PathValue.class,
            description = "journeys to run beside the rules, one JSON file each")
    List<Path> journeysArgs = new ArrayList<>();

    /** The custom rule the simulated shop runs beside the standard ones (samples/back-in-stock.drl). */
    public static final String BACK_IN_STOCK = "dev/waymark/examples/rules/back-in-stock.drl";

    private static final int MAX_CONTACTS = 1_000_000;
    private static final int MAX_DAYS = 3650;
    // Below this many contact-days a run takes a few seconds: no progress bar needed.
    private static final long PROGRESS_FROM = 20_000;

    private final PrintStream stdout;
    private final PrintStream stderr;
    private final Terminal terminal;

    /**
     * A simulation printing its report to {@code stdout} and, when {@code terminal} says stderr is one, its
     * progress to {@code stderr}.
     */
    SimulateCommand(PrintStream stdout, PrintStream stderr, Terminal terminal) {
        this.stdout = stdout;
        this.stderr = stderr;
        this.terminal = terminal;
    }

    /** Simulates and reports; returns normally only on success. */
    @Override
    public void run() throws IOException {
        int contacts = (int) within("--contacts", contactsArg, 1, MAX_CONTACTS);
        int days = (int) within("--days", daysArg, 1, MAX_DAYS);
        Path html = htmlArg != null ? InputFiles.writableFile("--html", htmlArg.toString(), false) : null;
        Path settingsFile = EngineSetup.settingsFile(settingsArg);
        Settings settings = EngineSetup.readSettings(settingsFile);
        List<Path> journeyFiles = EngineSetup.journeyFiles(journeysArgs);

        JourneyEngine engine;
        try {
            Waymark.Builder builder = Waymark.builder().settings(settings).rulesFromClasspath(BACK_IN_STOCK);
            for (Path p : journeyFiles) {
                try {
                    builder.journeys(p);
                } catch (RuleCompilationException e) {
                    throw e;
                } catch (dev.waymark.WaymarkException e) {
                    throw new CliException(ExitStatus.USAGE, List.of("--journeys: " + e.getMessage()), e);
                }
            }
            engine = builder.build();
        } catch (RuleCompilationException e) {
            throw new CliException(ExitStatus.RULES, List.of(e.getMessage()), e);
        } catch (dev.waymark.InvalidSettingsException e) {
            throw new CliException(ExitStatus.USAGE, List.of((settingsFile == null ? "" : settingsFile + ": ") + e.getMessage()), e);
        }

        boolean showProgress = showsProgress(terminal, System.getenv("CI"), (long) contacts * days);
        ProgressBar bar = showProgress ? new ProgressBar(stderr) : null;
        SimulationReport report = new Simulator(engine, Math.max(1, Runtime.getRuntime().availableProcessors()))
                .run(contacts, days, seed, bar == null ? null : bar::hours);
        if (bar != null) {
            bar.finish();
        }
        stdout.print(TextReport.render(report));
        stdout.flush();
        if (html != null) {
            String page = HtmlReport.render(report);
            new AtomicFile(html).write(w -> w.write(page));
        }
        stderr.println("waymark: simulated " + contacts + " contacts over " + days + " days: " + report.totalEvents()
                + " events, " + report.totalActions() + " actions, " + report.ruleFailures() + " rule failures"
                + (html == null ? "" : "; HTML report in " + html));
    }

    private static long within(String option, long n, long min, long max) {
        if (n < min || n > max) {
            throw CliException.usage("simulate: " + option + " must be from " + min + " to " + max + ", was " + n);
        }
        return n;
    }

    /**
     * Whether the bar is drawn: only on a terminal — a bar of carriage returns is noise in a pipe or a log —
     * not under CI, and only for runs long enough to need one.
     */
    static boolean showsProgress(Terminal terminal, String ci, long contactDays) {
        return terminal.stderr() && !"true".equalsIgnoreCase(ci) && contactDays >= PROGRESS_FROM;
    }

    /** A one-line bar redrawn with carriage returns, at most once per percent. */
    private static final class ProgressBar {
        private static final int WIDTH = 30;
        private final PrintStream out;
        private int shown = -1;

        ProgressBar(PrintStream out) {
            this.out = out;
        }

        void hours(int done, int total) {
            int percent = (int) (100L * done / total);
            if (percent == shown) {
                return;
            }
            shown = percent;
            int filled = percent * WIDTH / 100;
            out.print("\rsimulating [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + percent + "%  day "
                    + ((done + 23) / 24) + "/" + (total / 24));
            out.flush();
        }

        void finish() {
            out.print("\n");
            out.flush();
        }
    }
}
