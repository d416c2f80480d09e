package dev.waymark.drools;

import dev.waymark.InvalidSettingsException;
import dev.waymark.JourneyEngine;
import dev.waymark.RuleCompilationException;
import dev.waymark.Settings;
import dev.waymark.WaymarkException;
import dev.waymark.core.JourneyDefinition;
import dev.waymark.core.MessageRenderer;
import dev.waymark.core.Pipeline;
import dev.waymark.core.RuleRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link JourneyEngine} running the standard journey rules, plus any DRL of the host's, on Drools.
 *
 * <pre>{@code
 * JourneyEngine engine = Waymark.builder()
 *         .settings(WaymarkJson.readSettings(json))
 *         .rules(Path.of("rules/back-in-stock.drl"))
 *         .build();
 * }</pre>
 *
 * <p>Building compiles every rule once; the engine is then immutable and thread-safe. The builder is
 * not thread-safe; every setter checks its argument at once.
 *
 * <p><b>Trust.</b> DRL is code with the host's privileges, like any plugin: a rule can do whatever Java can.
 * The {@linkplain Builder#ruleFiringBudget firing budget} and the {@linkplain Builder#ruleTimeLimit time limit}
 * guard against accidents (a rule that re-activates itself, recurses or loops), not against a hostile rule;
 * review rule files as code. Message templates are what marketers edit, so they are sandboxed: see
 * {@link Builder#templates}.
 */
public final class Waymark {

    private Waymark() {
    }

    /** Firings one contact's evaluation may take unless {@link Builder#ruleFiringBudget} says otherwise. */
    public static final int DEFAULT_FIRING_BUDGET = 10_000;
    /** How long a rule may run without returning unless {@link Builder#ruleTimeLimit} says otherwise. */
    public static final Duration DEFAULT_RULE_TIME_LIMIT = Duration.ofSeconds(30);

    /**
     * A rule that did not return within the engine's {@linkplain Builder#ruleTimeLimit time limit} and did not
     * stop when its thread was interrupted: the pass that was waiting for it ends with this exception. The
     * thread running the rule cannot be taken back (Java cannot stop a thread that ignores interruption), so it
     * and its session are lost; a command-line process should end. Immutable.
     */
    public static final class RunawayRuleException extends WaymarkException {
        private static final long serialVersionUID = 1L;
        private final String rule;
        private final String contactId;

        /**
         * @param rule      the rule that last started firing, or null when none had (its conditions were running)
         * @param contactId the contact being evaluated, or null when the batch's contact could not be told
         * @param limit     the time limit, as text for the message
         */
        public RunawayRuleException(String rule, String contactId, String limit) {
            super((rule == null ? "the rules' conditions" : "rule '" + rule + "'")
                    + (contactId == null ? "" : " for contact " + contactId)
                    + " did not return within " + limit + " and did not stop when interrupted; the evaluation is abandoned"
                    + " (a rule that never returns, such as a loop in its then-part; its thread cannot be stopped)");
            this.rule = rule;
            this.contactId = contactId;
        }

        /** The rule that last started firing, or null when none had. */
        public String rule() {
            return rule;
        }

        /** The contact being evaluated, or null when it could not be told. */
        public String contactId() {
            return contactId;
        }
    }

    /** A builder with default settings and only the standard rules. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds the engine; see {@link Waymark}. */
    public static final class Builder {
        private Settings settings = Settings.defaults();
        private final List<RuleSource> rules = new ArrayList<>();
        private int batchSize = 128;
        private boolean skipNotDue = true;
        private int firingBudget = DEFAULT_FIRING_BUDGET;
        private Duration ruleTimeLimit = DEFAULT_RULE_TIME_LIMIT;
        private int sessionResetFrom = DroolsRuleRunner.RESET_FROM;
        private Path templates;
        private final List<JourneyDefinition> journeys = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds journeys (multi-step flows defined as data), one JSON file each. Each file is read, parsed
         * and validated now — its conditions compiled — so a bad one fails here, naming the file.
         *
         * @throws WaymarkException naming the file when it cannot be read
         * @throws RuleCompilationException naming the file and the field or step when it is not a valid journey
         */
        public Builder journeys(Path... journeyFiles) {
            for (Path p : Objects.requireNonNull(journeyFiles, "journeyFiles")) {
                Objects.requireNonNull(p, "journey file");
                String json;
                try {
                    json = Files.readString(p, StandardCharsets.UTF_8);
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new WaymarkException("journey file " + p + " is not valid UTF-8", e);
                } catch (IOException e) {
                    throw new WaymarkException("cannot read journey file " + p + ": " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
                }
                journeys.add(JourneyDefinition.parse(p.toString(), json));
            }
            return this;
        }

        /** Adds a journey from its JSON text; {@code name} stands for it in errors. */
        public Builder journey(String name, String json) {
            journeys.add(JourneyDefinition.parse(Objects.requireNonNull(name, "name"), Objects.requireNonNull(json, "json")));
            return this;
        }

        /** Which rules are on and their parameters; defaults to {@link Settings#defaults()}. */
        public Builder settings(Settings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Adds a DRL file beside the standard rules.
         *
         * @throws WaymarkException naming the file when it cannot be read
         */
        public Builder rules(Path drlFile) {
            Objects.requireNonNull(drlFile, "drlFile");
            try {
                rules.add(new RuleSource(drlFile.toString(), Files.readString(drlFile, StandardCharsets.UTF_8)));
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new WaymarkException("rule file " + drlFile + " is not valid UTF-8", e);
            } catch (IOException e) {
                throw new WaymarkException("cannot read rule file " + drlFile + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
            }
            return this;
        }

        /** Adds DRL text; {@code name} stands for it in compile errors. */
        public Builder rules(String name, String drl) {
            rules.add(new RuleSource(Objects.requireNonNull(name, "name"), Objects.requireNonNull(drl, "drl")));
            return this;
        }

        /** Adds a DRL resource from the classpath, for example {@code rules/back-in-stock.drl}. */
        public Builder rulesFromClasspath(String resource) {
            Objects.requireNonNull(resource, "resource");
            ClassLoader cl = Thread.currentThread().getContextClassLoader() != null
                    ? Thread.currentThread().getContextClassLoader() : Waymark.class.getClassLoader();
            try (InputStream in = cl.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new WaymarkException("no rule resource '" + resource + "' on the classpath");
                }
                rules.add(new RuleSource(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new WaymarkException("cannot read rule resource " + resource + ": " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * A folder of MVEL message templates ({@code T.mvel} renders messages whose {@code params.template} is
         * {@code T}). They compile when the engine is built, held to a safe subset of MVEL: reading
         * {@code contact}, {@code params} and {@code now} and their properties, {@code @if}/{@code @foreach},
         * literals, operators and the helpers {@code number}, {@code money} and {@code date}; anything else (a
         * method call, {@code new}, a class, {@code @code}, {@code @include}, ...) fails {@link #build} naming the
         * file and line. One rendering may write 64 KiB and run 10,000 {@code @foreach} iterations; a template
         * over that fails that message only, which then goes out without a body and is reported.
         *
         * @throws WaymarkException naming the folder when it does not exist
         */
        public Builder templates(Path dir) {
            Objects.requireNonNull(dir, "dir");
            if (!Files.isDirectory(dir)) {
                throw new WaymarkException("templates folder " + dir + " does not exist or is not a folder");
            }
            this.templates = dir;
            return this;
        }

        /** How many contacts share one {@code fireAllRules} (default 128); at least 1. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Most rule firings one contact's evaluation may take (default {@value Waymark#DEFAULT_FIRING_BUDGET}); a contact
         * over it — typically a rule that {@code update}s its own fact and so re-activates itself — fails as for a
         * rule that throws, naming the rule that fired last: its state is rolled back, its events kept for the next
         * evaluation, and every other contact goes on. A batch of contacts shares one count; a batch over it is
         * run again one contact at a time, so the budget is exact per contact. A guard against accidents, not a
         * sandbox: rules are code with the host's privileges.
         *
         * @throws IllegalArgumentException quoting a budget below 1
         */
        public Builder ruleFiringBudget(int firings) {
            if (firings < 1) {
                throw new IllegalArgumentException("ruleFiringBudget must be at least 1 firing, was " + firings);
            }
            this.firingBudget = firings;
            return this;
        }

        /**
         * How long one rule may run (a then-part, or the conditions between two firings) before a watchdog steps
         * in (default 30 s). The watchdog interrupts the thread: a rule that then stops (one that sleeps or waits)
         * fails its contact as for a rule that throws. One that does not stop is given up: the pass waiting for it
         * ends with {@link RunawayRuleException} naming the rule and the contact. A pass ends that way only when
         * the rules run on threads of their own ({@code evaluateAll} with parallelism 2 or more); on the calling
         * thread ({@code evaluate}, or parallelism 1) nothing can take the thread back, and the call returns, with
         * that exception, only if the rule ever does.
         *
         * @throws IllegalArgumentException quoting a limit that is not positive
         */
        public Builder ruleTimeLimit(Duration limit) {
            Objects.requireNonNull(limit, "limit");
            if (limit.isZero() || limit.isNegative()) {
                throw new IllegalArgumentException("ruleTimeLimit must be positive, was " + limit);
            }
            this.ruleTimeLimit = limit;
            return this;
        }

        /**
         * Batches of at least this many contacts leave the pooled session by a reset instead of fact by fact
         * (default {@link DroolsRuleRunner#RESET_FROM}). Package-private: tests set 1 to put every batch through
         * the reset.
         */
        Builder sessionResetFrom(int contacts) {
            this.sessionResetFrom = contacts;
            return this;
        }

        /**
         * Whether to skip contacts whose next wake-up is after {@code now} and that have no due event (default
         * true). Turning it off changes no result, only speed; it exists to verify exactly that.
         */
        public Builder skipNotDue(boolean skip) {
            this.skipNotDue = skip;
            return this;
        }

        /**
         * Compiles the rules and builds the engine.
         *
         * @throws RuleCompilationException naming file and line of every rule or template problem, once each: also
         *         an unknown rule annotation, a rule name that is not a rule id ({@code [a-z][a-z0-9-]*}), and a
         *         rule id that a standard rule (switched on or off), another rule or a journey already has
         * @throws InvalidSettingsException when settings name a rule the ruleset does not have
         */
        public JourneyEngine build() {
            MessageRenderer renderer = templates == null ? MessageRenderer.NONE : MvelTemplates.load(templates);
            RulesetCompiler.CompiledRuleset compiled = RulesetCompiler.compile(settings, rules, journeys);
            // With every rule switched off (an engine of journeys alone) there is nothing for Drools to fire,
            // and a knowledge base without rules declares no global to hand it.
            RuleRunner runner = compiled.ruleIds().isEmpty() ? (contacts, now, out) -> { }
                    : new DroolsRuleRunner(compiled.kieBase(), settings, firingBudget, ruleTimeLimit, sessionResetFrom);
            return Pipeline.around(runner)
                    .settings(settings)
                    .ruleset(compiled.fingerprint(), compiled.ruleIds())
                    .wakeUps(compiled.alwaysDue() ? Pipeline.WakeUps.EVERY_EVALUATION : Pipeline.WakeUps.DECLARED)
                    .rulesWithoutDueTimes(compiled.withoutDueTimes())
                    .rulesReactToOwnActions(!rules.isEmpty()) // custom rules may react to the engine's tag and stage actions
                    .skipContactsNotDue(skipNotDue)
                    .batchSize(batchSize)
                    .renderer(renderer)
                    .journeys(journeys)
                    .build();
        }
    }
}
