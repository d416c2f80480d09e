package dev.waymark.bench;

import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long does building the engine with the standard rules take in a fresh JVM: the command line's cold start
 * before it reads a line? One shot per fork ({@link Mode#SingleShotTime}, no warm-up), so every measurement
 * is a JVM that has loaded no Drools class yet; read the mean and the spread over the forks.
 *
 * <ul>
 *   <li>{@code waymark}: {@code Waymark.builder().build()}: the standard rules loaded from Drools' executable
 *       model generated at build time.</li>
 *   <li>{@code drlCompiler}: the same ten DRL files compiled with a {@code KnowledgeBuilder} and Drools' default
 *       configuration ({@link NaiveDrools}' constructor), as the engine did before the executable model.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar EngineBuildBenchmark} (10 forks each, about a
 * minute on 2 cores).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 10, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class EngineBuildBenchmark {

    /** The engine with the standard rules and default settings. */
    @Benchmark
    public Object waymark() {
        return Waymark.builder().build();
    }

    /** The standard DRL through Drools' DRL compiler. */
    @Benchmark
    public Object drlCompiler() {
        return new NaiveDrools(Settings.defaults());
    }
}
