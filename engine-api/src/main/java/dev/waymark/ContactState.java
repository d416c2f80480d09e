package dev.waymark;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything Waymark keeps for one contact: its folded {@link Contact} facts (with the ledger of emitted
 * actions), the events received but not yet due, the ids of recent events (for idempotent ingest), and
 * the next wake-up. An immutable value: the host persists it (see {@code dev.waymark.json.WaymarkJson})
 * and hands it back to the engine; every operation returns a new state. Safe to share between threads.
 *
 * @param contact      the folded facts
 * @param pending      events received and not applied yet, in arrival order (applied once an evaluation reaches their {@code at})
 * @param seenEventIds ids of recent events, applied or pending, with their event time
 * @param nextWakeUp   the earliest instant at which a rule could fire with no new event, or {@code null} for none
 * @param evaluatedAt  the time of the last evaluation, {@code null} before the first
 * @param rulesetId    fingerprint of the ruleset and settings that computed {@code nextWakeUp}, {@code null} before the first evaluation
 */
public record ContactState(Contact contact, List<Event> pending, Map<String, Instant> seenEventIds,
                           Instant nextWakeUp, Instant evaluatedAt, String rulesetId) {

    /**
     * How long event ids are remembered before the contact's newest applied event (docs/events-and-actions.md): an event older
     * than that is {@linkplain #isLate late}.
     */
    public static final Duration ID_MEMORY = Duration.ofDays(7);

    public ContactState {
        Objects.requireNonNull(contact, "contact");
        pending = List.copyOf(pending);
        for (Event e : pending) {
            if (!e.contactId().equals(contact.id())) {
                throw new IllegalArgumentException("pending event " + e.id() + " is for contact " + e.contactId()
                        + ", not " + contact.id());
            }
        }
        seenEventIds = dev.waymark.internal.Frozen.map(seenEventIds);
    }

    /** The state of a contact never seen. */
    public static ContactState empty(String contactId) {
        return new ContactState(Contact.empty(contactId), List.of(), Map.of(), null, null, null);
    }

    /** The contact's id. */
    public String contactId() {
        return contact.id();
    }

    /** The next wake-up, if any (see {@link JourneyEngine}). */
    public Optional<Instant> wakeUp() {
        return Optional.ofNullable(nextWakeUp);
    }

    /**
     * This state with {@code events} received: each new one waits in {@link #pending()} until an evaluation
     * reaches its time. An event whose id is remembered (applied or pending) is ignored, so ingest is
     * idempotent, and so is a {@linkplain #isLate late} event. Returns {@code this} when nothing is new.
     *
     * @throws IllegalArgumentException naming the event if one is for another contact
     */
    public ContactState withEvents(Collection<Event> events) {
        List<Event> added = null;
        Map<String, Instant> ids = null;
        for (Event e : events) {
            if (!e.contactId().equals(contact.id())) {
                throw new IllegalArgumentException("event " + e.id() + " is for contact " + e.contactId()
                        + ", not " + contact.id());
            }
            if (seenEventIds.containsKey(e.id()) || (ids != null && ids.containsKey(e.id())) || isLate(e)) {
                continue;
            }
            if (added == null) {
                added = new ArrayList<>(pending.size() + events.size());
                added.addAll(pending);
                ids = new java.util.HashMap<>();
            }
            added.add(e);
            ids.put(e.id(), e.at());
        }
        if (added == null) {
            return this;
        }
        Map<String, Instant> seen = new java.util.HashMap<>(seenEventIds);
        seen.putAll(ids);
        return new ContactState(contact, added, seen, nextWakeUp, evaluatedAt, rulesetId);
    }

    /**
     * Whether {@code event} is late: more than the 7-day id memory older than the newest event already applied
     * to this contact (or older than what a size limit made the state forget, {@link #lateBefore}). Its id may have been forgotten, so it may be a repeat: {@link #withEvents} does not
     * apply it, and a host reports it (the command line names its line and counts it in the summary).
     */
    public boolean isLate(Event event) {
        Instant horizon = lateBefore();
        return horizon != null && event.at().isBefore(horizon);
    }

    /**
     * The instant before which an event is {@linkplain #isLate late}: 7 days before the newest applied event,
     * or later when a size limit made the state forget older ids or closed carts ({@link Contact#lateBefore});
     * {@code null} before any event was applied.
     */
    public Instant lateBefore() {
        Instant newest = contact.lastSeen();
        Instant memory = newest == null ? null : newest.minus(ID_MEMORY);
        Instant limit = contact.lateBefore();
        return memory == null ? limit : limit == null || limit.isBefore(memory) ? memory : limit;
    }
}
