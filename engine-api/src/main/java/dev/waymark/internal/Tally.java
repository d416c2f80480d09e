package dev.waymark.internal;

import java.util.Objects;

/**
 * One contact's totals for a rule and arm.
 *
 * @param actions   messages (or holdout records) it got
 * @param converted whether any of them converted
 * @param revenue   the {@code amount} of the goal events that converted them, each event once
 */
public record Tally(String rule, String arm, long actions, boolean converted, double revenue) {
    public Tally {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(arm, "arm");
        if (actions < 0) {
            throw new IllegalArgumentException("actions must be >= 0, was " + actions);
        }
    }
}
