package dev.waymark.bench;

import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import java.util.List;
import java.util.Map;

/**
 * Describes the benchmark dataset and checks every implementation against it, without timing anything: the
 * scenario mix, events per contact, what fires at {@link Dataset#NOW}, and whether naive Drools (on the current and the as-filed DRL), hand-written
 * Java and the engine without skipping emit exactly Waymark's actions (exit 1 if not).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.waymark.bench.DatasetReport [contacts]}
 * (default 100000).
 */
public final class DatasetReport {

    private DatasetReport() {
    }

    /** Prints the report for the first {@code args[0]} contacts. */
    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Settings settings = Settings.defaults();
        JourneyEngine waymark = Waymark.builder().settings(settings).build();

        Map<Dataset.Scenario, Integer> mix = Dataset.mix(Dataset.SEED, size);
        long events = 0;
        long pending = 0;
        for (int i = 0; i < size; i++) {
            for (Event e : Dataset.history(Dataset.SEED, i)) {
                events++;
                pending += e.at().isAfter(Dataset.PREVIOUS) ? 1 : 0;
            }
        }
        System.out.printf("contacts %d, events %d (%.1f per contact), %d of them after the previous run (pending)%n",
                size, events, (double) events / size, pending);
        mix.forEach((s, n) -> System.out.printf("  %-15s %7d  %5.1f %%%s%n", s, n, 100.0 * n / size, s.due ? "  due" : ""));

        long t0 = System.nanoTime();
        List<ContactState> states = Dataset.states(waymark, size, Dataset.SEED, Runtime.getRuntime().availableProcessors());
        System.out.printf("built the states in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        Outcomes reference = Outcomes.of(waymark, states, Dataset.NOW);
        System.out.println("waymark at " + Dataset.NOW + ": " + reference);
        int status = 0;
        status |= check("handWritten", reference, Outcomes.of(HandWrittenRules.engine(settings, states.get(0).rulesetId(), 128),
                states, Dataset.NOW), true);
        status |= check("waymarkNoSkip", reference,
                Outcomes.of(Waymark.builder().settings(settings).skipNotDue(false).build(), states, Dataset.NOW), true);
        status |= check("naiveDrools", reference, Outcomes.of(new NaiveDrools(settings), states, Dataset.NOW), false);
        status |= check("naiveDroolsAsFiled", reference,
                Outcomes.of(new NaiveDrools(settings, NaiveDrools.Rules.AS_FILED), states, Dataset.NOW), false);
        System.exit(status);
    }

    private static int check(String name, Outcomes reference, Outcomes other, boolean wakeUps) {
        try {
            reference.requireSame("waymark", other, name, wakeUps);
            System.out.println(name + ": same actions" + (wakeUps ? " and wake-ups" : "") + " (" + other + ")");
            return 0;
        } catch (IllegalStateException e) {
            System.out.println(name + ": " + e.getMessage());
            return 1;
        }
    }
}
