package dev.waymark.internal;

import java.time.Instant;
import java.util.Objects;

/**
 * A message or holdout record that converts if the contact has a {@code goal} event in (at, until].
 *
 * @param arm the experiment arm ({@code params.variant}), or {@code all} for a rule without an experiment
 */
public record Exposure(String rule, String arm, Instant at, String goal, Instant until) {
    public Exposure {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(arm, "arm");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(goal, "goal");
        Objects.requireNonNull(until, "until");
    }
}
