package dev.waymark;

import dev.waymark.internal.ExperimentBuckets;

import java.util.EnumMap;
import java.time.ZoneId;
import java.time.LocalTime;
import dev.waymark.internal.StandardRules;
import dev.waymark.internal.StandardRules.Kind;
import dev.waymark.internal.StandardRules.Param;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which rules are switched on and their parameters (docs/settings-and-policies.md). Immutable and thread-safe; build one with
 * {@link #builder()} or read one from JSON with {@code WaymarkJson.readSettings}. Every rule is on and
 * every parameter has its documented default unless set.
 *
 * <p>Parameters of kind hours or days are {@link Duration}s (a day is exactly 24 h); integers are
 * {@code Integer}; numbers are {@code Double}. Every setter validates at once and throws
 * {@link InvalidSettingsException} naming the key ({@code rules.<rule>.<param>}) and quoting the value.
 * Custom rule ids are accepted here with only {@code enabled}; the engine rejects ids that name no rule.
 */
public final class Settings {

    private static final Settings DEFAULTS = new Settings(Map.of(), Map.of(), Policies.none(), Set.of());

    private final Map<String, Boolean> enabled;
    private final Map<String, Map<String, Object>> params;
    private final Policies policies;
    /** Rule ids named with nothing set ({@code "rules":{"x":{}}}); only checked, they change no behaviour. */
    private final Set<String> named;

    private Settings(Map<String, Boolean> enabled, Map<String, Map<String, Object>> params, Policies policies,
                     Set<String> named) {
        this.policies = Objects.requireNonNull(policies, "policies");
        this.named = Collections.unmodifiableSet(new TreeSet<>(named));
        this.enabled = Collections.unmodifiableMap(new TreeMap<>(enabled));
        TreeMap<String, Map<String, Object>> p = new TreeMap<>();
        params.forEach((rule, values) -> p.put(rule, Collections.unmodifiableMap(new TreeMap<>(values))));
        this.params = Collections.unmodifiableMap(p);
    }

    /** Every rule on, every parameter at its default. */
    public static Settings defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.enabled.putAll(enabled);
        params.forEach((rule, values) -> b.params.put(rule, new TreeMap<>(values)));
        b.policies = policies;
        b.named.addAll(named);
        return b;
    }

    /** The delivery policies (docs/settings-and-policies.md); {@link Policies#none()} unless set. */
    public Policies policies() {
        return policies;
    }

    /** Whether the rule is switched on (true unless settings switch it off). */
    public boolean enabled(String ruleId) {
        return enabled.getOrDefault(ruleId, Boolean.TRUE);
    }

    /**
     * Rule ids these settings mention (switched on or off, with parameters, or only named): each must be a
     * rule or journey of the engine they are given to.
     */
    public Set<String> mentionedRules() {
        Set<String> s = new TreeSet<>(named);
        s.addAll(enabled.keySet());
        s.addAll(params.keySet());
        return Collections.unmodifiableSet(s);
    }

    /** Rule ids switched off. */
    public Set<String> disabledRules() {
        Set<String> s = new TreeSet<>();
        enabled.forEach((rule, on) -> {
            if (!on) {
                s.add(rule);
            }
        });
        return Collections.unmodifiableSet(s);
    }

    /** The parameter's value, or its default. */
    public Object param(String ruleId, String name) {
        Param p = spec(ruleId, name);
        Map<String, Object> values = params.get(ruleId);
        Object v = values == null ? null : values.get(name);
        return v != null ? v : p.defaultValue();
    }

    /** An hours or days parameter. */
    public Duration duration(String ruleId, String name) {
        return (Duration) typed(ruleId, name, Kind.HOURS, Kind.DAYS);
    }

    /** An hours-list parameter. */
    @SuppressWarnings("unchecked")
    public List<Duration> durations(String ruleId, String name) {
        return (List<Duration>) typed(ruleId, name, Kind.HOURS_LIST);
    }

    /** An integer parameter. */
    public int integer(String ruleId, String name) {
        return (Integer) typed(ruleId, name, Kind.INTEGER);
    }

    /** A number parameter. */
    public double number(String ruleId, String name) {
        return (Double) typed(ruleId, name, Kind.NUMBER);
    }

    private Object typed(String ruleId, String name, Kind... kinds) {
        Param p = spec(ruleId, name);
        for (Kind k : kinds) {
            if (p.kind() == k) {
                return param(ruleId, name);
            }
        }
        throw new IllegalArgumentException("parameter " + ruleId + "." + name + " is " + p.kind().description);
    }

    private static Param spec(String ruleId, String name) {
        Param p = StandardRules.params(ruleId).get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' for rule '" + ruleId + "'");
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Settings s && s.enabled.equals(enabled) && s.params.equals(params) && s.policies.equals(policies);
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, params, policies);
    }

    @Override
    public String toString() {
        return "Settings[enabled=" + enabled + ", params=" + params + ", policies=" + policies + "]";
    }

    /** Builds {@link Settings}; every setter validates at once. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Boolean> enabled = new TreeMap<>();
        private final Map<String, Map<String, Object>> params = new TreeMap<>();
        private Policies policies = Policies.none();
        private final Set<String> named = new TreeSet<>();

        private Builder() {
        }

        /** Sets the delivery policies. */
        public Builder policies(Policies policies) {
            this.policies = Objects.requireNonNull(policies, "policies");
            return this;
        }

        /** Switches a rule on or off. A custom rule id is checked when the engine is built. */
        public Builder enabled(String ruleId, boolean on) {
            checkRuleId(ruleId);
            enabled.put(ruleId, on);
            return this;
        }

        /**
         * Names a rule without changing it, as {@code "rules":{"id":{}}} does: nothing changes, but the rule
         * counts as {@linkplain Settings#mentionedRules() mentioned}, so an engine without it rejects these
         * settings. Not part of {@code equals}: it changes no behaviour.
         */
        public Builder rule(String ruleId) {
            checkRuleId(ruleId);
            named.add(ruleId);
            return this;
        }

        /** Switches a rule off. */
        public Builder disable(String ruleId) {
            return enabled(ruleId, false);
        }

        /**
         * Sets a standard rule's parameter: a {@link Duration} (or a number of hours/days) for hours and days
         * parameters, a {@code List} of those for hours lists, a number otherwise.
         */
        public Builder param(String ruleId, String name, Object value) {
            checkRuleId(ruleId);
            String key = "rules." + ruleId + "." + name;
            if (!StandardRules.isStandard(ruleId)) {
                throw new InvalidSettingsException(key, "custom rule '" + ruleId + "' takes no parameters, only 'enabled'");
            }
            Param p = StandardRules.params(ruleId).get(name);
            if (p == null) {
                throw new InvalidSettingsException(key, "unknown parameter '" + name + "' of rule '" + ruleId
                        + "'; known: " + String.join(", ", StandardRules.params(ruleId).keySet()));
            }
            params.computeIfAbsent(ruleId, r -> new TreeMap<>()).put(name, convert(key, p, value));
            return this;
        }

        /** The settings; checks the rules' cross-parameter constraints. */
        public Settings build() {
            Settings s = new Settings(enabled, params, policies, named);
            Duration after = s.duration(StandardRules.ABANDONED_CART, "afterHours");
            Duration maxAge = s.duration(StandardRules.ABANDONED_CART, "maxAgeHours");
            if (maxAge.compareTo(after) <= 0) {
                throw new InvalidSettingsException("rules.abandoned-cart.maxAgeHours",
                        "must be greater than afterHours (" + after.toHours() + "), was " + maxAge.toHours());
            }
            Duration window = s.duration(StandardRules.REVIEW_REQUEST, "afterDays")
                    .plus(s.duration(StandardRules.REVIEW_REQUEST, "windowDays"));
            if (window.compareTo(StandardRules.RETENTION) > 0) {
                throw new InvalidSettingsException("rules.review-request.windowDays",
                        "afterDays + windowDays must be at most " + StandardRules.RETENTION.toDays()
                                + " days (how long orders are remembered)");
            }
            return s;
        }

        private static void checkRuleId(String ruleId) {
            if (ruleId == null || ruleId.isBlank()) {
                throw new InvalidSettingsException("rules", "rule id must be a non-empty string, was '" + ruleId + "'");
            }
        }

        private static Object convert(String key, Param p, Object value) {
            if (value == null) {
                throw new InvalidSettingsException(key, "must be " + p.kind().description + ", was null");
            }
            return switch (p.kind()) {
                case HOURS -> duration(key, p, value, Duration.ofHours(1));
                case DAYS -> duration(key, p, value, Duration.ofDays(1));
                case HOURS_LIST -> {
                    if (!(value instanceof List<?> list) || list.isEmpty()) {
                        throw new InvalidSettingsException(key, "must be a non-empty " + p.kind().description + ", was " + quote(value));
                    }
                    List<Duration> out = new ArrayList<>();
                    for (int i = 0; i < list.size(); i++) {
                        out.add(duration(key + "[" + i + "]", p, list.get(i), Duration.ofHours(1)));
                    }
                    yield List.copyOf(out);
                }
                case INTEGER -> {
                    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                        throw new InvalidSettingsException(key, "must be " + p.kind().description + ", was " + quote(value));
                    }
                    inRange(key, p, n.doubleValue(), value);
                    yield n.intValue();
                }
                case NUMBER -> {
                    if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                        throw new InvalidSettingsException(key, "must be " + p.kind().description + ", was " + quote(value));
                    }
                    inRange(key, p, n.doubleValue(), value);
                    yield n.doubleValue();
                }
            };
        }

        private static Duration duration(String key, Param p, Object value, Duration unit) {
            if (value instanceof Duration d) {
                double units = (double) d.toMillis() / unit.toMillis();
                inRange(key, p, units, value);
                return d;
            }
            if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                throw new InvalidSettingsException(key, "must be " + p.kind().description + ", was " + quote(value));
            }
            inRange(key, p, n.doubleValue(), value);
            return Duration.ofMillis(Math.round(n.doubleValue() * unit.toMillis()));
        }

        private static void inRange(String key, Param p, double v, Object original) {
            if (v < p.min() || v > p.max()) {
                throw new InvalidSettingsException(key, "must be from " + fmt(p.min()) + " to " + fmt(p.max())
                        + ", was " + quote(original));
            }
        }

        private static String fmt(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }

        private static String quote(Object v) {
            return v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
        }
    }

    /**
     * Delivery policies (docs/settings-and-policies.md): what may stop a message that a rule fired, experiments, and the goal
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
         * A rule's experiment (docs/settings-and-policies.md): each contact lands in the holdout or one variant, deterministically
         * from its id and the rule id, the same on every machine and after every restart.
         *
         * @param holdoutPercent share of contacts held out, 0 to 100 (hundredths of a percent count)
         * @param variants       the arms the other contacts are split over by weight, in this order; at least one
         */
        public record Experiment(double holdoutPercent, List<Variant> variants) {

            /** The arm name of the holdout, carried in {@code params.variant}. */
            public static final String HOLDOUT = ExperimentBuckets.HOLDOUT;

            /** Buckets a contact can fall in: {@code 0 .. BUCKETS-1}. */
            public static final int BUCKETS = ExperimentBuckets.BUCKETS;

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

            /** As docs/settings-and-policies.md defines it: the first 8 bytes of SHA-256 over {@code contactId + "\n" + rule}, unsigned, modulo 10000. */
            public static int bucket(String contactId, String rule) {
                return ExperimentBuckets.bucket(contactId + "\n" + rule);
            }

            /** The arm of {@code contactId} in this experiment on {@code rule}: a variant's name or {@link #HOLDOUT}. */
            public String arm(String contactId, String rule) {
                return armOfBucket(bucket(contactId, rule));
            }

            /** The arm of a bucket: below H = floor(holdoutPercent × 100) the holdout, then variants by cumulative weight. */
            public String armOfBucket(int bucket) {
                return buckets().armOf(bucket);
            }

            /** This experiment's bucket boundaries, for a caller that looks up many contacts' arms. */
            public ExperimentBuckets buckets() {
                return ExperimentBuckets.of(holdoutPercent, variants.stream().map(Variant::name).toList(),
                        variants.stream().map(Variant::weight).toList());
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
         * The conversion goal (docs/settings-and-policies.md): a message or holdout record at {@code at} converts when the contact has
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
}
