package dev.waymark.internal;

import java.time.Instant;
import java.util.Objects;

/** How many events of a type were applied, and the latest one's time. */
public record EventCount(long count, Instant last) {
    public EventCount {
        Objects.requireNonNull(last, "last");
    }
}
