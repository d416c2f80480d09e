package dev.waymark;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Delivery policies (SPEC §7): what may stop a message that a rule fired. All are off unless set. They
 * act on message actions only, after the rules, in this order: suppress tags, quiet hours, frequency
 * cap (taking firings in {@link #priority()} order). A policy <em>withholds</em> a message — it is neither
 * emitted nor written to the ledger, and goes out at a later evaluation if its rule still fires then.
 * An immutable value, validated at construction with errors naming the settings key.
 *
 * @param suppressTags  a contact holding any of these tags gets no message
 * @param quietHours    local hours in which no message goes out, or {@code null} for none
 * @param frequencyCaps per channel, the most messages in a rolling window
 * @param priority      rule ids whose messages are taken first under a frequency cap, in this order
 */
public record Policies(Set<String> suppressTags, QuietHours quietHours, Map<Channel, FrequencyCap> frequencyCaps,
                       List<String> priority) {

    private static final Policies NONE = new Policies(Set.of(), null, Map.of(), List.of());

    public Policies {
        Objects.requireNonNull(suppressTags, "suppressTags");
        for (String tag : suppressTags) {
            if (tag == null || tag.isEmpty()) {
                throw new InvalidSettingsException("policies.suppressTags", "tags must be non-empty strings, got '" + tag + "'");
            }
        }
        suppressTags = Collections.unmodifiableSortedSet(new TreeSet<>(suppressTags));
        EnumMap<Channel, FrequencyCap> caps = new EnumMap<>(Channel.class);
        caps.putAll(Objects.requireNonNull(frequencyCaps, "frequencyCaps"));
        frequencyCaps = Collections.unmodifiableMap(caps);
        priority = List.copyOf(priority);
        if (new TreeSet<>(priority).size() != priority.size()) {
            throw new InvalidSettingsException("policies.priority", "names a rule twice: " + priority);
        }
    }

    /** No policy at all. */
    public static Policies none() {
        return NONE;
    }

    /** Whether no policy is set. */
    public boolean isEmpty() {
        return suppressTags.isEmpty() && quietHours == null && frequencyCaps.isEmpty();
    }

    /**
     * Local hours [start, end) in which messages are withheld, in the contact's zone ({@code attributes.timezone},
     * else {@code defaultZone}; an invalid zone falls back to it). The range may wrap midnight.
     */
    public record QuietHours(LocalTime start, LocalTime end, ZoneId defaultZone) {
        public QuietHours {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            Objects.requireNonNull(defaultZone, "defaultZone");
            if (start.equals(end)) {
                throw new InvalidSettingsException("policies.quietHours.end", "must differ from start (" + start + ")");
            }
        }

        /** Whether local time {@code t} lies in [start, end), wrapping midnight when start is after end. */
        public boolean contains(LocalTime t) {
            return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
        }
    }

    /** At most {@code max} messages of a channel in any window of {@code hours} (a rolling window ending now). */
    public record FrequencyCap(int max, java.time.Duration window) {
        public FrequencyCap {
            if (max < 1) {
                throw new IllegalArgumentException("max must be >= 1, was " + max);
            }
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window must be positive, was " + window);
            }
        }
    }
}
