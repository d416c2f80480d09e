package dev.waymark.core;

import dev.waymark.RuleCompilationException;
import dev.waymark.internal.ExperimentBuckets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A journey: a multi-step flow defined as data (one JSON file per journey), parsed and validated once —
 * every condition compiled — so an engine built from it cannot meet a malformed flow while running. Its id
 * shares the rule id space: it is the {@code rule} of the journey's actions, and settings and policies name
 * it like a rule. Hand definitions to {@link Pipeline.Builder#journeys}. Immutable and thread-safe.
 */
public final class JourneyDefinition {

    /** The reserved step name that ends a journey. */
    static final String END = "end";

    /** How often a contact may enter. */
    enum Reentry { NEVER, ALWAYS, AFTER_HOURS }

    /** A step of the flow; every successor is a step id or {@link #END}. */
    sealed interface Step permits Wait, WaitUntil, WaitFor, If, Split, Send {
        String id();
    }

    /** Left at step time + {@code duration}. */
    record Wait(String id, Duration duration, String next) implements Step {
    }

    /** Left at the first instant at or after the step time that is {@code time} locally on one of {@code days}. */
    record WaitUntil(String id, LocalTime time, Set<DayOfWeek> days, String next) implements Step {
    }

    /** Left at the first matching event in (step time, step time + window], to next; else at the timeout. */
    record WaitFor(String id, String event, Duration window, JourneyCondition where, String next, String timeout) implements Step {
    }

    /** A branch on a condition over the contact. */
    record If(String id, JourneyCondition condition, String then, String otherwise) implements Step {
    }

    /** A split by the contact's bucket; {@code arms} in listed order. */
    record Split(String id, List<Arm> arms, ExperimentBuckets buckets) implements Step {
    }

    /** One arm of a split. */
    record Arm(String name, double weight, String next) {
    }

    /** Emits one action. */
    record Send(String id, String type, Map<String, Object> params, String next) implements Step {
    }

    private final String id;
    private final String file;
    private final String source;
    final String entryEvent;
    final JourneyCondition entryWhere;
    final JourneyCondition entryWhen;
    final String exitEvent;
    final JourneyCondition exitWhen;
    final Reentry reentry;
    final Duration reentryAfter;
    final Duration stale;
    final ZoneId defaultZone;
    final List<Step> steps;
    private final Map<String, Step> byId;

    JourneyDefinition(String id, String file, String source, String entryEvent, JourneyCondition entryWhere,
                      JourneyCondition entryWhen, String exitEvent, JourneyCondition exitWhen, Reentry reentry,
                      Duration reentryAfter, Duration stale, ZoneId defaultZone, List<Step> steps, Map<String, Step> byId) {
        this.id = id;
        this.file = file;
        this.source = source;
        this.entryEvent = entryEvent;
        this.entryWhere = entryWhere;
        this.entryWhen = entryWhen;
        this.exitEvent = exitEvent;
        this.exitWhen = exitWhen;
        this.reentry = reentry;
        this.reentryAfter = reentryAfter;
        this.stale = stale;
        this.defaultZone = defaultZone;
        this.steps = List.copyOf(steps);
        this.byId = Map.copyOf(byId);
    }

    /**
     * Parses and validates one journey file: its JSON, every field, every step reference, the conditions
     * (compiled now), that every step is reachable and that the steps form no cycle.
     *
     * @param file the file name, named in every error
     * @param json the file's text
     * @throws RuleCompilationException naming {@code file} and the field or step at fault
     */
    public static JourneyDefinition parse(String file, String json) {
        return JourneyParser.parse(file, json);
    }

    /** The journey id: the {@code rule} of its actions. */
    public String id() {
        return id;
    }

    /** The file it was read from, as named when parsed. */
    public String file() {
        return file;
    }

    /** The file's text, for fingerprints: a state's wake-up is trusted only by an engine with the same journeys. */
    public String source() {
        return source;
    }

    /** Whether any condition is evaluated (entry, exit or branch): own tag and stage actions may change its value. */
    boolean hasConditions() {
        return entryWhere != null || entryWhen != null || exitWhen != null || steps.stream().anyMatch(s -> s instanceof If);
    }

    Step step(String stepId) {
        return byId.get(stepId);
    }

    Step first() {
        return steps.get(0);
    }

    /** The ids of the steps, in file order. */
    public List<String> stepIds() {
        return steps.stream().map(Step::id).toList();
    }

    @Override
    public String toString() {
        return "journey " + id + " (" + file + ")";
    }
}
