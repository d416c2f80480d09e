package dev.waymark.bench;

import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long after a new event does one contact's evaluation take? The host receives one event for a contact
 * (a page view, an item added, an email opened, an order, a subscription: {@link Dataset#liveEvent}) and calls
 * {@link JourneyEngine#evaluate(ContactState, java.util.Collection, java.time.Instant)} with the state the
 * previous run left. Sampled per call ({@link Mode#SampleTime}): look at the median and p99.
 *
 * <ul>
 *   <li>{@code waymark}: the engine (one-contact batch on a pooled session).</li>
 *   <li>{@code naiveDrools}: a new {@code StatelessKieSession} for the call ({@link NaiveDrools}).</li>
 *   <li>{@code naiveDroolsAsFiled}: the same on the standard DRL as it was when the performance issue was filed
 *       ({@link NaiveDrools.Rules#AS_FILED}).</li>
 *   <li>{@code handWritten}: the rules in plain Java in Waymark's pipeline ({@link HandWrittenRules}).</li>
 * </ul>
 *
 * <p>Before timing, {@code @Setup} checks that the four emit the same actions for every contact of the sample
 * (and the hand-written rules the same wake-ups as Waymark).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar StreamingLatencyBenchmark} (one of them:
 * {@code 'StreamingLatencyBenchmark.naiveDroolsAsFiled$'}; {@code naiveDrools} needs the {@code $} to leave the
 * as-filed one out)
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g"})
@Threads(1)
@State(Scope.Benchmark)
public class StreamingLatencyBenchmark {

    /** Contacts cycled through. */
    static final int CONTACTS = 8192;

    private List<ContactState> states;
    private List<List<Event>> live;
    private JourneyEngine waymark;
    private JourneyEngine handWritten;
    private NaiveDrools naive;
    private NaiveDrools naiveAsFiled;

    /** Which contact the next call evaluates. */
    @State(Scope.Thread)
    public static class Cursor {
        private int next;

        int next() {
            int i = next;
            next = i + 1 == CONTACTS ? 0 : i + 1;
            return i;
        }
    }

    /** Builds the states of the previous run and one live event per contact; checks the implementations agree. */
    @Setup(Level.Trial)
    public void setUp() {
        Settings settings = Settings.defaults();
        waymark = Waymark.builder().settings(settings).build();
        states = Dataset.states(waymark, CONTACTS, Dataset.SEED, Runtime.getRuntime().availableProcessors());
        handWritten = HandWrittenRules.engine(settings, states.get(0).rulesetId(), 128);
        naive = new NaiveDrools(settings);
        naiveAsFiled = new NaiveDrools(settings, NaiveDrools.Rules.AS_FILED);
        live = new ArrayList<>(CONTACTS);
        for (int i = 0; i < CONTACTS; i++) {
            live.add(List.of(Dataset.liveEvent(Dataset.SEED, i)));
        }
        Outcomes reference = Outcomes.ofEach(waymark, states, live, Dataset.NOW);
        reference.requireSame("waymark", Outcomes.ofEach(handWritten, states, live, Dataset.NOW), "handWritten", true);
        reference.requireSame("waymark", Outcomes.ofEach(naive, states, live, Dataset.NOW), "naiveDrools", false);
        reference.requireSame("waymark", Outcomes.ofEach(naiveAsFiled, states, live, Dataset.NOW), "naiveDroolsAsFiled", false);
        System.out.println("live events at " + Dataset.NOW + ": " + reference + "; implementations agree");
    }

    /** Waymark's engine. */
    @Benchmark
    public Evaluation waymark(Cursor cursor) {
        int i = cursor.next();
        return waymark.evaluate(states.get(i), live.get(i), Dataset.NOW);
    }

    /** A new stateless Drools session for the call. */
    @Benchmark
    public Evaluation naiveDrools(Cursor cursor) {
        int i = cursor.next();
        return naive.evaluate(states.get(i), live.get(i), Dataset.NOW);
    }

    /** A new stateless Drools session for the call, on the standard DRL as it was when the issue was filed. */
    @Benchmark
    public Evaluation naiveDroolsAsFiled(Cursor cursor) {
        int i = cursor.next();
        return naiveAsFiled.evaluate(states.get(i), live.get(i), Dataset.NOW);
    }

    /** The rules in plain Java, in Waymark's pipeline. */
    @Benchmark
    public Evaluation handWritten(Cursor cursor) {
        int i = cursor.next();
        return handWritten.evaluate(states.get(i), live.get(i), Dataset.NOW);
    }
}
