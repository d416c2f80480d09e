package dev.waymark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Summary} reads JMH's JSON and the retained-memory file and ends with the summary line. */
class SummaryTest {

    private static String result(String benchmark, String size, double score) {
        return """
                {"benchmark":"dev.waymark.bench.%s","mode":"avgt","params":{"size":"%s"},
                 "primaryMetric":{"score":%s,"scoreError":"NaN","scoreUnit":"ms/op"},"secondaryMetrics":{}}"""
                .formatted(benchmark, size, score);
    }

    @Test
    void theLastLineIsTheSummary(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bulk.json"), "[" + String.join(",",
                result("BulkEvaluationBenchmark.waymark", "10000", 20),
                result("BulkEvaluationBenchmark.naiveDrools", "10000", 200),
                result("BulkEvaluationBenchmark.handWritten", "10000", 10),
                result("BulkEvaluationBenchmark.waymark", "100000", 150),
                result("BulkEvaluationBenchmark.naiveDrools", "100000", 1200),
                result("BulkEvaluationBenchmark.naiveDroolsAsFiled", "100000", 3000),
                result("BulkEvaluationBenchmark.handWritten", "100000", 100)) + "]");
        Files.writeString(dir.resolve("ingest.json"), """
                [{"benchmark":"dev.waymark.bench.IngestBenchmark.foldHistory","mode":"thrpt","params":{},
                  "primaryMetric":{"score":100000.0,"scoreError":1000.0,"scoreUnit":"ops/s"},
                  "secondaryMetrics":{"events":{"score":2061234.6,"scoreError":20000.0,"scoreUnit":"ops/s"}}}]""");
        Files.writeString(dir.resolve("retained.properties"), "bytes_per_contact=2753\n");

        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            Summary.main(new String[] {dir.toString()});
        } finally {
            System.setOut(out);
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines[lines.length - 1]).isEqualTo(
                "summary: speedup_vs_naive=8.00 speedup_vs_naive_as_filed=20.00 slowdown_vs_handwritten=1.50 ingest_events_per_s=2061235 bytes_per_contact=2753");
    }
}
