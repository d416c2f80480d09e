package dev.waymark.examples.cli;

import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code waymark check} (docs/command-line.md): compiles the standard rules, the given rule files and any templates, validates
 * the journey files and the settings without touching any contact. Prints {@code ok: N rules} and the rule ids
 * (then {@code journeys: N} and their ids) on success; failures
 * use the exit codes of {@code run} (2 settings or usage, 4 rules that do not compile).
 */
public final class CheckCommand {

    static final Map<String, Options.Arity> OPTIONS = Map.of(
            "--rules", Options.Arity.MANY,
            "--journeys", Options.Arity.MANY,
            "--settings", Options.Arity.ONE,
            "--templates", Options.Arity.ONE);

    private final PrintStream stdout;

    /** A check printing its result to {@code stdout}. */
    public CheckCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    /** Checks; returns normally only when everything compiles and validates. */
    public void run(Options o) {
        if (!o.has("--rules") && !o.has("--journeys")) {
            throw CliException.usage("check: --rules or --journeys is required (see waymark --help)");
        }
        List<Path> ruleFiles = EngineSetup.ruleFiles(o);
        List<Path> journeyFiles = EngineSetup.journeyFiles(o);
        Path settingsFile = EngineSetup.settingsFile(o);
        Path templates = EngineSetup.templates(o);
        Settings settings = EngineSetup.readSettings(settingsFile);
        JourneyEngine engine = EngineSetup.build(settings, ruleFiles, journeyFiles, templates, settingsFile);
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
        stdout.flush();
    }
}
