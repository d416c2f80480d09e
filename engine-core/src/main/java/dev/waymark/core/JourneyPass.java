package dev.waymark.core;

import dev.waymark.Contact;
import dev.waymark.Event;
import dev.waymark.internal.JourneyRuns;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The pipeline's journeys step for one contact: every journey switched on advanced through
 * {@link JourneyAdvance}, their sends as emissions (rule = journey id) and their new standing in the
 * contact's {@link JourneyRuns}. A second pass re-runs only the journeys whose send delivery withheld, with
 * that send as the barrier. Stateless.
 */
final class JourneyPass {
    private JourneyPass() {
    }

    /**
     * One pass over the journeys.
     *
     * @param results per journey id, what it did (journeys the contact has nothing to do with included)
     */
    record Outcome(Map<String, JourneyAdvance.Result> results) {

        /** Every send, journey by journey, in the order reached. */
        List<Emissions.Emission> emissions() {
            List<Emissions.Emission> out = new ArrayList<>();
            results.values().forEach(r -> r.sends().forEach(s -> out.add(s.emission())));
            return out;
        }

        /** The order of each journey's sends, for delivery. */
        Delivery.JourneyOrder order() {
            Map<String, Integer> seq = new HashMap<>();
            results.values().forEach(r -> r.sends().forEach(s -> seq.put(s.emission().rule() + '\n' + s.emission().key(), s.seq())));
            return new Delivery.JourneyOrder(seq);
        }

        /** The earliest wake-up of any journey, {@code null} for none. */
        Instant wakeUp() {
            Instant w = null;
            for (JourneyAdvance.Result r : results.values()) {
                if (r.wakeUp() != null && (w == null || r.wakeUp().isBefore(w))) {
                    w = r.wakeUp();
                }
            }
            return w;
        }

        /** The contact's journey standing after this pass; {@code before} itself when nothing changed. */
        JourneyRuns runs(JourneyRuns before) {
            TreeMap<String, JourneyRuns.Journey> all = new TreeMap<>();
            before.journeys().forEach(j -> all.put(j.journey(), j));
            boolean changed = false;
            for (Map.Entry<String, JourneyAdvance.Result> e : results.entrySet()) {
                JourneyRuns.Journey now = e.getValue().state();
                if (!Objects.equals(all.get(e.getKey()), now)) {
                    changed = true;
                    if (now == null) {
                        all.remove(e.getKey());
                    } else {
                        all.put(e.getKey(), now);
                    }
                }
            }
            return changed ? new JourneyRuns(new ArrayList<>(all.values())) : before;
        }

        /** This pass with the journeys of {@code again} run again (with a barrier). */
        Outcome with(Map<String, JourneyAdvance.Result> again) {
            Map<String, JourneyAdvance.Result> merged = new LinkedHashMap<>(results);
            merged.putAll(again);
            return new Outcome(merged);
        }
    }

    /**
     * Advances {@code journeys} for {@code contact} at {@code now}.
     *
     * @param due      the events applied in this evaluation, by {@code at}
     * @param barriers per journey id, the sequence number of the send its run holds at; empty for the optimistic pass
     * @throws JourneyCondition.Failure (with the journey id) when a condition fails for this contact
     */
    static Map<String, JourneyAdvance.Result> advance(List<JourneyDefinition> journeys, Contact contact, List<Event> due,
                                                      Instant now, Map<String, Integer> barriers) {
        Map<String, JourneyAdvance.Result> results = new LinkedHashMap<>();
        for (JourneyDefinition j : journeys) {
            Integer barrier = barriers.get(j.id());
            if (!barriers.isEmpty() && barrier == null) {
                continue;
            }
            try {
                results.put(j.id(), JourneyAdvance.advance(j, contact, contact.journeys().of(j.id()), due, now,
                        barrier == null ? -1 : barrier));
            } catch (JourneyCondition.Failure f) {
                throw new Failed(j.id(), f.getMessage(), f);
            }
        }
        return results;
    }

    /** A journey condition failed for the contact: the evaluation rolls back as for a failing rule. */
    static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String journey;

        Failed(String journey, String message, Throwable cause) {
            super(message, cause);
            this.journey = journey;
        }
    }
}
