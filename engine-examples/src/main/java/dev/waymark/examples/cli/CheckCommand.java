package dev.waymark.examples.cli;

import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code waymark check}: compiles the standard rules, the given rule files and any templates, validates the
 * journey files and the settings without touching any contact. {@code --settings} alone validates a settings
 * file against the standard rules. Prints {@code ok: N rules} and the rule ids (then {@code journeys: N} and
 * their ids) on success, then a {@code note:} for each rule that declares no due times, since such a rule makes
 * every contact due on every run. Failures use the exit codes of {@code run} (2 settings or usage, 4 rules that
 * do not compile).
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        synopsisHeading = "usage: java -jar waymark.jar ",
        customSynopsis = {"check [--rules FILE.drl ...] [--journeys FILE.json ...] [--settings FILE] [--templates DIR]"},
        header = {
            "Compiles the rules (and templates), validates the journeys and the settings without running;",
            "--settings alone checks a settings file against the standard rules."},
        description = {"",
            "Compiles the standard rules and the --rules files (and the --templates), validates the --journeys "
                + "and the --settings without touching any contact, and prints \"ok: N rules\" and the rule ids, "
                + "then the journey ids. --settings alone validates a settings file against the standard rules "
                + "(an unknown rule or parameter, or a bad value, is exit 2 naming its key). A custom rule without "
                + "@dueTimes gets a note: while it is on, the engine cannot tell when it could fire next, so every "
                + "contact is due on every run. One of --rules, --journeys or --settings is required."},
        optionListHeading = "%noptions:%n")
public final class CheckCommand implements CliCommand {

    @Option(names = "--rules", arity = "1..*", paramLabel = "FILE.drl", converter = OptionTypes.PathValue.class,
            description = "DRL rule files to compile beside the standard rules")
    List<Path> rulesArgs = new ArrayList<>();

    @Option(names = "--journeys", arity = "1..*", paramLabel = "FILE.json", converter = OptionTypes.PathValue.class,
            description = "journey files to validate, one JSON file each")
    List<Path> journeysArgs = new ArrayList<>();

    @Option(names = "--settings", paramLabel = "FILE", converter = OptionTypes.PathValue.class,
            description = "a settings file to validate (JSON); alone, against the standard rules")
    Path settingsArg;

    @Option(names = "--templates", paramLabel = "DIR", converter = OptionTypes.PathValue.class,
            description = "a folder of MVEL message templates to compile")
    Path templatesArg;

    private final PrintStream stdout;

    /** A check printing its result to {@code stdout}. */
    CheckCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    /** Checks; returns normally only when everything compiles and validates. */
    @Override
    public void run() {
        if (rulesArgs.isEmpty() && journeysArgs.isEmpty() && settingsArg == null) {
            throw CliException.usage("check: --rules, --journeys or --settings is required (see waymark check --help)");
        }
        List<Path> ruleFiles = EngineSetup.ruleFiles(rulesArgs);
        List<Path> journeyFiles = EngineSetup.journeyFiles(journeysArgs);
        Path settingsFile = EngineSetup.settingsFile(settingsArg);
        Path templates = EngineSetup.templates(templatesArg);
        Settings settings = EngineSetup.readSettings(settingsFile);
        // Settings alone are checked against the standard rules: building checks every rule id they name.
        JourneyEngine engine = EngineSetup.build(settings, ruleFiles, journeyFiles, templates, settingsFile);
        if (ruleFiles.isEmpty() && journeyFiles.isEmpty() && templates == null) {
            stdout.println("ok: " + settingsFile + " is valid for the standard rules");
        }
        stdout.println("ok: " + engine.ruleIds().size() + " rules");
        for (String id : engine.ruleIds()) {
            stdout.println("  " + id);
        }
        if (!journeyFiles.isEmpty()) {
            stdout.println("journeys: " + engine.journeyIds().size());
            for (String id : engine.journeyIds()) {
                stdout.println("  " + id);
            }
        }
        if (!settings.disabledRules().isEmpty()) {
            stdout.println("switched off: " + String.join(", ", settings.disabledRules()));
        }
        for (Map.Entry<String, String> r : engine.rulesWithoutDueTimes().entrySet()) {
            stdout.println(dueTimesNote(r.getKey(), r.getValue()));
        }
        stdout.flush();
    }

    /** The note for a rule that declares no due times, naming it and its file. */
    static String dueTimesNote(String rule, String source) {
        return "note: rule " + rule + " (" + source + ") declares no @dueTimes: every contact is due on every run";
    }
}
