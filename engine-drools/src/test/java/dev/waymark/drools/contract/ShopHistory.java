package dev.waymark.drools.contract;

import dev.waymark.Event;
import java.time.Instant;
import java.util.List;

/**
 * A shop's history as an engine lives it: its contacts, and a sequence of ticks at which events arrive and
 * contacts are evaluated. Some events arrive late (older than what their contact already holds), some early
 * (stamped after the tick they arrive at, so they wait in the state), some twice (redelivery).
 *
 * @param contactIds the contacts, sorted; each has at least one event
 * @param ticks      the ticks, in strictly increasing order of their instants
 */
public record ShopHistory(List<String> contactIds, List<Tick> ticks) {

    public ShopHistory {
        contactIds = List.copyOf(contactIds);
        ticks = List.copyOf(ticks);
    }

    /**
     * One instant of the history. At {@code at} an engine first evaluates every contact it holds, then
     * receives {@code arrivals} one by one, evaluating the event's contact at {@code at} on each.
     *
     * @param at       the evaluation instant
     * @param arrivals the events arriving at it, in arrival order
     */
    public record Tick(Instant at, List<Event> arrivals) {
        public Tick {
            arrivals = List.copyOf(arrivals);
        }
    }

    /** Every event delivery of the history, in arrival order (a redelivered event appears twice). */
    public List<Event> arrivals() {
        return ticks.stream().flatMap(t -> t.arrivals().stream()).toList();
    }

    @Override
    public String toString() {
        return contactIds.size() + " contacts, " + arrivals().size() + " arrivals, " + ticks.size() + " ticks from "
                + ticks.get(0).at() + " to " + ticks.get(ticks.size() - 1).at() + ": " + arrivals();
    }
}
