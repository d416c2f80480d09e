package dev.waymark.core;

import dev.waymark.internal.Conversions;
import dev.waymark.internal.Exposure;
import dev.waymark.internal.Tally;
import dev.waymark.Event;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps a contact's {@link Conversions} (docs/settings-and-policies.md): records each message or holdout record as an exposure,
 * marks exposures converted when a goal event lands in their window, and forgets exposures whose window
 * closed long enough ago. Pure functions over immutable values.
 */
final class ConversionLog {
    private ConversionLog() {
    }

    /**
     * How long after its window closes an exposure is kept, so an event that arrives late but happened inside
     * the window still converts it: as long as event ids are remembered, the engine's horizon for late events.
     */
    static final Duration LATE_EVENTS = dev.waymark.ContactState.ID_MEMORY;

    /** Most exposures kept open per contact; older ones stop converting (their tallies stay). */
    static final int MAX_OPEN = 64;

    private static final Comparator<Tally> TALLY_ORDER = Comparator.comparing(Tally::rule).thenComparing(Tally::arm);

    static Conversions exposed(Conversions c, String rule, String arm, Instant at, String goal, Duration window) {
        List<Exposure> open = new ArrayList<>(c.open().size() + 1);
        open.addAll(c.open());
        Exposure added = new Exposure(rule, arm, at, goal, at.plus(window));
        // Windows of one rule, arm and goal that overlap or touch convert on their union, (first at, last until]:
        // keep that one interval instead of two, so a contact messaged often keeps few exposures.
        int last = lastOf(open, rule, arm, goal);
        if (last >= 0 && !open.get(last).until().isBefore(at)) {
            Exposure prev = open.remove(last);
            added = new Exposure(rule, arm, prev.at(), goal, later(prev.until(), added.until()));
        }
        open.add(added);
        while (open.size() > MAX_OPEN) {
            open.remove(0);
        }
        List<Tally> tallies = new ArrayList<>(c.tallies().size() + 1);
        boolean found = false;
        for (Tally t : c.tallies()) {
            if (t.rule().equals(rule) && t.arm().equals(arm)) {
                t = new Tally(rule, arm, t.actions() + 1, t.converted(), t.revenue());
                found = true;
            }
            tallies.add(t);
        }
        if (!found) {
            tallies.add(new Tally(rule, arm, 1, false, 0.0));
            tallies.sort(TALLY_ORDER);
        }
        return new Conversions(open, tallies);
    }

    private static int lastOf(List<Exposure> open, String rule, String arm, String goal) {
        for (int i = open.size() - 1; i >= 0; i--) {
            Exposure x = open.get(i);
            if (x.rule().equals(rule) && x.arm().equals(arm) && x.goal().equals(goal)) {
                return i;
            }
        }
        return -1;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /**
     * {@code c} after event {@code e}: every open exposure whose goal it is and whose window (at, until]
     * holds its time converts; its amount counts once per rule and arm however many exposures it converts.
     */
    static Conversions converted(Conversions c, Event e) {
        Set<String> arms = null;
        for (Exposure x : c.open()) {
            if (x.goal().equals(e.type()) && e.at().isAfter(x.at()) && !e.at().isAfter(x.until())) {
                if (arms == null) {
                    arms = new HashSet<>();
                }
                arms.add(x.rule() + '\n' + x.arm());
            }
        }
        if (arms == null) {
            return c;
        }
        BigDecimal amount = e.props().get("amount") instanceof Number n ? new BigDecimal(n.toString()) : BigDecimal.ZERO;
        List<Tally> tallies = new ArrayList<>(c.tallies().size());
        for (Tally t : c.tallies()) {
            if (arms.contains(t.rule() + '\n' + t.arm())) {
                // Summed in decimal so revenue of 19.99 + 5.01 is 25.0, as the shop would add it.
                t = new Tally(t.rule(), t.arm(), t.actions(), true,
                        BigDecimal.valueOf(t.revenue()).add(amount).doubleValue());
            }
            tallies.add(t);
        }
        return new Conversions(c.open(), tallies);
    }

    static boolean needsTrim(Conversions c, Instant now) {
        for (Exposure x : c.open()) {
            if (x.until().plus(LATE_EVENTS).isBefore(now)) {
                return true;
            }
        }
        return false;
    }

    static Conversions trim(Conversions c, Instant now) {
        List<Exposure> open = new ArrayList<>(c.open());
        open.removeIf(x -> x.until().plus(LATE_EVENTS).isBefore(now));
        return new Conversions(open, c.tallies());
    }
}
