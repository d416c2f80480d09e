package dev.waymark.core;

import dev.waymark.Action;
import dev.waymark.Contact;
import dev.waymark.ContactState;
import dev.waymark.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pipeline's fold step: a state's due pending events into its facts, in order of event time (ties in
 * arrival order), then the state trimmed to its bounds. What each event does is {@link EventFolding}'s;
 * the bounds are {@link StateBounds}'. Stateless and thread-safe.
 */
public final class Folding {
    private Folding() {
    }


    /** Pending events with {@code at <= now}, by event time, ties in arrival order (the sort is stable). */
    static List<Event> due(List<Event> pending, Instant now) {
        List<Event> due = null;
        for (Event e : pending) {
            if (!e.at().isAfter(now)) {
                if (due == null) {
                    due = new ArrayList<>();
                }
                due.add(e);
            }
        }
        if (due == null) {
            return List.of();
        }
        due.sort(Comparator.comparing(Event::at));
        return due;
    }

    /**
     * {@code s} with every pending event whose time is at or before {@code now} folded into the facts and
     * what lies beyond the state's bounds trimmed. No rule runs; the pipeline does this first in each
     * evaluation. Returns {@code s} itself when nothing changes.
     */
    public static ContactState advance(ContactState s, Instant now) {
        List<Event> due = due(s.pending(), now);
        if (due.isEmpty() && !StateBounds.needsTrim(s.contact(), now)) {
            return s;
        }
        ContactDraft draft = new ContactDraft(s.contact());
        for (Event e : due) {
            EventFolding.apply(draft, e);
        }
        StateBounds.trim(draft, now);
        Contact folded = draft.freeze();
        List<Event> still = s.pending();
        Map<String, Instant> seen = s.seenEventIds();
        if (!due.isEmpty()) {
            still = new ArrayList<>(s.pending().size() - due.size());
            for (Event e : s.pending()) {
                if (e.at().isAfter(now)) {
                    still.add(e);
                }
            }
            seen = rememberedIds(s.seenEventIds(), still, folded.lastSeen());
        }
        return new ContactState(folded, still, seen, s.nextWakeUp(), s.evaluatedAt(), s.rulesetId());
    }

    /**
     * {@code events} applied to {@code contact} in the order given, then the bounds at {@code now}: the fold
     * step without sorting, pending events or remembered ids. For baselines that measure folding alone.
     */
    public static Contact foldInOrder(Contact contact, List<Event> events, Instant now) {
        ContactDraft draft = new ContactDraft(contact);
        for (Event e : events) {
            EventFolding.apply(draft, e);
        }
        StateBounds.trim(draft, now);
        return draft.freeze();
    }

    /**
     * {@code contact} with the engine's own actions applied and every action recorded in the ledger, as the
     * pipeline's own-actions step does but without conversion tracking. For baselines outside the pipeline.
     */
    public static Contact withOwnActions(Contact contact, List<Action> actions) {
        ContactDraft draft = new ContactDraft(contact);
        for (Action a : actions) {
            OwnActions.applyOne(draft, a);
        }
        return draft.freeze();
    }

    /** Ids of events within {@link ContactState#ID_MEMORY} of the latest applied event, plus every pending one. */
    private static Map<String, Instant> rememberedIds(Map<String, Instant> seen, List<Event> pending, Instant latest) {
        Instant cut = latest == null ? Instant.MIN : latest.minus(ContactState.ID_MEMORY);
        Map<String, Instant> kept = new TreeMap<>();
        seen.forEach((id, at) -> {
            if (!at.isBefore(cut)) {
                kept.put(id, at);
            }
        });
        for (Event e : pending) {
            kept.put(e.id(), e.at());
        }
        return kept;
    }
}
