package dev.waymark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads one run's results — JMH's {@code -rf json} files and {@link RetainedMemory}'s properties file, all in one
 * directory — prints every figure with its error, and ends with the one summary line:
 *
 * <pre>summary: speedup_vs_naive=X speedup_vs_naive_as_filed=F slowdown_vs_handwritten=Y ingest_events_per_s=Z bytes_per_contact=W</pre>
 *
 * <p>X is naive Drools' time over Waymark's, F the same with naive Drools on the standard DRL as it was when the
 * performance issue was filed ({@code naiveDroolsAsFiled}, {@link NaiveDrools.Rules#AS_FILED}: the baseline the
 * issue's target was set against), and Y Waymark's time over the hand-written rules', all from
 * {@code BulkEvaluationBenchmark} at the same size (100000 contacts when measured, else the largest size that
 * {@code waymark}, {@code naiveDrools} and {@code handWritten} all have); Z is {@code IngestBenchmark.foldHistory}'s {@code events} per second; W is the retained bytes per
 * contact state.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.waymark.bench.Summary DIR} (exit 1 when a figure is
 * missing; the line then says {@code n/a}).
 */
public final class Summary {

    private static final String BULK = "dev.waymark.bench.BulkEvaluationBenchmark.";
    private static final String INGEST = "dev.waymark.bench.IngestBenchmark.";

    private Summary() {
    }

    /** One JMH result: a benchmark method at one set of params. */
    private record Result(String benchmark, String mode, Map<String, String> params, double score, double error,
                          String unit, JsonNode node) {

        String shortName() {
            return benchmark.replace("dev.waymark.bench.", "");
        }
    }

    /** Prints the table and the summary line for the results in {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "results");
        List<Result> results = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                results.addAll(read(f));
            }
        }
        for (Result r : results) {
            System.out.println(describe(r));
        }

        String speedup = "n/a";
        String speedupAsFiled = "n/a";
        String slowdown = "n/a";
        String size = bulkSize(results);
        if (size != null) {
            Result waymark = find(results, BULK + "waymark", size);
            Result naive = find(results, BULK + "naiveDrools", size);
            Result hand = find(results, BULK + "handWritten", size);
            speedup = fmt(naive.score / waymark.score);
            slowdown = fmt(waymark.score / hand.score);
            System.out.printf(Locale.ROOT, "bulk, %s contacts: naive/waymark = %s (%s .. %s), waymark/hand-written = %s (%s .. %s)%n",
                    size, speedup, fmt(low(naive, waymark)), fmt(high(naive, waymark)),
                    slowdown, fmt(low(waymark, hand)), fmt(high(waymark, hand)));
            Result asFiled = find(results, BULK + "naiveDroolsAsFiled", size);
            if (asFiled != null) {
                speedupAsFiled = fmt(asFiled.score / waymark.score);
                System.out.printf(Locale.ROOT, "bulk, %s contacts: naive as filed/waymark = %s (%s .. %s)%n",
                        size, speedupAsFiled, fmt(low(asFiled, waymark)), fmt(high(asFiled, waymark)));
            }
        }
        String ingest = "n/a";
        for (Result r : results) {
            JsonNode events = r.node.path("secondaryMetrics").path("events");
            if (r.benchmark.equals(INGEST + "foldHistory") && !events.isMissingNode()) {
                ingest = Long.toString(Math.round(events.path("score").asDouble()));
            }
        }
        String bytes = "n/a";
        Path retained = dir.resolve("retained.properties");
        if (Files.exists(retained)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(retained)) {
                p.load(in);
            }
            bytes = p.getProperty("bytes_per_contact", "n/a");
            System.out.println("retained per contact state: " + new TreeSet<>(p.stringPropertyNames()).stream()
                    .map(k -> k + "=" + p.getProperty(k)).toList());
        }
        System.out.println("summary: speedup_vs_naive=" + speedup + " speedup_vs_naive_as_filed=" + speedupAsFiled
                + " slowdown_vs_handwritten=" + slowdown
                + " ingest_events_per_s=" + ingest + " bytes_per_contact=" + bytes);
        if (Stream.of(speedup, speedupAsFiled, slowdown, ingest, bytes).anyMatch("n/a"::equals)) {
            System.exit(1);
        }
    }

    private static List<Result> read(Path file) throws IOException {
        List<Result> out = new ArrayList<>();
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        for (JsonNode n : root) {
            Map<String, String> params = new java.util.TreeMap<>();
            for (Map.Entry<String, JsonNode> e : n.path("params").properties()) {
                params.put(e.getKey(), e.getValue().asText());
            }
            JsonNode m = n.path("primaryMetric");
            out.add(new Result(n.path("benchmark").asText(), n.path("mode").asText(), params, m.path("score").asDouble(),
                    number(m.path("scoreError")), m.path("scoreUnit").asText(), n));
        }
        return out;
    }

    // JMH writes "NaN" (a string) when there are too few iterations for an error.
    private static double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    /** The size to compare at: 100000 if all three bulk benchmarks have it, else the largest they all have. */
    private static String bulkSize(List<Result> results) {
        String best = null;
        for (Result r : results) {
            String size = r.params.get("size");
            if (!r.benchmark.equals(BULK + "waymark") || size == null || find(results, BULK + "naiveDrools", size) == null
                    || find(results, BULK + "handWritten", size) == null) {
                continue;
            }
            if (size.equals("100000")) {
                return size;
            }
            if (best == null || Long.parseLong(size) > Long.parseLong(best)) {
                best = size;
            }
        }
        return best;
    }

    private static Result find(List<Result> results, String benchmark, String size) {
        for (Result r : results) {
            if (r.benchmark.equals(benchmark) && size.equals(r.params.get("size"))) {
                return r;
            }
        }
        return null;
    }

    private static String describe(Result r) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-50s %-14s %-7s %14s ± %-10s %s",
                r.shortName(), r.params.isEmpty() ? "" : r.params.toString(), r.mode, fmt(r.score), fmt(r.error), r.unit));
        JsonNode percentiles = r.node.path("primaryMetric").path("scorePercentiles");
        if (r.mode.equals("sample")) {
            s.append(String.format(Locale.ROOT, "  p50=%s p99=%s p99.9=%s", fmt(percentiles.path("50.0").asDouble()),
                    fmt(percentiles.path("99.0").asDouble()), fmt(percentiles.path("99.9").asDouble())));
        }
        for (String metric : List.of("events", "gc.alloc.rate.norm", "gc.count", "gc.time")) {
            JsonNode m = r.node.path("secondaryMetrics").path(metric);
            if (!m.isMissingNode()) {
                s.append(String.format(Locale.ROOT, "  %s=%s ± %s %s", metric, fmt(m.path("score").asDouble()),
                        fmt(number(m.path("scoreError"))), m.path("scoreUnit").asText()));
            }
        }
        return s.toString();
    }

    // The ratio's range when both scores lie anywhere in their 99.9 % confidence intervals (NaN: unbounded).
    private static double low(Result num, Result den) {
        return Math.max(0, num.score - num.error) / (den.score + den.error);
    }

    private static double high(Result num, Result den) {
        return den.score - den.error <= 0 ? Double.NaN : (num.score + num.error) / (den.score - den.error);
    }

    private static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        return a >= 1000 ? String.format(Locale.ROOT, "%.0f", v)
                : a >= 100 ? String.format(Locale.ROOT, "%.1f", v)
                : a >= 1 ? String.format(Locale.ROOT, "%.2f", v)
                : String.format(Locale.ROOT, "%.3f", v);
    }
}
