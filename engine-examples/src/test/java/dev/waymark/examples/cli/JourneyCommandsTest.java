package dev.waymark.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --journeys} on run, check, explain and report, in process, with the sample cart journey. */
class JourneyCommandsTest {

    static final Path CART = Path.of("samples/journeys/cart-recovery.json");

    @TempDir
    Path dir;

    record Outcome(int exit, String stdout, String stderr) {
    }

    static Outcome cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.execute(args, new ByteArrayInputStream(new byte[0]), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void checkListsTheJourneysOfTheSamples() {
        Outcome o = cli("check", "--journeys", "samples/journeys/cart-recovery.json", "samples/journeys/welcome-journey.json",
                "samples/journeys/post-purchase.json", "samples/journeys/win-back-split.json");
        assertThat(o.exit()).as(o.stderr()).isZero();
        assertThat(o.stdout()).contains("journeys: 4\n  cart-recovery\n  post-purchase\n  welcome-journey\n  win-back-split\n");
    }

    @Test
    void aJourneyThatDoesNotCompileIsExit4NamingFileAndStep() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.json"),
                "{\"journey\":\"x\",\"entry\":{\"event\":\"order.placed\"},\"steps\":[{\"id\":\"a\",\"wait\":{\"hours\":1},\"next\":\"b\"}]}");
        Outcome o = cli("check", "--journeys", bad.toString());
        assertThat(o.exit()).isEqualTo(4);
        assertThat(o.stderr()).contains(bad.toString()).contains("steps[0] (a).next").contains("no step 'b'");
    }

    @Test
    void aJourneyFileThatDoesNotExistIsBadUsage() {
        Outcome o = cli("check", "--journeys", dir.resolve("missing.json").toString());
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.stderr()).contains("--journeys").contains("missing.json");
    }

    @Test
    void runExplainAndReportFollowAContactThroughTheJourney() throws IOException {
        Path events = Files.writeString(dir.resolve("events.jsonl"), """
                {"id":"e-1","contactId":"c-42","type":"subscribed","at":"2026-11-20T08:00:00Z","props":{"channel":"email"}}
                {"id":"e-2","contactId":"c-42","type":"cart.item_added","at":"2026-11-20T10:00:00Z","props":{"cartId":"k-1","sku":"MUG-1","price":12.5}}
                """);
        Path state = dir.resolve("state.jsonl");
        Outcome run = cli("run", "--events", events.toString(), "--now", "2026-11-20T15:00:00Z", "--journeys", CART.toString(),
                "--state", state.toString());
        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("\"rule\":\"cart-recovery\",\"type\":\"email.send\",\"key\":\"2026-11-20T10:00:00Z/email-1\"");

        Outcome text = cli("explain", "--state", state.toString(), "--contact", "c-42", "--now", "2026-11-20T15:00:00Z",
                "--journeys", CART.toString());
        assertThat(text.exit()).as(text.stderr()).isZero();
        assertThat(text.stdout()).contains("cart-recovery  in it, at opened")
                .contains("waiting for event email.opened (then big-spender; on timeout sms) until 2026-11-21T14:00:00Z");

        Outcome json = cli("explain", "--state", state.toString(), "--contact", "c-42", "--now", "2026-11-20T15:00:00Z",
                "--journeys", CART.toString(), "--format", "json");
        JsonNode j = new ObjectMapper().readTree(json.stdout()).get("journeys").get(0);
        assertThat(j.get("journey").asText()).isEqualTo("cart-recovery");
        assertThat(j.get("in").asBoolean()).isTrue();
        assertThat(j.get("step").asText()).isEqualTo("opened");
        assertThat(j.get("until").asText()).isEqualTo("2026-11-21T14:00:00Z");
        assertThat(j.get("path")).hasSize(3);

        Outcome report = cli("report", "--state", state.toString());
        assertThat(report.exit()).as(report.stderr()).isZero();
        assertThat(report.stdout()).containsPattern("cart-recovery +1 +1 +0 +0\n").containsPattern("opened +reached 1 +waiting 1\n");
        Outcome reportJson = cli("report", "--state", state.toString(), "--format", "json");
        JsonNode r = new ObjectMapper().readTree(reportJson.stdout()).get("journeys").get(0);
        assertThat(r.get("active").asLong()).isEqualTo(1);
    }
}
