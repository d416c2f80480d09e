package dev.waymark.drools.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import dev.waymark.drools.contract.ShopHistory.Tick;
import dev.waymark.json.WaymarkJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * What every engine must do, over random shop histories ({@link ShopHistories}): give the actions and wake-ups
 * of the reference — the Drools engine evaluating one contact at a time, every contact at every tick — and
 * never emit an action twice. The reference skips, as the engine does by default, a contact whose wake-up
 * has not come: a wake-up may be earlier than needed (quiet hours ending while a cap still holds the
 * message), so it depends on the instants a contact was evaluated at, and only an engine that looks at the
 * same contacts at the same instants stores the same one. A subclass supplies the engine under test
 * ({@link #engine(Settings)}); the properties are inherited. Each property also requires that its tries,
 * together, saw actions from most of the ten standard rules, so a history generator that stops reaching
 * them fails the suite rather than weakening it.
 */
public abstract class EngineContract {

    /** The engine under test, living through a history. */
    @FunctionalInterface
    public interface EngineUnderTest {
        /**
         * Lives through {@code ticks} from {@code states}. At each tick it evaluates every contact it holds at the
         * tick's instant (it may skip those it knows are not due), then receives the tick's arrivals one by one,
         * evaluating the event's contact at that instant on each.
         *
         * @param states the contacts' states before the first tick: here always one empty state per contact of
         *               the history, so an engine that creates a contact on its first event may ignore them
         * @param ticks  the ticks, in order
         * @return one outcome per tick, in order
         */
        List<TickOutcome> run(List<ContactState> states, List<Tick> ticks);
    }

    /**
     * What an engine produced at one tick.
     *
     * @param actions the actions emitted at the tick, in any order
     * @param states  the state of every contact the engine holds after the tick, by contact id
     */
    public record TickOutcome(List<Action> actions, Map<String, ContactState> states) {
        public TickOutcome {
            actions = List.copyOf(actions);
            states = Map.copyOf(states);
        }
    }

    /** Short delays, so that every standard rule gets its chance within a history. */
    static final String SHORT_DELAYS = """
            "rules":{"win-back":{"days":3},"review-request":{"afterDays":1,"windowDays":2},
                     "cross-sell":{"afterDays":2},"loyalty-reward":{"minOrders":2},
                     "unopened-campaigns":{"streak":3},"stage-progression":{"lapseDays":6},
                     "churn-risk":{"lapseDays":8}}""";

    /** The settings the properties run under: short delays, alone and with delivery policies withholding messages. */
    public static final List<Settings> SETTINGS = List.of(
            WaymarkJson.readSettings("{" + SHORT_DELAYS + "}"),
            WaymarkJson.readSettings("{" + SHORT_DELAYS + """
                    ,"policies":{"suppressTags":["do-not-contact"],
                                 "quietHours":{"start":"21:00","end":"08:00","defaultZone":"UTC"},
                                 "frequencyCap":{"email":{"max":2,"hours":24}}}}"""));

    /** Of the ten standard rules, how many must have emitted across a property's tries. */
    static final int RULES_REQUIRED = 8;

    private static final Map<Settings, JourneyEngine> REFERENCE = new ConcurrentHashMap<>();
    private static final Map<List<Object>, EngineUnderTest> UNDER_TEST = new ConcurrentHashMap<>();

    /** Rules whose actions this property's tries compared; jqwik makes one instance per property. */
    private final SortedSet<String> rulesSeen = new TreeSet<>();

    /** The engine under test built with {@code settings}; called once per subclass and settings. */
    protected abstract EngineUnderTest engine(Settings settings);

    /** A {@link JourneyEngine} living through a history with a bulk {@code evaluateAll} at every tick. */
    public static EngineUnderTest bulk(JourneyEngine engine, int parallelism) {
        return (states, ticks) -> run(states, ticks, (held, now) -> {
            List<Evaluation> out = new ArrayList<>();
            engine.evaluateAll(held, now, out::add, parallelism);
            return out;
        }, engine);
    }

    /** A {@link JourneyEngine} evaluating each contact alone at every tick: how the reference runs. */
    public static EngineUnderTest oneByOne(JourneyEngine engine) {
        return (states, ticks) -> run(states, ticks,
                (held, now) -> held.stream().map(s -> engine.evaluate(s, now)).toList(), engine);
    }

    private interface EvaluateAll {
        List<Evaluation> at(List<ContactState> states, Instant now);
    }

    private static List<TickOutcome> run(List<ContactState> initial, List<Tick> ticks, EvaluateAll evaluateAll,
                                         JourneyEngine engine) {
        Map<String, ContactState> held = new TreeMap<>();
        initial.forEach(s -> held.put(s.contactId(), s));
        List<TickOutcome> outcomes = new ArrayList<>();
        for (Tick tick : ticks) {
            List<Action> actions = new ArrayList<>();
            for (Evaluation e : evaluateAll.at(new ArrayList<>(held.values()), tick.at())) {
                keep(e, held, actions);
            }
            for (Event event : tick.arrivals()) {
                ContactState s = held.getOrDefault(event.contactId(), ContactState.empty(event.contactId()));
                keep(engine.evaluate(s, List.of(event), tick.at()), held, actions);
            }
            outcomes.add(new TickOutcome(actions, held));
        }
        return outcomes;
    }

    private static void keep(Evaluation e, Map<String, ContactState> held, List<Action> actions) {
        assertThat(e.failures()).as("rule failures").isEmpty();
        held.put(e.state().contactId(), e.state());
        actions.addAll(e.actions());
    }

    @Provide
    Arbitrary<ShopHistory> histories() {
        return ShopHistories.histories();
    }

    @Provide
    Arbitrary<Settings> settings() {
        return Arbitraries.of(SETTINGS);
    }

    @Property(tries = 30)
    void everyTick_emitsTheReferenceActions(@ForAll("histories") ShopHistory history,
                                            @ForAll("settings") Settings settings) {
        List<TickOutcome> expected = reference(settings, history);
        List<TickOutcome> actual = underTest(settings, history);
        assertThat(actual).as("outcomes, one per tick").hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(sorted(actual.get(i).actions())).as("actions at %s", history.ticks().get(i).at())
                    .isEqualTo(sorted(expected.get(i).actions()));
        }
        seen(actual);
    }

    @Property(tries = 30)
    void noActionIsEmittedTwice(@ForAll("histories") ShopHistory history, @ForAll("settings") Settings settings) {
        List<TickOutcome> actual = underTest(settings, history);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < actual.size(); i++) {
            for (Action a : actual.get(i).actions()) {
                assertThat(ids.add(a.id())).as("emitted again at %s: %s", history.ticks().get(i).at(), a).isTrue();
            }
        }
        seen(actual);
    }

    @Property(tries = 30)
    void everyContact_wakesUpWhenTheReferenceDoes(@ForAll("histories") ShopHistory history,
                                                  @ForAll("settings") Settings settings) {
        List<TickOutcome> expected = reference(settings, history);
        List<TickOutcome> actual = underTest(settings, history);
        int compared = 0;
        for (int i = 0; i < expected.size(); i++) {
            Instant at = history.ticks().get(i).at();
            for (Map.Entry<String, ContactState> s : actual.get(i).states().entrySet()) {
                ContactState want = expected.get(i).states().get(s.getKey());
                assertThat(want).as("reference state of %s at %s", s.getKey(), at).isNotNull();
                assertThat(s.getValue().wakeUp()).as("wake-up of %s after %s", s.getKey(), at).isEqualTo(want.wakeUp());
                compared += want.wakeUp().isPresent() ? 1 : 0;
            }
        }
        Statistics.label("wake-ups compared").collect(compared > 0);
        Statistics.label("wake-ups compared").coverage(c -> c.check(true).percentage(p -> p >= 80));
        seen(actual);
    }

    @AfterProperty
    void mostStandardRulesEmitted() {
        assertThat(rulesSeen).as("rules whose actions were compared across the tries")
                .hasSizeGreaterThanOrEqualTo(RULES_REQUIRED);
    }

    private void seen(List<TickOutcome> outcomes) {
        outcomes.forEach(o -> o.actions().forEach(a -> rulesSeen.add(a.rule())));
    }

    private static List<Action> sorted(List<Action> actions) {
        return actions.stream().sorted(Action.OUTPUT_ORDER).toList();
    }

    private static List<TickOutcome> reference(Settings settings, ShopHistory history) {
        JourneyEngine engine = REFERENCE.computeIfAbsent(settings,
                s -> Waymark.builder().settings(s).build());
        return oneByOne(engine).run(emptyStates(history), history.ticks());
    }

    private List<TickOutcome> underTest(Settings settings, ShopHistory history) {
        EngineUnderTest engine = UNDER_TEST.computeIfAbsent(List.of(getClass(), settings), k -> engine(settings));
        return engine.run(emptyStates(history), history.ticks());
    }

    private static List<ContactState> emptyStates(ShopHistory history) {
        Map<String, ContactState> states = new LinkedHashMap<>();
        history.contactIds().forEach(id -> states.put(id, ContactState.empty(id)));
        return new ArrayList<>(states.values());
    }
}
