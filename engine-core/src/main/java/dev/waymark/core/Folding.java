package dev.waymark.core;

import dev.waymark.Action;
import dev.waymark.Contact;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
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
     * evaluation. Returns {@code s} itself when nothing changes. Events rejected by a size limit are dropped.
     */
    public static ContactState advance(ContactState s, Instant now) {
        return advance(s, now, new ArrayList<>());
    }

    /**
     * As {@link #advance(ContactState, Instant)}, adding to {@code rejected} each event not applied because
     * it would take the state past a limit ({@link StateBounds}), in the order met: those past a contact's
     * limit of pending events first, then those folding refused.
     */
    static ContactState advance(ContactState s, Instant now, List<Evaluation.RejectedEvent> rejected) {
        List<Event> due = due(s.pending(), now);
        boolean overPending = s.pending().size() - due.size() > StateBounds.MAX_PENDING;
        if (due.isEmpty() && !overPending && s.seenEventIds().size() <= StateBounds.MAX_REMEMBERED_IDS + StateBounds.MAX_PENDING
                && !StateBounds.needsTrim(s.contact(), now)) {
            return s;
        }
        ContactDraft draft = new ContactDraft(s.contact());
        for (Event e : due) {
            String over = EventFolding.apply(draft, e);
            if (over != null) {
                rejected.add(new Evaluation.RejectedEvent(e.contactId(), e.id(), e.type(), over));
            }
        }
        StateBounds.trim(draft, now);
        List<Event> still = s.pending();
        if (!due.isEmpty() || overPending) {
            still = new ArrayList<>(Math.min(s.pending().size() - due.size(), StateBounds.MAX_PENDING));
            for (Event e : s.pending()) {
                if (!e.at().isAfter(now)) {
                    continue;
                }
                if (still.size() < StateBounds.MAX_PENDING) {
                    still.add(e);
                } else {
                    rejected.add(new Evaluation.RejectedEvent(e.contactId(), e.id(), e.type(),
                            "a contact keeps at most " + StateBounds.MAX_PENDING + " events waiting for their time"));
                }
            }
        }
        Map<String, Instant> seen = rememberedIds(draft, s.seenEventIds(), still);
        Contact folded = draft.freeze();
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

    /**
     * Ids of applied events from the {@linkplain StateBounds#horizon horizon} on, plus every pending one. Past
     * {@link StateBounds#MAX_REMEMBERED_IDS} applied ids, the oldest are forgotten and every event up to the
     * newest forgotten one becomes late ({@code draft.lateBefore}), so a forgotten id can never be applied twice.
     */
    private static Map<String, Instant> rememberedIds(ContactDraft draft, Map<String, Instant> seen, List<Event> pending) {
        Instant cut = StateBounds.horizon(draft);
        java.util.Set<String> waiting = pending.isEmpty() ? java.util.Set.of() : new java.util.HashSet<>();
        for (Event e : pending) {
            waiting.add(e.id());
        }
        List<Map.Entry<String, Instant>> applied = new ArrayList<>(Math.min(seen.size(), 64));
        for (Map.Entry<String, Instant> id : seen.entrySet()) {
            if ((cut == null || !id.getValue().isBefore(cut)) && !waiting.contains(id.getKey())) {
                applied.add(id);
            }
        }
        if (applied.size() > StateBounds.MAX_REMEMBERED_IDS) {
            // One sort by time (ties by id); ids at the same instant as the newest forgotten one go too, since
            // "late" is by time, not by id.
            applied.sort(Map.Entry.<String, Instant>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
            Instant forgotten = applied.get(applied.size() - StateBounds.MAX_REMEMBERED_IDS - 1).getValue();
            int from = applied.size() - StateBounds.MAX_REMEMBERED_IDS;
            while (from < applied.size() && !applied.get(from).getValue().isAfter(forgotten)) {
                from++;
            }
            applied = applied.subList(from, applied.size());
            draft.lateBefore = ContactDraft.max(draft.lateBefore, forgotten.plusNanos(1));
        }
        Map<String, Instant> kept = new TreeMap<>();
        for (Map.Entry<String, Instant> id : applied) {
            kept.put(id.getKey(), id.getValue());
        }
        for (Event e : pending) {
            kept.put(e.id(), e.at());
        }
        return kept;
    }
}
