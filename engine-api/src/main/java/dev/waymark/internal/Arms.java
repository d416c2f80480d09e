package dev.waymark.internal;

import dev.waymark.Policies;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * An experiment's bucket boundaries (SPEC §7), computed once: below {@code holdout} the holdout, then
 * variant i up to {@code upper[i]}. Immutable and thread-safe; the delivery policies keep one per
 * experiment so a contact's arm costs a hash and a few comparisons.
 */
public final class Arms {

    private final int holdout;
    private final int[] upper;
    private final String[] names;

    private Arms(int holdout, int[] upper, String[] names) {
        this.holdout = holdout;
        this.upper = upper;
        this.names = names;
    }

    /** The boundaries of {@code e}: H = floor(holdoutPercent × 100), then floor(N·C_i/W) over N = 10000 − H. */
    public static Arms of(Policies.Experiment e) {
        // Decimal arithmetic so 0.29 % is 29 buckets, not 28 (0.29 × 100 = 28.999… in binary floating point).
        int h = BigDecimal.valueOf(e.holdoutPercent()).multiply(BigDecimal.valueOf(100))
                .setScale(0, RoundingMode.FLOOR).intValueExact();
        List<Policies.Variant> variants = e.variants();
        BigDecimal total = BigDecimal.ZERO;
        for (Policies.Variant v : variants) {
            total = total.add(BigDecimal.valueOf(v.weight()));
        }
        BigDecimal n = BigDecimal.valueOf(Policies.Experiment.BUCKETS - h);
        int[] upper = new int[variants.size()];
        String[] names = new String[variants.size()];
        BigDecimal cumulative = BigDecimal.ZERO;
        for (int i = 0; i < upper.length; i++) {
            cumulative = cumulative.add(BigDecimal.valueOf(variants.get(i).weight()));
            upper[i] = n.multiply(cumulative).divide(total, 0, RoundingMode.FLOOR).intValueExact();
            names[i] = variants.get(i).name();
        }
        return new Arms(h, upper, names);
    }

    /** The arm of a bucket: a variant's name or {@link Policies.Experiment#HOLDOUT}. */
    public String armOf(int bucket) {
        if (bucket < holdout) {
            return Policies.Experiment.HOLDOUT;
        }
        int r = bucket - holdout;
        for (int i = 0; i < upper.length; i++) {
            if (r < upper[i]) {
                return names[i];
            }
        }
        throw new IllegalStateException("bucket " + bucket + " beyond every variant"); // unreachable: the last upper is N
    }
}
