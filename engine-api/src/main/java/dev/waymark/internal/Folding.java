package dev.waymark.internal;

import dev.waymark.ContactState;
import dev.waymark.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Folds a state's due pending events into its facts (SPEC §1 ordering rules) and trims it to its bounds. */
public final class Folding {
    private Folding() {
    }

    /** Event ids are remembered for at least this long before the contact's latest event (SPEC §1). */
    public static final Duration SEEN_IDS_WINDOW = Duration.ofDays(7);

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

    public static ContactState advance(ContactState s, Instant now) {
        List<Event> due = due(s.pending(), now);
        if (due.isEmpty() && !ContactDraft.needsTrim(s.contact(), now)) {
            return s;
        }
        ContactDraft draft = new ContactDraft(s.contact());
        for (Event e : due) {
            draft.apply(e);
        }
        draft.trim(now);
        dev.waymark.Contact folded = draft.freeze();
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

    /** Ids of events within {@link #SEEN_IDS_WINDOW} of the latest applied event, plus every pending one. */
    private static Map<String, Instant> rememberedIds(Map<String, Instant> seen, List<Event> pending, Instant latest) {
        Instant cut = latest == null ? Instant.MIN : latest.minus(SEEN_IDS_WINDOW);
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
