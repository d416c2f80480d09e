package dev.waymark.examples.cli;

import dev.waymark.InvalidSettingsException;
import dev.waymark.JourneyEngine;
import dev.waymark.RuleCompilationException;
import dev.waymark.Settings;
import dev.waymark.WaymarkException;
import dev.waymark.drools.Waymark;
import dev.waymark.json.WaymarkJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Reads settings and compiles rules and templates for {@code run}, {@code check} and {@code explain}, turning the engine's
 * errors into command-line failures: invalid settings are bad usage (exit 2) naming the key, a rule file or
 * template that does not compile is exit 4 with file, line and message of every problem.
 */
public final class EngineSetup {
    private EngineSetup() {
    }

    /** The settings in {@code file}, or the defaults when {@code file} is null. */
    public static Settings readSettings(Path file) {
        if (file == null) {
            return Settings.defaults();
        }
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CliException(ExitStatus.USAGE, List.of("--settings: " + file + " is not valid UTF-8"), e);
        } catch (IOException e) {
            throw CliException.usage("--settings: cannot read " + file + ": " + describe(e));
        }
        try {
            return WaymarkJson.readSettings(json);
        } catch (InvalidSettingsException e) {
            throw new CliException(ExitStatus.USAGE, List.of(file + ": " + e.getMessage()), e);
        }
    }

    /**
     * Compiles the standard rules (as {@code settings} switch them), every rule file and, when
     * {@code templates} is not null, every message template of that folder into an engine.
     */
    public static JourneyEngine build(Settings settings, List<Path> ruleFiles, Path templates, Path settingsFile) {
        return build(settings, ruleFiles, List.of(), templates, settingsFile);
    }

    /**
     * As {@link #build(Settings, List, Path, Path)}, with journey files (JSON) beside the rules: a journey
     * file that cannot be read is bad usage (exit 2), one that is not a valid journey exit 4, naming the
     * file and the field or step.
     */
    public static JourneyEngine build(Settings settings, List<Path> ruleFiles, List<Path> journeyFiles, Path templates,
                                      Path settingsFile) {
        Waymark.Builder builder = Waymark.builder().settings(settings);
        if (templates != null) {
            try {
                builder.templates(templates);
            } catch (WaymarkException e) {
                throw new CliException(ExitStatus.USAGE, List.of("--templates: " + e.getMessage()), e);
            }
        }
        for (Path p : ruleFiles) {
            try {
                builder.rules(p);
            } catch (WaymarkException e) {
                throw new CliException(ExitStatus.USAGE, List.of("--rules: " + e.getMessage()), e);
            }
        }
        try {
            for (Path p : journeyFiles) {
                try {
                    builder.journeys(p);
                } catch (RuleCompilationException e) {
                    throw e;
                } catch (WaymarkException e) {
                    throw new CliException(ExitStatus.USAGE, List.of("--journeys: " + e.getMessage()), e);
                }
            }
            return builder.build();
        } catch (RuleCompilationException e) {
            List<String> lines = new ArrayList<>();
            lines.add((templates == null ? "rules" : "rules or templates") + (journeyFiles.isEmpty() ? "" : " or journeys")
                    + " do not compile ("
                    + e.problems().size() + (e.problems().size() == 1 ? " problem):" : " problems):"));
            for (RuleCompilationException.Problem p : e.problems()) {
                lines.add("  " + p);
            }
            throw new CliException(ExitStatus.RULES, lines, e);
        } catch (InvalidSettingsException e) {
            // Only known once the rules are compiled: settings naming a rule the ruleset does not have.
            throw new CliException(ExitStatus.USAGE,
                    List.of((settingsFile == null ? "" : settingsFile + ": ") + e.getMessage()), e);
        }
    }

    /**
     * {@link #build} on a thread of its own: compiling takes seconds, so a command reads its input meanwhile.
     * The thread is a daemon, so a command that fails on its input need not wait for the compiler.
     */
    public static CompletableFuture<JourneyEngine> buildInBackground(Settings settings, List<Path> ruleFiles,
                                                                     Path templates, Path settingsFile) {
        return buildInBackground(settings, ruleFiles, List.of(), templates, settingsFile);
    }

    /** {@link #build(Settings, List, List, Path, Path)} on a thread of its own. */
    public static CompletableFuture<JourneyEngine> buildInBackground(Settings settings, List<Path> ruleFiles,
                                                                     List<Path> journeyFiles, Path templates, Path settingsFile) {
        CompletableFuture<JourneyEngine> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(build(settings, ruleFiles, journeyFiles, templates, settingsFile));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "waymark-compile");
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** The engine of {@link #buildInBackground}, once compiled; its failure rethrown as {@link #build} threw it. */
    public static JourneyEngine await(CompletableFuture<JourneyEngine> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Rule file paths from {@code --rules}, each checked readable (bad usage naming the first that is not). */
    public static List<Path> ruleFiles(List<Path> given) {
        List<Path> out = new ArrayList<>();
        for (Path v : given) {
            out.add(InputFiles.readableFile("--rules", v.toString()));
        }
        return List.copyOf(out);
    }

    /** Journey file paths from {@code --journeys}, each checked readable. */
    public static List<Path> journeyFiles(List<Path> given) {
        List<Path> out = new ArrayList<>();
        for (Path v : given) {
            out.add(InputFiles.readableFile("--journeys", v.toString()));
        }
        return List.copyOf(out);
    }

    /** The {@code --settings} file, checked readable (bad usage otherwise), or {@code null} when not given. */
    public static Path settingsFile(Path given) {
        return given == null ? null : InputFiles.readableFile("--settings", given.toString());
    }

    /**
     * The folder of {@code --templates} (message templates), checked to exist; {@code null} when the option
     * is absent.
     */
    public static Path templates(Path given) {
        return given == null ? null : InputFiles.directory("--templates", given.toString());
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
    }
}
