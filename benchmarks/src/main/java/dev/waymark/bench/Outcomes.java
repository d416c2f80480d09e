package dev.waymark.bench;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What one implementation produced for a list of contacts, in input order: the actions of each contact, the
 * wake-up stored in its new state, and whether it was skipped. Used before timing to check that compared
 * implementations agree; {@link #requireSame} throws, so a JMH {@code @Setup} calling it fails the benchmark.
 * Not thread-safe: one recording, one thread.
 */
public final class Outcomes implements Consumer<Evaluation> {

    private final List<List<Action>> actions = new ArrayList<>();
    private final List<Instant> wakeUps = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private long actionCount;
    private long withActions;
    private long skipped;

    @Override
    public void accept(Evaluation e) {
        if (!e.failures().isEmpty()) {
            throw new IllegalStateException("rule failure: " + e.failures());
        }
        actions.add(e.actions());
        wakeUps.add(e.state().nextWakeUp());
        ids.add(e.state().contactId());
        actionCount += e.actions().size();
        withActions += e.actions().isEmpty() ? 0 : 1;
        skipped += e.skipped() ? 1 : 0;
    }

    /** What {@code engine} produces for {@code states} at {@code now} in one bulk run. */
    public static Outcomes of(JourneyEngine engine, List<ContactState> states, Instant now) {
        Outcomes o = new Outcomes();
        engine.evaluateAll(states, now, o);
        return o;
    }

    /** What the naive baseline produces for {@code states} at {@code now}. */
    public static Outcomes of(NaiveDrools naive, List<ContactState> states, Instant now) {
        Outcomes o = new Outcomes();
        for (ContactState s : states) {
            o.accept(naive.evaluate(s, now));
        }
        return o;
    }

    /** What {@code engine} produces evaluating each contact alone after receiving its {@code events}. */
    public static Outcomes ofEach(JourneyEngine engine, List<ContactState> states, List<List<Event>> events, Instant now) {
        Outcomes o = new Outcomes();
        for (int i = 0; i < states.size(); i++) {
            o.accept(engine.evaluate(states.get(i), events.get(i), now));
        }
        return o;
    }

    /** As {@link #ofEach(JourneyEngine, List, List, Instant)} for the naive baseline. */
    public static Outcomes ofEach(NaiveDrools naive, List<ContactState> states, List<List<Event>> events, Instant now) {
        Outcomes o = new Outcomes();
        for (int i = 0; i < states.size(); i++) {
            o.accept(naive.evaluate(states.get(i), events.get(i), now));
        }
        return o;
    }

    /** Contacts recorded. */
    public int contacts() {
        return actions.size();
    }

    /** Actions emitted in all. */
    public long actions() {
        return actionCount;
    }

    /** Contacts that got at least one action. */
    public long contactsWithActions() {
        return withActions;
    }

    /** Contacts the engine skipped as not due. */
    public long skipped() {
        return skipped;
    }

    /**
     * Throws unless {@code other} emitted exactly the same actions (ids, types, keys, params) for every contact
     * and, when {@code wakeUps}, stored the same wake-ups.
     *
     * @throws IllegalStateException naming the first contact that differs
     */
    public void requireSame(String name, Outcomes other, String otherName, boolean wakeUps) {
        if (other.contacts() != contacts()) {
            throw new IllegalStateException(otherName + " evaluated " + other.contacts() + " contacts, " + name
                    + " " + contacts());
        }
        int differing = 0;
        String first = null;
        for (int i = 0; i < contacts(); i++) {
            List<Action> a = actions.get(i);
            List<Action> b = other.actions.get(i);
            String diff = null;
            if (!a.equals(b)) {
                diff = "actions differ\n  " + name + ": " + a + "\n  " + otherName + ": " + b;
            } else if (wakeUps && !Objects.equals(wakeUps(i), other.wakeUps(i))) {
                diff = "wake-ups differ: " + name + " " + wakeUps(i) + ", " + otherName + " " + other.wakeUps(i);
            }
            if (diff != null) {
                differing++;
                if (first == null) {
                    first = "contact #" + i + " (" + ids.get(i) + "): " + diff;
                }
            }
        }
        if (differing > 0) {
            throw new IllegalStateException(name + " and " + otherName + " disagree on " + differing + " of "
                    + contacts() + " contacts; first: " + first);
        }
    }

    private Instant wakeUps(int i) {
        return wakeUps.get(i);
    }

    @Override
    public String toString() {
        return contacts() + " contacts, " + skipped + " skipped as not due, " + withActions + " with actions, "
                + actionCount + " actions";
    }
}
