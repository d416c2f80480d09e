package dev.waymark.bench;

import dev.waymark.BulkSummary;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * How much does evaluating one contact allocate? Run with {@code -prof gc}: with
 * {@link OperationsPerInvocation} set to the sample size, {@code gc.alloc.rate.norm} is bytes allocated per
 * contact. The time per contact comes for free.
 *
 * <ul>
 *   <li>{@code waymarkDue}: a bulk run over {@value #SAMPLE} contacts that are all due (each is folded and
 *       fired).</li>
 *   <li>{@code waymarkQuiet}: the same over contacts with nothing due (each is skipped by its wake-up).</li>
 *   <li>{@code naiveDue}, {@code handWrittenDue}: the baselines on the due sample.</li>
 *   <li>{@code naiveDueAsFiled}: naive Drools on the standard DRL as it was when the performance issue was filed
 *       ({@link NaiveDrools.Rules#AS_FILED}), on the due sample.</li>
 * </ul>
 *
 * <p>The other memory question, bytes retained per contact state, is answered by the {@link RetainedMemory}
 * main, not by JMH. Before timing, {@code @Setup} checks that the four implementations emit the same actions
 * on the due sample.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar MemoryBenchmark -prof gc} (one of them:
 * {@code 'MemoryBenchmark.naiveDueAsFiled$'}; {@code naiveDue} needs the {@code $} to leave the as-filed one out)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g"})
@Threads(1)
@State(Scope.Benchmark)
@OperationsPerInvocation(MemoryBenchmark.SAMPLE)
public class MemoryBenchmark {

    /** Contacts per invocation. */
    static final int SAMPLE = 1024;

    private List<ContactState> due;
    private List<ContactState> quiet;
    private JourneyEngine waymark;
    private JourneyEngine handWritten;
    private NaiveDrools naive;
    private NaiveDrools naiveAsFiled;

    /** Picks {@value #SAMPLE} due and {@value #SAMPLE} quiet contacts from the dataset; checks the implementations agree. */
    @Setup(Level.Trial)
    public void setUp() {
        Settings settings = Settings.defaults();
        waymark = Waymark.builder().settings(settings).build();
        List<ContactState> states = Dataset.states(waymark, 16 * SAMPLE, Dataset.SEED, Runtime.getRuntime().availableProcessors());
        handWritten = HandWrittenRules.engine(settings, states.get(0).rulesetId(), 128);
        naive = new NaiveDrools(settings);
        naiveAsFiled = new NaiveDrools(settings, NaiveDrools.Rules.AS_FILED);
        due = new ArrayList<>(SAMPLE);
        quiet = new ArrayList<>(SAMPLE);
        List<Evaluation> first = new ArrayList<>(states.size());
        waymark.evaluateAll(states, Dataset.NOW, first::add);
        for (int i = 0; i < states.size(); i++) {
            List<ContactState> into = first.get(i).skipped() ? quiet : due;
            if (into.size() < SAMPLE) {
                into.add(states.get(i));
            }
        }
        if (due.size() < SAMPLE || quiet.size() < SAMPLE) {
            throw new IllegalStateException("the dataset has too few due (" + due.size() + ") or quiet (" + quiet.size() + ") contacts");
        }
        Outcomes reference = Outcomes.of(waymark, due, Dataset.NOW);
        reference.requireSame("waymark", Outcomes.of(handWritten, due, Dataset.NOW), "handWritten", true);
        reference.requireSame("waymark", Outcomes.of(naive, due, Dataset.NOW), "naiveDrools", false);
        reference.requireSame("waymark", Outcomes.of(naiveAsFiled, due, Dataset.NOW), "naiveDroolsAsFiled", false);
        System.out.println("due sample: " + reference + "; implementations agree");
    }

    /** Due contacts through Waymark. */
    @Benchmark
    public BulkSummary waymarkDue(Blackhole bh) {
        return waymark.evaluateAll(due, Dataset.NOW, bh::consume);
    }

    /** Quiet contacts through Waymark (skipped). */
    @Benchmark
    public BulkSummary waymarkQuiet(Blackhole bh) {
        return waymark.evaluateAll(quiet, Dataset.NOW, bh::consume);
    }

    /** Due contacts, a stateless session each. */
    @Benchmark
    public void naiveDue(Blackhole bh) {
        for (ContactState s : due) {
            bh.consume(naive.evaluate(s, Dataset.NOW));
        }
    }

    /** Due contacts, a stateless session each, on the standard DRL as it was when the issue was filed. */
    @Benchmark
    public void naiveDueAsFiled(Blackhole bh) {
        for (ContactState s : due) {
            bh.consume(naiveAsFiled.evaluate(s, Dataset.NOW));
        }
    }

    /** Due contacts through the hand-written rules. */
    @Benchmark
    public BulkSummary handWrittenDue(Blackhole bh) {
        return handWritten.evaluateAll(due, Dataset.NOW, bh::consume);
    }
}
