package dev.waymark.drools.testing;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A small test kit for rule authors: given these events for one contact, evaluated at these times, expect
 * exactly these actions. Works with any test framework: failed expectations throw {@link AssertionError}
 * listing what was expected and what fired.
 *
 * <pre>{@code
 * JourneyScenario cart = JourneyScenario.with(engine)
 *         .event("subscribed", "2026-11-20T09:00:00Z", "channel", "email")
 *         .event("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k-1", "sku", "MUG-1", "price", 12.5);
 * cart.evaluateAt("2026-11-20T13:59:59Z").ofRule("abandoned-cart").expectNothing();
 * cart.evaluateAt("2026-11-20T14:00:00Z").ofRule("abandoned-cart").expectExactly("email.send k-1");
 * }</pre>
 *
 * <p>A scenario keeps the contact's state between evaluations, as a host would, so a second evaluation
 * sees the ledger of the first. Not thread-safe: one scenario per test.
 */
public final class JourneyScenario {

    private final JourneyEngine engine;
    private final String contactId;
    private ContactState state;
    private int nextEventId = 1;

    private JourneyScenario(JourneyEngine engine, String contactId) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.contactId = contactId;
        this.state = ContactState.empty(contactId);
    }

    /** A scenario for contact {@code c-1} on {@code engine}. */
    public static JourneyScenario with(JourneyEngine engine) {
        return new JourneyScenario(engine, "c-1");
    }

    /**
     * A scenario for contact {@code c-1} on the standard rules plus these journey files (JSON), with default
     * settings: a flow is tested the way a rule is, {@code ofRule("<journey id>")} narrowing to its actions.
     *
     * @throws dev.waymark.RuleCompilationException naming the file when a journey is not valid
     */
    public static JourneyScenario withJourneys(java.nio.file.Path... journeyFiles) {
        return withJourneys(dev.waymark.Settings.defaults(), journeyFiles);
    }

    /** As {@link #withJourneys(java.nio.file.Path...)}, with these settings. */
    public static JourneyScenario withJourneys(dev.waymark.Settings settings, java.nio.file.Path... journeyFiles) {
        return with(dev.waymark.drools.Waymark.builder().settings(settings).journeys(journeyFiles).build());
    }

    /** A scenario for the named contact. */
    public static JourneyScenario with(JourneyEngine engine, String contactId) {
        return new JourneyScenario(engine, contactId);
    }

    /** Starts from a saved state instead of an empty one. */
    public JourneyScenario from(ContactState saved) {
        if (!saved.contactId().equals(contactId)) {
            throw new IllegalArgumentException("state is for " + saved.contactId() + ", scenario for " + contactId);
        }
        state = saved;
        return this;
    }

    /**
     * Receives an event: its type, its time (ISO-8601) and props as name/value pairs. Its id is generated
     * ({@code e1}, {@code e2}, …).
     */
    public JourneyScenario event(String type, String at, Object... props) {
        return event(new Event("e" + nextEventId++, contactId, type, Instant.parse(at), props(props)));
    }

    /** Receives events as built (ids as given, so duplicates are ignored as in production). */
    public JourneyScenario event(Event... events) {
        state = state.withEvents(List.of(events));
        return this;
    }

    /** Evaluates at {@code now} (ISO-8601) and keeps the new state. */
    public Fired evaluateAt(String now) {
        return evaluateAt(Instant.parse(now));
    }

    /** Evaluates at {@code now} and keeps the new state. */
    public Fired evaluateAt(Instant now) {
        Evaluation e = engine.evaluate(state, now);
        if (!e.failures().isEmpty()) {
            throw new AssertionError("rules failed at " + now + ": " + e.failures());
        }
        state = e.state();
        return new Fired(e.actions(), e.nextWakeUp(), e.state(), "all rules", knownRules(), engine.rulesWithoutDueTimes());
    }

    /**
     * Explains what evaluating at {@code now} (ISO-8601) would do for each rule and why; keeps nothing, so
     * a test can explain and then evaluate at the same instant.
     */
    public dev.waymark.Explanation explainAt(String now) {
        return engine.explain(state, Instant.parse(now));
    }

    /** The contact's current state. */
    public ContactState state() {
        return state;
    }

    /** The ids of the engine's rules, those switched off in its settings included. */
    private SortedSet<String> knownRules() {
        SortedSet<String> known = new TreeSet<>(engine.ruleIds());
        known.addAll(engine.journeyIds());
        known.addAll(engine.settings().disabledRules());
        return known;
    }

    private static Map<String, Object> props(Object... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("props come in name/value pairs, got " + pairs.length + " values");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /**
     * What one evaluation emitted, with expectations. An expected action is written {@code "rule type key"},
     * or {@code "type key"} within {@link #ofRule}.
     *
     * @param actions    the actions emitted
     * @param wakeUp     the next wake-up after this evaluation
     * @param state      the contact's state after it
     * @param scope      what the actions were narrowed to, for messages
     * @param knownRules the ids {@link #ofRule} accepts: the engine's rules and journeys, switched on or off; empty accepts any
     * @param rulesWithoutDueTimes the engine's rules declaring no {@code @dueTimes}, by id, with their files
     *                   ({@link JourneyEngine#rulesWithoutDueTimes()}): they explain a wake-up equal to the
     *                   evaluation time in {@link #expectWakeUp}'s failure
     */
    public record Fired(List<Action> actions, Optional<Instant> wakeUp, ContactState state, String scope,
                        SortedSet<String> knownRules, SortedMap<String, String> rulesWithoutDueTimes) {

        public Fired {
            actions = List.copyOf(actions);
            knownRules = Collections.unmodifiableSortedSet(new TreeSet<>(knownRules));
            rulesWithoutDueTimes = Collections.unmodifiableSortedMap(new TreeMap<>(rulesWithoutDueTimes));
        }

        /** What was emitted, checking {@link #ofRule} against {@code knownRules}, with no rule lacking due times. */
        public Fired(List<Action> actions, Optional<Instant> wakeUp, ContactState state, String scope,
                     SortedSet<String> knownRules) {
            this(actions, wakeUp, state, scope, knownRules, new TreeMap<>());
        }

        /** What was emitted, with no rule ids to check {@link #ofRule} against. */
        public Fired(List<Action> actions, Optional<Instant> wakeUp, ContactState state, String scope) {
            this(actions, wakeUp, state, scope, new TreeSet<>());
        }

        /**
         * Only the actions of {@code rule}; expectations then name {@code "type key"}.
         *
         * @throws IllegalArgumentException if the engine has no rule {@code rule} (a typo would otherwise make
         *                                  every expectation of nothing pass)
         */
        public Fired ofRule(String rule) {
            if (!knownRules.isEmpty() && !knownRules.contains(rule)) {
                throw new IllegalArgumentException("unknown rule '" + rule + "'; the engine's rules and journeys are " + knownRules);
            }
            return new Fired(actions.stream().filter(a -> a.rule().equals(rule)).toList(), wakeUp, state, "rule " + rule,
                    knownRules, rulesWithoutDueTimes);
        }

        /**
         * Asserts these actions, and no others, were emitted, each as many times as it is expected (order does
         * not matter).
         */
        public Fired expectExactly(String... expected) {
            Map<String, Integer> actual = counts(describe());
            Map<String, Integer> wanted = counts(List.of(expected));
            if (!actual.equals(wanted)) {
                List<String> miscounted = new ArrayList<>();
                for (String a : new TreeSet<>(actual.keySet())) {
                    int want = wanted.getOrDefault(a, 0);
                    if (want > 0 && actual.get(a) != want) {
                        miscounted.add("'" + a + "' appeared " + times(actual.get(a)) + ", expected " + times(want));
                    }
                }
                throw new AssertionError("expected exactly " + List.of(expected) + " from " + scope + " but got "
                        + describe() + (miscounted.isEmpty() ? "" : ": " + String.join("; ", miscounted)));
            }
            return this;
        }

        private static Map<String, Integer> counts(List<String> described) {
            Map<String, Integer> m = new TreeMap<>();
            described.forEach(d -> m.merge(d, 1, Integer::sum));
            return m;
        }

        private static String times(int n) {
            return n == 1 ? "once" : n + " times";
        }

        /** Asserts nothing was emitted. */
        public Fired expectNothing() {
            if (!actions.isEmpty()) {
                throw new AssertionError("expected nothing from " + scope + " but got " + describe());
            }
            return this;
        }

        /** The single action of this type; fails if there is not exactly one. */
        public Action action(String type) {
            List<Action> of = actions.stream().filter(a -> a.type().equals(type)).toList();
            if (of.size() != 1) {
                throw new AssertionError("expected one " + type + " action from " + scope + " but got " + describe());
            }
            return of.get(0);
        }

        /**
         * Asserts the next wake-up is {@code at} (ISO-8601), or none when {@code at} is null. When it is the
         * evaluation time itself, the failure says why: the rules that declare no {@code @dueTimes}, which make
         * every contact due at every evaluation.
         */
        public Fired expectWakeUp(String at) {
            Optional<Instant> want = Optional.ofNullable(at).map(Instant::parse);
            if (!want.equals(wakeUp)) {
                throw new AssertionError("expected next wake-up " + want.map(Instant::toString).orElse("none")
                        + " but got " + wakeUp.map(this::describeWakeUp).orElse("none"));
            }
            return this;
        }

        private String describeWakeUp(Instant got) {
            if (!got.equals(state.evaluatedAt())) {
                return got.toString();
            }
            String now = "now (" + got + ", the evaluation time)";
            if (rulesWithoutDueTimes.isEmpty()) {
                return now + ": the contact is looked at again at the next evaluation, as after the engine's own tag"
                        + " or stage actions changed it while custom rules or suppress tags can react to them";
            }
            List<String> named = new ArrayList<>();
            rulesWithoutDueTimes.forEach((rule, file) -> named.add(rule + " (" + file + ")"));
            boolean one = named.size() == 1;
            return now + " because rule" + (one ? " " : "s ") + String.join(", ", named) + (one ? " declares" : " declare")
                    + " no @dueTimes, so every contact is due at every evaluation; declare @dueTimes on "
                    + (one ? "it" : "them") + " (testing time only through waymark.due/dueAfter) to get the real wake-up";
        }

        private List<String> describe() {
            boolean oneRule = scope.startsWith("rule ");
            return actions.stream().map(a -> (oneRule ? "" : a.rule() + " ") + a.type() + " " + a.key()).toList();
        }
    }
}
