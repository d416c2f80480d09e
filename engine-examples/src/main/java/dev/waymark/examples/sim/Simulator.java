package dev.waymark.examples.sim;

import dev.waymark.Action;
import dev.waymark.BulkSummary;
import dev.waymark.ContactState;
import dev.waymark.ConversionReport;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.Stage;
import dev.waymark.examples.storage.InMemoryContactStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a synthetic {@link Shop} through a {@link JourneyEngine} the way a host would: every simulated hour
 * the shop's new events are received into the contacts' states, the contacts with something due (new
 * events, or a wake-up reached) are evaluated together with {@code evaluateAll}, and the actions go back to
 * the shop, whose shoppers react to them. The clock starts at {@link #START}, never the wall clock.
 *
 * <p>The contacts' states live in a {@link InMemoryContactStore}, as in the {@code ShopHost} example.
 *
 * <p>Deterministic: the same engine rules, sizes and seed give an equal {@link SimulationReport}.
 */
public final class Simulator {

    /** Where the simulated clock starts. */
    public static final Instant START = Instant.parse("2026-10-01T00:00:00Z");

    /** Share of contacts who are customers from before the start, with an order history. */
    public static final double RETURNING_SHARE = 0.3;

    /** Told after each simulated hour, for a progress display. */
    @FunctionalInterface
    public interface Progress {
        /** {@code done} of {@code total} hours are simulated. */
        void hours(int done, int total);
    }

    private final JourneyEngine engine;
    private final int parallelism;

    /** A simulator driving {@code engine} with up to {@code parallelism} evaluation threads (results do not depend on it). */
    public Simulator(JourneyEngine engine, int parallelism) {
        this.engine = Objects.requireNonNull(engine, "engine");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
        }
        this.parallelism = parallelism;
    }

    /** Simulates {@code contacts} people over {@code days} days with {@code seed}. */
    public SimulationReport run(int contacts, int days, long seed, Progress progress) {
        if (days < 1) {
            throw new IllegalArgumentException("days must be >= 1, was " + days);
        }
        Duration abandonAfter = engine.settings().duration("abandoned-cart", "afterHours");
        // The shop judges its messages' orders with the engine's goal window, so both tables count alike.
        Duration window = engine.settings().policies().conversion().window();
        List<Event> inbox = new ArrayList<>();
        Shop shop = new Shop(new Shop.Config(contacts, START, days * 24, RETURNING_SHARE, abandonAfter, window), seed,
                inbox::add);
        InMemoryContactStore store = new InMemoryContactStore();
        long[] totals = new long[2]; // evaluations, rule failures

        // The shop's history is imported first, then the engine is switched on at START.
        shop.openHistory();
        evaluate(START, inbox, store, shop, totals);
        int hours = days * 24;
        for (int h = 0; h < hours; h++) {
            Instant hourStart = START.plus(Duration.ofHours(h));
            shop.step(hourStart);
            evaluate(hourStart.plus(Duration.ofHours(1)), inbox, store, shop, totals);
            if (progress != null) {
                progress.hours(h + 1, hours);
            }
        }

        ShopStats stats = shop.stats();
        Map<String, Long> stages = new LinkedHashMap<>();
        for (Stage s : Stage.values()) {
            stages.put(s.id(), 0L);
        }
        stages.put("none", 0L);
        // The store holds every contact's final state: the stages and the conversion tallies come from there.
        List<ContactState> finalStates = new ArrayList<>();
        for (String id : shop.contactIds()) {
            ContactState s = store.get(id);
            Stage stage = s == null ? null : s.contact().stage();
            stages.merge(stage == null ? "none" : stage.id(), 1L, Long::sum);
            if (s != null) {
                finalStates.add(s);
            }
        }
        List<SimulationReport.ActionCount> actions = new ArrayList<>();
        stats.actions.forEach((rule, byType) -> byType.forEach((type, n) -> actions.add(new SimulationReport.ActionCount(rule, type, n))));
        List<SimulationReport.MessageOutcome> messages = new ArrayList<>();
        stats.messages.forEach((rule, m) -> messages.add(new SimulationReport.MessageOutcome(rule, m.sent, m.opened, m.converted, m.revenue)));
        return new SimulationReport(seed, contacts, days, START, START.plus(Duration.ofHours(hours)),
                new ArrayList<>(engine.ruleIds()), stats.events, stats.historyEvents, totals[0], totals[1], stages, actions, messages,
                stats.visits, stats.orders, stats.revenue,
                new SimulationReport.Carts(stats.cartsAbandoned, stats.cartsReminded, stats.recoveredAfterReminder,
                        stats.recoveredWithoutReminder),
                stats.firstPurchases, stats.secondPurchases, ConversionReport.of(finalStates, engine.settings()));
    }

    // One scheduler tick, as a host runs it: receive what arrived, evaluate what is due, act on the actions.
    private void evaluate(Instant now, List<Event> inbox, InMemoryContactStore store, Shop shop, long[] totals) {
        store.receive(inbox);
        inbox.clear();
        List<ContactState> due = store.due(now);
        if (due.isEmpty()) {
            return;
        }
        List<Action> actions = new ArrayList<>();
        BulkSummary summary = engine.evaluateAll(due, now, ev -> {
            store.update(ev.state());
            actions.addAll(ev.actions());
        }, parallelism);
        totals[0] += summary.evaluated();
        totals[1] += summary.failures().size();
        for (Action a : actions) {
            shop.react(a);
        }
    }
}
