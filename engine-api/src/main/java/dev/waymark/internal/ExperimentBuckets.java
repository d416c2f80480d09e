package dev.waymark.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * An experiment's (or a journey split's) bucket boundaries, computed once: below {@code holdout} the holdout,
 * then arm i up to {@code upper[i]}. A contact's bucket is the first 8 bytes of SHA-256 over a text naming
 * it and the experiment, unsigned, modulo {@link #BUCKETS}. Immutable and thread-safe; the delivery policies
 * keep one per experiment, so a contact's arm costs a hash and a few comparisons.
 */
public final class ExperimentBuckets {

    /** Buckets a contact can fall in: {@code 0 .. BUCKETS-1}. */
    public static final int BUCKETS = 10_000;

    /** The arm name of the holdout. */
    public static final String HOLDOUT = "holdout";

    private final int holdout;
    private final int[] upper;
    private final String[] names;

    private ExperimentBuckets(int holdout, int[] upper, String[] names) {
        this.holdout = holdout;
        this.upper = upper;
        this.names = names;
    }

    /**
     * The boundaries for a holdout share and arms by weight: H = floor(holdoutPercent × 100), then arm i takes
     * the rest up to floor(N·C_i/W) over N = 10000 − H, C_i the cumulative weight and W the total.
     *
     * @param names   the arms, in order
     * @param weights their weights, in the same order, each >= 0, with a positive total
     */
    public static ExperimentBuckets of(double holdoutPercent, List<String> names, List<Double> weights) {
        if (names.size() != weights.size() || names.isEmpty()) {
            throw new IllegalArgumentException("needs as many weights as arms, and at least one arm");
        }
        // Decimal arithmetic so 0.29 % is 29 buckets, not 28 (0.29 × 100 = 28.999… in binary floating point).
        int h = BigDecimal.valueOf(holdoutPercent).multiply(BigDecimal.valueOf(100))
                .setScale(0, RoundingMode.FLOOR).intValueExact();
        BigDecimal total = BigDecimal.ZERO;
        for (double w : weights) {
            total = total.add(BigDecimal.valueOf(w));
        }
        BigDecimal n = BigDecimal.valueOf(BUCKETS - h);
        int[] upper = new int[names.size()];
        BigDecimal cumulative = BigDecimal.ZERO;
        for (int i = 0; i < upper.length; i++) {
            cumulative = cumulative.add(BigDecimal.valueOf(weights.get(i)));
            upper[i] = n.multiply(cumulative).divide(total, 0, RoundingMode.FLOOR).intValueExact();
        }
        return new ExperimentBuckets(h, upper, names.toArray(new String[0]));
    }

    /** The bucket of {@code text} (for example {@code contactId + "\n" + rule}). */
    public static int bucket(String text) {
        return Sha256.bucket(text, BUCKETS);
    }

    /** The arm of a bucket: an arm's name or {@link #HOLDOUT}. */
    public String armOf(int bucket) {
        if (bucket < holdout) {
            return HOLDOUT;
        }
        int r = bucket - holdout;
        for (int i = 0; i < upper.length; i++) {
            if (r < upper[i]) {
                return names[i];
            }
        }
        throw new IllegalStateException("bucket " + bucket + " beyond every arm"); // unreachable: the last upper is N
    }
}
