package dev.waymark.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.ContactState;
import dev.waymark.json.WaymarkJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code waymark report} in process (it compiles nothing, so no jar is needed): the rows the settings'
 * experiments call for, and the errors with their exit codes.
 */
class ReportCommandTest {

    @TempDir
    Path dir;

    record Outcome(int exit, String stdout, String stderr) {
    }

    static Outcome report(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "report";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = Main.execute(all, new ByteArrayInputStream(new byte[0]), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void report_withAnExperimentNobodyReachedYet_printsARowPerArmAndTheGoal() throws IOException {
        Path state = states("c-1", "c-2");
        Path settings = Files.writeString(dir.resolve("settings.json"), """
                {"policies":{"experiments":{"win-back":{"holdoutPercent":10,"variants":[{"name":"A","weight":1},{"name":"B","weight":1}]}},
                 "conversion":{"event":"signup.done","hours":24}}}""");

        Outcome o = report("--state", state.toString(), "--settings", settings.toString());

        assertThat(o.exit()).as(o.stderr()).isZero();
        assertThat(o.stdout().lines().toList()).hasSize(5).first().isEqualTo("goal: signup.done within 24h");
        assertThat(o.stdout()).containsPattern("win-back +A +0 +0 +0 +0\\.0% +0\\.00\n")
                .containsPattern("win-back +B +0 +0 +0 +0\\.0% +0\\.00\n")
                .containsPattern("win-back +holdout +0 +0 +0 +0\\.0% +0\\.00\n");
    }

    @Test
    void report_withoutSettings_usesTheDefaultGoal_andJsonIsOneObject() throws IOException {
        Path state = states("c-1");
        assertThat(report("--state", state.toString()).stdout()).isEqualTo("goal: order.placed within 72h\n"
                + "no messages or holdout records yet: nothing has had a chance to convert\n");
        assertThat(report("--state", state.toString(), "--format", "json").stdout())
                .isEqualTo("{\"goal\":{\"event\":\"order.placed\",\"hours\":72},\"rows\":[]}\n");
    }

    @Test
    void report_withABadStateLine_exitsThreeNamingTheLine() throws IOException {
        Path state = dir.resolve("bad.state.jsonl");
        Files.write(state, List.of(WaymarkJson.write(ContactState.empty("c-1")), "{\"contact\": 42}"));

        Outcome o = report("--state", state.toString());

        assertThat(o.exit()).isEqualTo(3);
        assertThat(o.stderr()).contains("is not a Waymark state file", "state line 2");
        assertThat(o.stdout()).isEmpty();
    }

    @Test
    void report_withAnUnknownFormat_exitsTwoNamingIt() throws IOException {
        Outcome o = report("--state", states("c-1").toString(), "--format", "csv");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.stderr()).contains("--format: 'csv' is not a format (known: text, json)");
    }

    @Test
    void report_withoutState_exitsTwo() {
        assertThat(report().stderr()).contains("report: --state FILE or --store PATH is required");
        assertThat(report("--state", dir.resolve("none.jsonl").toString()).exit()).isEqualTo(2);
    }

    private Path states(String... ids) throws IOException {
        Path p = dir.resolve("state.jsonl");
        Files.write(p, Arrays.stream(ids).map(id -> WaymarkJson.write(ContactState.empty(id))).toList());
        return p;
    }
}
