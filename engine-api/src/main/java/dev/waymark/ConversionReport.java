package dev.waymark;

import dev.waymark.Settings.Policies;

import dev.waymark.internal.Tally;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which journeys convert (SPEC §7): per rule and arm — each experiment variant, the holdout, or {@code all}
 * for a rule without an experiment — the messages (or holdout records) sent, the contacts reached and
 * converted, the conversion rate, the revenue of the converting goal events, and for each variant its lift
 * over the holdout. Built from contact states with {@link #of(Iterable, Settings)}; an immutable value.
 *
 * @param goal the goal event and window the settings name (exposures recorded under earlier settings keep theirs)
 * @param rows by rule id; within a rule the variants in their listed order (other arm names after them, by name),
 *             then the holdout, then {@code all}
 */
public record ConversionReport(Policies.Conversion goal, List<Row> rows) {

    /** The z value of a two-sided 95 % interval. */
    private static final double Z95 = 1.959963984540054;

    public ConversionReport {
        Objects.requireNonNull(goal, "goal");
        rows = List.copyOf(rows);
    }

    /**
     * One rule and arm.
     *
     * @param actions   messages and holdout records sent
     * @param reached   contacts that got at least one
     * @param converted contacts with at least one that converted
     * @param rate      {@code converted / reached}, 0 when nobody was reached
     * @param revenue   sum of the converting events' {@code amount}, each event once per rule and arm
     * @param lift      for a variant of a rule with a holdout: its rate minus the holdout's, else {@code null}
     */
    public record Row(String rule, String arm, long actions, long reached, long converted, double rate,
                      double revenue, Lift lift) {
        public Row {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(arm, "arm");
        }
    }

    /**
     * A variant's conversion rate minus the holdout's (so 0.03 is three percentage points), with a 95 %
     * interval for that difference: Agresti–Caffo's (the Wald interval after adding one conversion and one
     * non-conversion to each arm), which keeps its coverage with small arms and rates near 0 % where the plain
     * Wald interval collapses to a point.
     */
    public record Lift(double difference, double low, double high) {
    }

    /**
     * The report over {@code states}, with a row for every arm of the experiments in {@code settings} even if
     * it reached nobody yet. Reads only the tallies each state keeps; runs no rule.
     */
    public static ConversionReport of(Iterable<ContactState> states, Settings settings) {
        Objects.requireNonNull(states, "states");
        Map<String, Map<String, Sum>> sums = new TreeMap<>();
        for (ContactState s : states) {
            for (Tally t : s.contact().conversions().tallies()) {
                sums.computeIfAbsent(t.rule(), r -> new HashMap<>()).computeIfAbsent(t.arm(), a -> new Sum()).add(t);
            }
        }
        settings.policies().experiments().forEach((rule, experiment) -> {
            Map<String, Sum> arms = sums.computeIfAbsent(rule, r -> new HashMap<>());
            experiment.variants().forEach(v -> arms.computeIfAbsent(v.name(), a -> new Sum()));
            if (experiment.holdoutPercent() > 0) {
                arms.computeIfAbsent(Policies.Experiment.HOLDOUT, a -> new Sum());
            }
        });
        List<Row> rows = new ArrayList<>();
        sums.forEach((rule, arms) -> {
            Policies.Experiment experiment = settings.policies().experiments().get(rule);
            List<String> variants = new ArrayList<>();
            if (experiment != null) {
                experiment.variants().forEach(v -> variants.add(v.name()));
            }
            List<String> names = new ArrayList<>(arms.keySet());
            names.sort(Comparator.comparingInt((String a) -> rank(a, variants)).thenComparing(Comparator.naturalOrder()));
            Sum holdout = arms.get(Policies.Experiment.HOLDOUT);
            for (String arm : names) {
                Sum sum = arms.get(arm);
                boolean variant = !arm.equals(Policies.Experiment.HOLDOUT) && !arm.equals(Policies.Conversion.ALL);
                Lift lift = variant && holdout != null ? lift(sum, holdout) : null;
                rows.add(new Row(rule, arm, sum.actions, sum.reached, sum.converted, sum.rate(),
                        sum.revenue.doubleValue(), lift));
            }
        });
        return new ConversionReport(settings.policies().conversion(), rows);
    }

    /** The rows of one rule. */
    public List<Row> rows(String rule) {
        return rows.stream().filter(r -> r.rule().equals(rule)).toList();
    }

    /** Listed variants first in their order, then other variant names, then the holdout, then {@code all}. */
    private static int rank(String arm, List<String> variants) {
        int listed = variants.indexOf(arm);
        if (listed >= 0) {
            return listed;
        }
        return variants.size() + (arm.equals(Policies.Experiment.HOLDOUT) ? 1 : arm.equals(Policies.Conversion.ALL) ? 2 : 0);
    }

    private static Lift lift(Sum variant, Sum holdout) {
        if (variant.reached == 0 || holdout.reached == 0) {
            return null;
        }
        // Agresti–Caffo: one success and one failure added to each arm for the interval, not the estimate.
        double nv = variant.reached + 2.0;
        double nh = holdout.reached + 2.0;
        double pv = (variant.converted + 1) / nv;
        double ph = (holdout.converted + 1) / nh;
        double centre = pv - ph;
        double half = Z95 * Math.sqrt(pv * (1 - pv) / nv + ph * (1 - ph) / nh);
        return new Lift(variant.rate() - holdout.rate(), centre - half, centre + half);
    }

    /** Running totals of one rule and arm. */
    private static final class Sum {
        long actions;
        long reached;
        long converted;
        BigDecimal revenue = BigDecimal.ZERO;

        void add(Tally t) {
            actions += t.actions();
            if (t.actions() > 0) {
                reached++;
            }
            if (t.converted()) {
                converted++;
            }
            revenue = revenue.add(BigDecimal.valueOf(t.revenue()));
        }

        double rate() {
            return reached == 0 ? 0.0 : (double) converted / reached;
        }
    }
}
