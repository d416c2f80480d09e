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
import java.util.Map;

/**
 * {@code waymark simulate}: runs the synthetic shop of {@link Simulator} through the standard rules and the
 * bundled {@code back-in-stock} rule, then prints the funnel report (and writes it as HTML with
 * {@code --html}). The same options and seed give a byte-identical report. A progress bar goes to stderr
 * for long runs, except when the environment says {@code CI=true}.
 */
public final class SimulateCommand {

    static final Map<String, Options.Arity> OPTIONS = Map.of(
            "--contacts", Options.Arity.ONE,
            "--days", Options.Arity.ONE,
            "--seed", Options.Arity.ONE,
            "--html", Options.Arity.ONE,
            "--settings", Options.Arity.ONE,
            "--journeys", Options.Arity.MANY);

    /** The custom rule the simulated shop runs beside the standard ones (samples/back-in-stock.drl). */
    public static final String BACK_IN_STOCK = "dev/waymark/examples/rules/back-in-stock.drl";

    private static final int MAX_CONTACTS = 1_000_000;
    private static final int MAX_DAYS = 3650;
    // Below this many contact-days a run takes a few seconds: no progress bar needed.
    private static final long PROGRESS_FROM = 20_000;

    private final PrintStream stdout;
    private final PrintStream stderr;

    /** A simulation printing its report to {@code stdout} and progress to {@code stderr}. */
    public SimulateCommand(PrintStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Simulates and reports; returns normally only on success. */
    public void run(Options o) throws IOException {
        int contacts = (int) number(o, "--contacts", o.required("--contacts"), 1, MAX_CONTACTS);
        int days = (int) number(o, "--days", o.required("--days"), 1, MAX_DAYS);
        long seed = o.has("--seed") ? number(o, "--seed", o.value("--seed"), Long.MIN_VALUE, Long.MAX_VALUE) : 1L;
        Path html = o.has("--html") ? InputFiles.writableFile("--html", o.value("--html"), false) : null;
        Path settingsFile = EngineSetup.settingsFile(o);
        Settings settings = EngineSetup.readSettings(settingsFile);
        List<java.nio.file.Path> journeyFiles = EngineSetup.journeyFiles(o);

        JourneyEngine engine;
        try {
            Waymark.Builder builder = Waymark.builder().settings(settings).rulesFromClasspath(BACK_IN_STOCK);
            for (java.nio.file.Path p : journeyFiles) {
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

        boolean showProgress = !"true".equalsIgnoreCase(System.getenv("CI")) && (long) contacts * days >= PROGRESS_FROM;
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

    private static long number(Options o, String option, String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw CliException.usage(o.command() + ": " + option + ": '" + value + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw CliException.usage(o.command() + ": " + option + " must be from " + min + " to " + max + ", was " + n);
        }
        return n;
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
