package dev.waymark.core;

import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Builds the evaluation pipeline around a {@link RuleRunner}: the one {@link JourneyEngine} implementation
 * that every way of running rules (Drools, hand-written Java in the benchmarks) shares, so folding, the
 * ledger, consent, policies, templates and wake-ups behave the same whatever fires the rules.
 *
 * <pre>{@code
 * JourneyEngine engine = Pipeline.around(runner)
 *         .settings(settings)
 *         .ruleset(fingerprint, ruleIds)
 *         .wakeUps(Pipeline.WakeUps.DECLARED)
 *         .build();
 * }</pre>
 *
 * <p>This is the engine implementer's door, not the host's: a host builds an engine with
 * {@code dev.waymark.drools.Waymark}. The builder is not thread-safe; every setter checks its argument at
 * once. The engine it builds is immutable and thread-safe.
 */
public final class Pipeline {
    private Pipeline() {
    }

    /** Whether contacts can be skipped until their wake-up. */
    public enum WakeUps {
        /** Every rule declares when it could fire next, so a contact not due is skipped until then. */
        DECLARED,
        /** Some rule does not say when it could fire, so every contact is due at every evaluation. */
        EVERY_EVALUATION
    }

    /** A builder for the pipeline around {@code rules}. */
    public static Builder around(RuleRunner rules) {
        return new Builder(Objects.requireNonNull(rules, "rules"));
    }

    /** Builds the pipeline; see {@link Pipeline}. */
    public static final class Builder {
        private final RuleRunner rules;
        private Settings settings = Settings.defaults();
        private String rulesetId;
        private SortedSet<String> ruleIds;
        private WakeUps wakeUps = WakeUps.DECLARED;
        private java.util.SortedMap<String, String> rulesWithoutDueTimes = Collections.emptySortedMap();
        private boolean rulesReactToOwnActions;
        private boolean skipContactsNotDue = true;
        private int batchSize = 128;
        private MessageRenderer renderer = MessageRenderer.NONE;
        private java.util.List<JourneyDefinition> journeys = java.util.List.of();

        private Builder(RuleRunner rules) {
            this.rules = rules;
        }

        /** Which rules are on, their parameters and the delivery policies; default {@link Settings#defaults()}. */
        public Builder settings(Settings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * The ruleset: its fingerprint (with the settings; a state's wake-up is trusted only by an engine with
         * the same one) and the ids of the rules switched on. Required.
         *
         * @throws IllegalArgumentException quoting a blank fingerprint or a blank rule id
         */
        public Builder ruleset(String fingerprint, Collection<String> ruleIds) {
            if (fingerprint == null || fingerprint.isBlank()) {
                throw new IllegalArgumentException("ruleset fingerprint must not be blank, was '" + fingerprint + "'");
            }
            TreeSet<String> ids = new TreeSet<>();
            for (String id : Objects.requireNonNull(ruleIds, "ruleIds")) {
                if (id == null || id.isBlank()) {
                    throw new IllegalArgumentException("rule id must not be blank, was '" + id + "'");
                }
                ids.add(id);
            }
            this.rulesetId = fingerprint;
            this.ruleIds = Collections.unmodifiableSortedSet(ids);
            return this;
        }

        /**
         * The rules that declare no due times, by id, each with the file it came from, for
         * {@link JourneyEngine#rulesWithoutDueTimes()}; default none. It only informs: {@link #wakeUps} decides.
         */
        public Builder rulesWithoutDueTimes(java.util.Map<String, String> ruleFiles) {
            java.util.SortedMap<String, String> copy = new java.util.TreeMap<>();
            Objects.requireNonNull(ruleFiles, "ruleFiles").forEach((id, file) ->
                    copy.put(Objects.requireNonNull(id, "rule id"), Objects.requireNonNull(file, "file")));
            this.rulesWithoutDueTimes = Collections.unmodifiableSortedMap(copy);
            return this;
        }

        /** Whether contacts may be skipped until their wake-up; default {@link WakeUps#DECLARED}. */
        public Builder wakeUps(WakeUps wakeUps) {
            this.wakeUps = Objects.requireNonNull(wakeUps, "wakeUps");
            return this;
        }

        /**
         * Whether rules may react to the engine's own tag and stage actions (true when the ruleset has rules
         * besides the standard ones); such a contact stays due at the next evaluation. Default false.
         */
        public Builder rulesReactToOwnActions(boolean react) {
            this.rulesReactToOwnActions = react;
            return this;
        }

        /**
         * Whether to skip contacts whose wake-up lies after {@code now} and that have no due event (default
         * true). Turning it off changes no result, only speed; it exists to verify exactly that.
         */
        public Builder skipContactsNotDue(boolean skip) {
            this.skipContactsNotDue = skip;
            return this;
        }

        /**
         * How many contacts are handed to the rule runner at once (default 128).
         *
         * @throws IllegalArgumentException quoting a value below 1
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Renders message bodies from templates (docs/templates.md); default renders nothing. */
        public Builder renderer(MessageRenderer renderer) {
            this.renderer = Objects.requireNonNull(renderer, "renderer");
            return this;
        }

        /**
         * The journeys (multi-step flows defined as data, {@link JourneyDefinition#parse}) to run after the rules
         * fire; default none. Settings switch one off with {@code rules.<id>.enabled}. Include them in the
         * ruleset fingerprint: a state's wake-up is trusted only by an engine with the same journeys.
         *
         * @throws dev.waymark.RuleCompilationException naming both files when two journeys share an id
         */
        public Builder journeys(java.util.List<JourneyDefinition> journeys) {
            java.util.Map<String, JourneyDefinition> ids = new java.util.TreeMap<>();
            for (JourneyDefinition j : Objects.requireNonNull(journeys, "journeys")) {
                JourneyDefinition clash = ids.put(Objects.requireNonNull(j, "journey").id(), j);
                if (clash != null) {
                    throw new dev.waymark.RuleCompilationException(java.util.List.of(new dev.waymark.RuleCompilationException.Problem(
                            j.file(), 0, "journey: '" + j.id() + "' is already the id of the journey in " + clash.file())));
                }
            }
            this.journeys = java.util.List.copyOf(journeys);
            return this;
        }

        /**
         * The engine.
         *
         * @throws IllegalStateException when {@link #ruleset} was not given
         * @throws dev.waymark.RuleCompilationException naming the file when a journey id is a rule's
         */
        public JourneyEngine build() {
            if (rulesetId == null) {
                throw new IllegalStateException("the ruleset (fingerprint and rule ids) is required");
            }
            for (JourneyDefinition j : journeys) {
                if (ruleIds.contains(j.id())) {
                    throw new dev.waymark.RuleCompilationException(java.util.List.of(new dev.waymark.RuleCompilationException.Problem(
                            j.file(), 0, "journey: '" + j.id() + "' is already the id of a rule")));
                }
            }
            return new Evaluator(new Evaluator.Config(settings, rules, rulesetId, ruleIds, wakeUps,
                    rulesReactToOwnActions, skipContactsNotDue, batchSize, renderer, journeys, rulesWithoutDueTimes));
        }
    }
}
