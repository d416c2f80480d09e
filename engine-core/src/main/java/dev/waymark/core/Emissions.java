package dev.waymark.core;

import dev.waymark.Evaluation.RuleFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What rules reported for a batch of contacts, by index: emissions, the earliest declared due time, and
 * failures. Not thread-safe: one batch, one thread.
 */
public final class Emissions {

    /** One emission as a rule asked for it, before dedup and consent. */
    public record Emission(String rule, String type, String key, Map<String, ?> params) {
    }

    private final List<List<Emission>> emissions;
    private final Instant[] dueAt;
    private final RuleFailure[] failures;
    /** When explaining: every due time declared and every window end found closed, by index; else null. */
    private final List<List<Instant>> declared;
    private final List<Instant> closed;

    public Emissions(int size) {
        this(size, false);
    }

    /** @param tracing whether to record every declared due time and closed window (for explaining one contact) */
    public Emissions(int size, boolean tracing) {
        declared = tracing ? new ArrayList<>() : null;
        closed = tracing ? new ArrayList<>() : null;
        if (tracing) {
            for (int i = 0; i < size; i++) {
                declared.add(new ArrayList<>());
            }
        }
        emissions = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            emissions.add(null);
        }
        dueAt = new Instant[size];
        failures = new RuleFailure[size];
    }

    public void emit(int index, String rule, String type, String key, Map<String, ?> params) {
        List<Emission> list = emissions.get(index);
        if (list == null) {
            list = new ArrayList<>(4);
            emissions.set(index, list);
        }
        list.add(new Emission(rule, type, key, params == null ? Map.of() : params));
    }

    /** Declares that a rule could fire for the contact at {@code at}; the earliest declaration wins. */
    public void dueAt(int index, Instant at) {
        if (declared != null) {
            declared.get(index).add(at);
        }
        Instant prev = dueAt[index];
        if (prev == null || at.isBefore(prev)) {
            dueAt[index] = at;
        }
    }

    /**
     * Notes that a rule's window ended at {@code end}, at or before now. Only explaining listens, with a batch
     * of one contact (a window end is not tied to a contact the way a due time is).
     */
    public void windowClosed(Instant end) {
        if (closed != null) {
            closed.add(end);
        }
    }

    /** Every due time declared for the contact at {@code index}; empty unless tracing. */
    List<Instant> declared(int index) {
        return declared == null ? List.of() : declared.get(index);
    }

    /** Every window end found closed; empty unless tracing. */
    List<Instant> closedWindows() {
        return closed == null ? List.of() : closed;
    }

    /** Records a rule failure; the first one per contact is kept. */
    public void fail(int index, RuleFailure failure) {
        if (failures[index] == null) {
            failures[index] = failure;
        }
    }

    /** Forgets everything reported for the contact at {@code index} (its batch is being run again). */
    public void clear(int index) {
        emissions.set(index, null);
        dueAt[index] = null;
        failures[index] = null;
        if (declared != null) {
            declared.get(index).clear();
            closed.clear();
        }
    }

    List<Emission> emissions(int index) {
        List<Emission> list = emissions.get(index);
        return list == null ? List.of() : list;
    }

    Instant dueAt(int index) {
        return dueAt[index];
    }

    RuleFailure failure(int index) {
        return failures[index];
    }
}
