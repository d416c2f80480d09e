package dev.waymark.internal;

import java.util.List;

/**
 * What the conversion report (docs/settings-and-policies.md) needs from one contact, bounded: the messages and holdout records
 * whose goal window is still open (or closed so recently that a late event may still land in it), and per
 * rule and arm a running tally that is never forgotten.
 *
 * @param open    exposures that can still convert, least recently recorded first (overlapping windows of a rule and arm are kept as one)
 * @param tallies per (rule, arm), sorted by rule then arm
 */
public record Conversions(List<Exposure> open, List<Tally> tallies) {

    /** No message yet. */
    public static final Conversions NONE = new Conversions(List.of(), List.of());

    public Conversions {
        open = List.copyOf(open);
        tallies = List.copyOf(tallies);
    }
}
