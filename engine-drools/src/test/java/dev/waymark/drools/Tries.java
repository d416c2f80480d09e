package dev.waymark.drools;

import net.jqwik.api.statistics.Statistics;

/**
 * Keeps a property honest: a property whose tries never reach what it is about passes without testing it.
 * Each try records whether it did, and the property fails at its end unless enough of its tries did.
 */
final class Tries {
    private Tries() {
    }

    /**
     * Records for this try whether it {@code exercised} what {@code label} names, and requires it of at least
     * {@code percent} % of the property's tries.
     */
    static void exercised(String label, int percent, boolean exercised) {
        Statistics.label(label).collect(exercised);
        Statistics.label(label).coverage(c -> c.check(true).percentage(p -> p >= percent));
    }
}
