package dev.waymark;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Delivery policies (SPEC §7): what may stop a message that a rule fired, experiments, and the goal
 * that counts as a conversion. All are off unless set. They act on message actions only, after the
 * rules, in this order: suppress tags, quiet hours, experiments, frequency cap (taking firings in
 * {@link #priority()} order). A policy <em>withholds</em> a message — it is neither emitted nor written
 * to the ledger, and goes out at a later evaluation if its rule still fires then. An immutable value,
 * validated at construction with errors naming the settings key.
 *
 * @param suppressTags  a contact holding any of these tags gets no message
 * @param quietHours    local hours in which no message goes out, or {@code null} for none
 * @param frequencyCaps per channel, the most messages in a rolling window
 * @param priority      rule ids whose messages are taken first under a frequency cap, in this order
 * @param experiments   per rule id, the split of contacts into a holdout and weighted variants
 * @param conversion    the goal event and window that make a message (or holdout record) convert
 */
public record Policies(Set<String> suppressTags, QuietHours quietHours, Map<Channel, FrequencyCap> frequencyCaps,
                       List<String> priority, Map<String, Experiment> experiments, Conversion conversion) {

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
        experiments = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(experiments, "experiments")));
        Objects.requireNonNull(conversion, "conversion");
    }

    /** Policies without experiments, with the default conversion goal. */
    public Policies(Set<String> suppressTags, QuietHours quietHours, Map<Channel, FrequencyCap> frequencyCaps,
                    List<String> priority) {
        this(suppressTags, quietHours, frequencyCaps, priority, Map.of(), Conversion.DEFAULT);
    }

    /** No policy at all. */
    public static Policies none() {
        return NONE;
    }

    /** Whether no policy can withhold or change a message (the conversion goal changes none). */
    public boolean isEmpty() {
        return suppressTags.isEmpty() && quietHours == null && frequencyCaps.isEmpty() && experiments.isEmpty();
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

    /**
     * A rule's experiment (SPEC §7): each contact lands in the holdout or one variant, deterministically
     * from its id and the rule id, the same on every machine and after every restart.
     *
     * @param holdoutPercent share of contacts held out, 0 to 100 (hundredths of a percent count)
     * @param variants       the arms the other contacts are split over by weight, in this order; at least one
     */
    public record Experiment(double holdoutPercent, List<Variant> variants) {

        /** The arm name of the holdout, carried in {@code params.variant}. */
        public static final String HOLDOUT = "holdout";

        /** Buckets a contact can fall in: {@code 0 .. BUCKETS-1}. */
        public static final int BUCKETS = 10_000;

        public Experiment {
            if (!(holdoutPercent >= 0 && holdoutPercent <= 100)) {
                throw new IllegalArgumentException("holdoutPercent must be between 0 and 100, was " + holdoutPercent);
            }
            variants = List.copyOf(variants);
            if (variants.isEmpty()) {
                throw new IllegalArgumentException("needs at least one variant");
            }
            Set<String> names = new TreeSet<>();
            double total = 0;
            for (Variant v : variants) {
                if (!names.add(v.name())) {
                    throw new IllegalArgumentException("variant name '" + v.name() + "' is used twice");
                }
                total += v.weight();
            }
            if (!(total > 0)) {
                throw new IllegalArgumentException("the variants' weights must add up to more than 0");
            }
        }

        /** SPEC §7: the first 8 bytes of SHA-256 over {@code contactId + "\n" + rule}, unsigned, modulo 10000. */
        public static int bucket(String contactId, String rule) {
            byte[] digest = dev.waymark.internal.Values.sha256(contactId + "\n" + rule);
            long high = 0;
            for (int i = 0; i < 8; i++) {
                high = (high << 8) | (digest[i] & 0xff);
            }
            return (int) Long.remainderUnsigned(high, BUCKETS);
        }

        /** The arm of {@code contactId} in this experiment on {@code rule}: a variant's name or {@link #HOLDOUT}. */
        public String arm(String contactId, String rule) {
            return armOfBucket(bucket(contactId, rule));
        }

        /** The arm of a bucket: below H = floor(holdoutPercent × 100) the holdout, then variants by cumulative weight. */
        public String armOfBucket(int bucket) {
            return dev.waymark.internal.Arms.of(this).armOf(bucket);
        }
    }

    /** One arm of an experiment: a name carried in {@code params.variant}, and its weight (>= 0). */
    public record Variant(String name, double weight) {
        public Variant {
            if (name == null || name.isEmpty() || name.equals(Experiment.HOLDOUT) || name.equals(Conversion.ALL)) {
                throw new IllegalArgumentException("a variant needs a name other than 'holdout' and 'all', got '" + name + "'");
            }
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("weight must be a number >= 0, was " + weight);
            }
        }
    }

    /**
     * The conversion goal (SPEC §7): a message or holdout record at {@code at} converts when the contact has
     * an {@code event} in (at, at + window].
     */
    public record Conversion(String event, java.time.Duration window) {

        /** The arm name of a rule without an experiment in the conversion report. */
        public static final String ALL = "all";

        /** {@code order.placed} within 72 hours. */
        public static final Conversion DEFAULT = new Conversion("order.placed", java.time.Duration.ofHours(72));

        public Conversion {
            if (event == null || event.isEmpty()) {
                throw new IllegalArgumentException("event must be a non-empty event type, was '" + event + "'");
            }
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window must be positive, was " + window);
            }
        }
    }
}
