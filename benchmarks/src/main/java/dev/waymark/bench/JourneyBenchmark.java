package dev.waymark.bench;

import dev.waymark.Action;
import dev.waymark.BulkSummary;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import dev.waymark.internal.StandardRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * What does a journey cost against the rule it replaces? The welcome series as a journey (the sample
 * {@code welcome-journey}: send, wait 48 h, send, wait 72 h, send; exit on an order) against the standard
 * {@code welcome-series} rule, each engine running only that (every other standard rule switched off), on
 * the same {@code size} contacts. Every contact subscribed 48 to 68 hours before {@link #NOW} and was
 * evaluated then (welcome 1 went out), so at {@code NOW} every contact is due by its stored wake-up and gets
 * welcome 2. One operation is one {@code evaluateAll} over all contacts, one thread: divide by {@code size}
 * for the cost per due contact.
 *
 * <p>{@code ruleAndJourney} runs both side by side: its difference to {@code welcomeRule} is what the journey
 * step costs when Drools runs anyway, since {@code welcomeJourney} alone needs no Drools session at all.
 * {@code @Setup} checks that every engine emits one {@code email.send} per contact and series at {@code NOW}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar JourneyBenchmark -f 1 -wi 2 -i 3}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx4g"})
@Threads(1)
@State(Scope.Benchmark)
public class JourneyBenchmark {

    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    static final String WELCOME_JOURNEY = """
            {"journey":"welcome-journey",
             "entry":{"event":"subscribed","where":"event.props.channel == 'email'"},
             "exit":{"event":"order.placed"},
             "reentry":"never",
             "staleHours":72,
             "steps":[
              {"id":"welcome-1", "send":{"type":"email.send","params":{"template":"welcome-1"}}},
              {"id":"wait-2d",   "wait":{"hours":48}},
              {"id":"welcome-2", "send":{"type":"email.send","params":{"template":"welcome-2"}}},
              {"id":"wait-3d",   "wait":{"hours":72}},
              {"id":"welcome-3", "send":{"type":"email.send","params":{"template":"welcome-3"}}}]}
            """;

    /** Contacts, every one due at {@link #NOW}. */
    @Param({"10000"})
    public int size;

    private JourneyEngine rule;
    private JourneyEngine journey;
    private JourneyEngine both;
    private List<ContactState> bothStates;
    private List<ContactState> ruleStates;
    private List<ContactState> journeyStates;

    /** Builds both engines and their contacts, and checks they do the same. */
    @Setup(Level.Trial)
    public void setUp() {
        Settings.Builder onlyWelcome = Settings.builder();
        Settings.Builder none = Settings.builder();
        for (String id : StandardRules.ids()) {
            if (!id.equals(StandardRules.WELCOME_SERIES)) {
                onlyWelcome.disable(id);
            }
            none.disable(id);
        }
        rule = Waymark.builder().settings(onlyWelcome.build()).build();
        journey = Waymark.builder().settings(none.build()).journey("welcome-journey.json", WELCOME_JOURNEY).build();
        ruleStates = subscribed(rule, size);
        journeyStates = subscribed(journey, size);
        both = Waymark.builder().settings(onlyWelcome.build()).journey("welcome-journey.json", WELCOME_JOURNEY).build();
        bothStates = subscribed(both, size);
        check(rule, ruleStates, "welcome-series");
        check(journey, journeyStates, "welcome-journey");
        check(both, bothStates, "welcome-journey");
        check(both, bothStates, "welcome-series");
    }

    /** {@code n} contacts that subscribed 48 to 68 hours before {@link #NOW}, evaluated when they did. */
    static List<ContactState> subscribed(JourneyEngine engine, int n) {
        Random r = new Random(42);
        List<ContactState> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String id = String.format("c-%07d", i);
            Instant at = NOW.minus(Duration.ofHours(48)).minusSeconds(r.nextInt(20 * 3600));
            ContactState s = ContactState.empty(id).withEvents(List.of(
                    new Event(id + "-v", id, "page.viewed", at.minusSeconds(600), Map.of("url", "/")),
                    new Event(id + "-s", id, "subscribed", at, Map.of("channel", "email"))));
            out.add(engine.evaluate(s, at).state());
        }
        return out;
    }

    private static void check(JourneyEngine engine, List<ContactState> states, String ruleId) {
        long sends = 0;
        for (ContactState s : states) {
            Evaluation e = engine.evaluate(s, NOW);
            for (Action a : e.actions()) {
                if (a.rule().equals(ruleId) && a.type().equals("email.send")) {
                    sends++;
                }
            }
        }
        if (sends != states.size()) {
            throw new IllegalStateException(ruleId + " emitted " + sends + " welcome messages for " + states.size() + " due contacts");
        }
    }

    /** The standard welcome-series rule on Drools. */
    @Benchmark
    public BulkSummary welcomeRule(Blackhole bh) {
        return rule.evaluateAll(ruleStates, NOW, bh::consume);
    }

    /**
     * The rule and the journey side by side (each contact gets both series): minus {@link #welcomeRule}, what
     * the journey step adds to an evaluation that runs Drools anyway.
     */
    @Benchmark
    public BulkSummary ruleAndJourney(Blackhole bh) {
        return both.evaluateAll(bothStates, NOW, bh::consume);
    }

    /** The welcome series as a journey (no rule switched on, so no Drools session at all). */
    @Benchmark
    public BulkSummary welcomeJourney(Blackhole bh) {
        return journey.evaluateAll(journeyStates, NOW, bh::consume);
    }
}
