package dev.waymark.bench;

import dev.waymark.BulkSummary;
import dev.waymark.ContactState;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * How long does evaluating the ten standard rules over the whole contact base at {@link Dataset#NOW} take?
 * One operation is one run over all {@code size} contacts of the {@link Dataset}, one thread.
 *
 * <ul>
 *   <li>{@code waymark}: the engine's {@code evaluateAll} (batches of 128 contacts per {@code fireAllRules} on a
 *       pooled session, contacts with nothing due skipped by their wake-up).</li>
 *   <li>{@code naiveDrools}: {@link NaiveDrools}, a new {@code StatelessKieSession} per contact on the same
 *       DRL, every contact evaluated, the same dedup and consent after.</li>
 *   <li>{@code naiveDroolsAsFiled}: the same naive way on the standard DRL as it was when the performance issue
 *       was filed ({@link NaiveDrools.Rules#AS_FILED}), before the rules were rewritten for speed: the baseline
 *       the target was set against.</li>
 *   <li>{@code handWritten}: {@link HandWrittenRules}, the same rules in plain Java inside the same pipeline:
 *       the floor.</li>
 *   <li>{@code waymarkNoSkip}: the engine with {@code skipNotDue(false)}: what batching alone buys over the
 *       naive way, and what the wake-ups buy on top.</li>
 * </ul>
 *
 * <p>Before timing, {@code @Setup} checks that the hand-written rules emit exactly Waymark's actions and store
 * the same wake-ups, and that the benchmark about to run (naive, naive as filed, no-skip) emits exactly Waymark's actions; it
 * throws otherwise. Constraint JIT: Drools compiles an MVEL constraint to bytecode after 20 evaluations; the
 * checks alone evaluate every constraint thousands of times, so timing starts well past it.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar BulkEvaluationBenchmark -p size=100000}
 * (or {@code benchmarks/run.sh}); the naive baselines alone:
 * {@code java -jar benchmarks/target/benchmarks.jar 'BulkEvaluationBenchmark.(naiveDrools|naiveDroolsAsFiled)$' -p size=100000}. Setup builds the dataset through the engine, about 0.1 ms per contact.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 10)
@Measurement(iterations = 5, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx8g"})
@Threads(1)
@State(Scope.Benchmark)
public class BulkEvaluationBenchmark {

    /** Contacts in the base. */
    @Param({"10000", "100000", "1000000"})
    public int size;

    private List<ContactState> states;
    private JourneyEngine waymark;
    private JourneyEngine waymarkNoSkip;
    private JourneyEngine handWritten;
    private NaiveDrools naive;
    private NaiveDrools naiveAsFiled;

    /** Builds the dataset and the engines, and checks they agree. */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        Settings settings = Settings.defaults();
        waymark = Waymark.builder().settings(settings).build();
        states = Dataset.states(waymark, size, Dataset.SEED, Runtime.getRuntime().availableProcessors());
        handWritten = HandWrittenRules.engine(settings, states.get(0).rulesetId(), 128);
        waymarkNoSkip = Waymark.builder().settings(settings).skipNotDue(false).build();
        naive = new NaiveDrools(settings);
        naiveAsFiled = new NaiveDrools(settings, NaiveDrools.Rules.AS_FILED);

        Outcomes reference = Outcomes.of(waymark, states, Dataset.NOW);
        reference.requireSame("waymark", Outcomes.of(handWritten, states, Dataset.NOW), "handWritten", true);
        // The other checks cost as much as a few operations: only for the benchmark they vouch for.
        String benchmark = params.getBenchmark();
        if (benchmark.endsWith(".naiveDrools")) {
            reference.requireSame("waymark", Outcomes.of(naive, states, Dataset.NOW), "naiveDrools", false);
        }
        if (benchmark.endsWith(".naiveDroolsAsFiled")) {
            reference.requireSame("waymark", Outcomes.of(naiveAsFiled, states, Dataset.NOW), "naiveDroolsAsFiled", false);
        }
        if (benchmark.endsWith(".waymarkNoSkip")) {
            reference.requireSame("waymark", Outcomes.of(waymarkNoSkip, states, Dataset.NOW), "waymarkNoSkip", true);
        }
        System.out.println("dataset at " + Dataset.NOW + ": " + reference + "; implementations agree");
    }

    /** Waymark's engine, as shipped. */
    @Benchmark
    public BulkSummary waymark(Blackhole bh) {
        return waymark.evaluateAll(states, Dataset.NOW, bh::consume);
    }

    /** Waymark's engine evaluating every contact, due or not. */
    @Benchmark
    public BulkSummary waymarkNoSkip(Blackhole bh) {
        return waymarkNoSkip.evaluateAll(states, Dataset.NOW, bh::consume);
    }

    /** A new stateless Drools session per contact. */
    @Benchmark
    public void naiveDrools(Blackhole bh) {
        for (ContactState s : states) {
            bh.consume(naive.evaluate(s, Dataset.NOW));
        }
    }

    /** A new stateless Drools session per contact, on the standard DRL as it was when the issue was filed. */
    @Benchmark
    public void naiveDroolsAsFiled(Blackhole bh) {
        for (ContactState s : states) {
            bh.consume(naiveAsFiled.evaluate(s, Dataset.NOW));
        }
    }

    /** The rules in plain Java, in Waymark's pipeline. */
    @Benchmark
    public BulkSummary handWritten(Blackhole bh) {
        return handWritten.evaluateAll(states, Dataset.NOW, bh::consume);
    }
}
