package dev.waymark;

import dev.waymark.Settings.Policies;

import dev.waymark.internal.JourneyRuns;
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
 * Which journeys convert (docs/settings-and-policies.md): per rule and arm — each experiment variant, the holdout, or {@code all}
 * for a rule without an experiment — the messages (or holdout records) sent, the contacts reached and
 * converted, the conversion rate, the revenue of the converting goal events, and for each variant its lift
 * over the holdout. Built from contact states with {@link #of(Iterable, Settings)}; an immutable value.
 *
 * @param goal the goal event and window the settings name (exposures recorded under earlier settings keep theirs)
 * @param rows by rule id; within a rule the variants in their listed order (other arm names after them, by name),
 *             then the holdout, then {@code all}
 * @param journeys per journey a contact entered, by journey id: contacts that entered, are in it now, completed
 *             and exited, and per step those that reached it and wait at it now (a journey's conversion is in
 *             {@code rows} under its id, as a rule's)
 */
public record ConversionReport(Policies.Conversion goal, List<Row> rows, List<JourneyRow> journeys) {

    /** The z value of a two-sided 95 % interval. */
    private static final double Z95 = 1.959963984540054;

    public ConversionReport {
        Objects.requireNonNull(goal, "goal");
        rows = List.copyOf(rows);
        journeys = journeys == null ? List.of() : List.copyOf(journeys);
    }

    /** A report without journeys. */
    public ConversionReport(Policies.Conversion goal, List<Row> rows) {
        this(goal, rows, List.of());
    }

    /**
     * One journey, counted in contacts.
     *
     * @param entered   contacts that entered it at least once
     * @param active    contacts in it now
     * @param completed contacts with at least one run that reached the end
     * @param exited    contacts with at least one run ended by the exit event or condition
     * @param steps     by step id: contacts that ever reached the step, and those waiting at it now
     */
    public record JourneyRow(String journey, long entered, long active, long completed, long exited, List<StepRow> steps) {
        public JourneyRow {
            Objects.requireNonNull(journey, "journey");
            steps = List.copyOf(steps);
        }
    }

    /** One step of a journey: contacts that ever reached it, and that are at it now. */
    public record StepRow(String step, long reached, long waiting) {
        public StepRow {
            Objects.requireNonNull(step, "step");
        }
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
        Map<String, long[]> journeys = new TreeMap<>();
        Map<String, Map<String, long[]>> steps = new TreeMap<>();
        for (ContactState s : states) {
            for (Tally t : s.contact().conversions().tallies()) {
                sums.computeIfAbsent(t.rule(), r -> new HashMap<>()).computeIfAbsent(t.arm(), a -> new Sum()).add(t);
            }
            for (JourneyRuns.Journey j : s.contact().journeys().journeys()) {
                long[] n = journeys.computeIfAbsent(j.journey(), k -> new long[4]);
                n[0] += j.entries() > 0 ? 1 : 0;
                n[1] += j.active() != null ? 1 : 0;
                n[2] += j.completed() > 0 ? 1 : 0;
                n[3] += j.exited() > 0 ? 1 : 0;
                Map<String, long[]> byStep = steps.computeIfAbsent(j.journey(), k -> new TreeMap<>());
                for (String step : j.reached()) {
                    byStep.computeIfAbsent(step, k -> new long[2])[0]++;
                }
                if (j.active() != null) {
                    byStep.computeIfAbsent(j.active().step(), k -> new long[2])[1]++;
                }
            }
        }
        List<JourneyRow> journeyRows = new ArrayList<>();
        journeys.forEach((id, n) -> {
            List<StepRow> stepRows = new ArrayList<>();
            steps.get(id).forEach((step, c) -> stepRows.add(new StepRow(step, c[0], c[1])));
            journeyRows.add(new JourneyRow(id, n[0], n[1], n[2], n[3], stepRows));
        });
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
        return new ConversionReport(settings.policies().conversion(), rows, journeyRows);
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
