package dev.waymark.examples.sim;

import dev.waymark.ConversionReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one shop simulation: what the shop did, what the engine did, and the funnel numbers. An
 * immutable value; {@link TextReport} and {@link HtmlReport} render it. Everything in it follows from the
 * seed and the sizes, so the same inputs give an equal report.
 *
 * @param seed          the random seed
 * @param contacts      contacts simulated
 * @param days          days simulated
 * @param start         the simulated clock's start
 * @param end           the simulated clock's end
 * @param rules         the rules switched on, sorted
 * @param events        events fed to the engine, by type (sorted): the history and the run's
 * @param historyEvents of those, the history of the customers from before the start, imported when the
 *                      engine is switched on (dated before {@code start}), by type (sorted)
 * @param evaluations   contact evaluations the engine ran (contacts with something due, hour by hour)
 * @param ruleFailures  rule failures reported by the engine
 * @param stages        contacts per journey stage at the end, in journey order; {@code none} for contacts without one
 * @param actions       actions per rule and type, sorted by rule then type
 * @param messages      what became of each rule's messages, sorted by rule
 * @param visits        visits to the shop during the run
 * @param orders        orders placed during the run (the history's are in {@code historyEvents})
 * @param revenue       their amount
 * @param carts         abandoned carts and their recovery
 * @param firstPurchases  contacts whose first order ever came during the run
 * @param secondPurchases of those, contacts with a second order during the run
 * @param conversion      the engine's conversion report (docs/settings-and-policies.md) over the contacts' final states
 */
public record SimulationReport(long seed, int contacts, int days, Instant start, Instant end, List<String> rules,
                               Map<String, Long> events, Map<String, Long> historyEvents, long evaluations, long ruleFailures,
                               Map<String, Long> stages, List<ActionCount> actions, List<MessageOutcome> messages,
                               long visits, long orders, double revenue, Carts carts,
                               long firstPurchases, long secondPurchases, ConversionReport conversion) {

    public SimulationReport {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        rules = List.copyOf(rules);
        events = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(events));
        historyEvents = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(historyEvents));
        stages = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stages));
        actions = List.copyOf(actions);
        messages = List.copyOf(messages);
        Objects.requireNonNull(carts, "carts");
        Objects.requireNonNull(conversion, "conversion");
    }

    /** How many actions of one type a rule emitted. */
    public record ActionCount(String rule, String type, long count) {
    }

    /**
     * One rule's messages, counted per message: sent, opened, and converted — followed by an order of the
     * contact within the conversion window, each message once (one order converts every message of the rule
     * in the window before it).
     *
     * @param revenue the amount of the orders within the window after a message of the rule, each order once
     *                for the rule (as the engine's conversion report counts revenue)
     */
    public record MessageOutcome(String rule, long sent, long opened, long converted, double revenue) {
    }

    /**
     * Carts left untouched for the abandoned-cart delay, and which of them were bought in the end.
     *
     * @param abandoned              carts left untouched for the delay
     * @param reminded               of those, carts the engine sent a reminder for
     * @param recoveredAfterReminder reminded carts bought later
     * @param recoveredWithout       carts bought later without a reminder
     */
    public record Carts(long abandoned, long reminded, long recoveredAfterReminder, long recoveredWithout) {
    }

    /** Events fed during the run, by type: {@link #events} less {@link #historyEvents}. */
    public Map<String, Long> runEvents() {
        Map<String, Long> run = new java.util.LinkedHashMap<>();
        events.forEach((type, n) -> run.put(type, n - historyEvents.getOrDefault(type, 0L)));
        return run;
    }

    /** Events fed in all. */
    public long totalEvents() {
        return events.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Actions emitted in all. */
    public long totalActions() {
        return actions.stream().mapToLong(ActionCount::count).sum();
    }
}
