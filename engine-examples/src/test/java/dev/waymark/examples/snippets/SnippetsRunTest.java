package dev.waymark.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import dev.waymark.store.PassSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documents' snippets do what the documents say they do (their compiling is the build's part). */
class SnippetsRunTest {

    @Test
    void theReadmeEmbedExample_printsTheCartReminderTheWelcomeEmailAndTheStage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Embed.main(new String[0]);
        } finally {
            System.setOut(saved);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).contains("\"rule\":\"abandoned-cart\"").contains("\"cartValue\":25.0");
        assertThat(lines.get(1)).contains("\"rule\":\"stage-progression\"").contains("\"to\":\"consideration\"");
        assertThat(lines.get(2)).contains("\"rule\":\"welcome-series\"").contains("\"key\":\"step-1\"");
        // The next wake-up: welcome step 2, 48 hours after the subscription.
        assertThat(lines.get(3)).endsWith("next wake-up 2026-11-22T09:00:00Z");
    }

    @Test
    void anEventBuiltInJava_isValidated() {
        Event e = DocSnippets.buildEvent();
        assertThat(e.type()).isEqualTo("cart.item_added");
        assertThat(e.props()).containsEntry("qty", 2L);
    }

    @Test
    void readingAnExport_keepsTheValidLines_andReportsTheBadOneWithItsLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        Files.writeString(file, """
                {"id":"e-1","contactId":"c-1","type":"page.viewed","at":"2026-11-20T10:00:00Z"}
                {"id":"e-2","contactId":"c-1","type":"cart.item_added","at":"2026-11-20T10:01:00Z","props":{"cartId":"k","sku":"s","price":-3}}
                """);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<Event> events = DocSnippets.readExport(file, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(events).extracting(Event::id).containsExactly("e-1");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("line 2: props.price: '-3' is not a number from 0 to 1e9");
    }

    @Test
    void settingsFromAFile_reachTheEngine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("settings.json");
        Files.writeString(file, "{\"rules\":{\"win-back\":{\"enabled\":false}}}");
        assertThat(DocSnippets.engineWithSettings(file).ruleIds()).doesNotContain("win-back").hasSize(9);
    }

    @Test
    void theReportAndExplainSnippet_answersForAContact() {
        JourneyEngine engine = Waymark.builder().build();
        ContactState state = engine.evaluate(ContactState.empty("c-1"), List.of(
                new Event("e-1", "c-1", "subscribed", Instant.parse("2026-10-31T08:00:00Z"), java.util.Map.of("channel", "email")),
                new Event("e-2", "c-1", "cart.item_added", Instant.parse("2026-10-31T20:00:00Z"),
                        java.util.Map.of("cartId", "k", "sku", "s", "price", 5))),
                Instant.parse("2026-10-31T21:00:00Z")).state();
        assertThat(DocSnippets.reportAndExplain(engine, List.of(state), state)).containsExactly("FIRES");
    }

    @Test
    void theTemplatesSnippet_buildsWithTheSampleTemplates() {
        assertThat(DocSnippets.engineWithTemplates(Path.of("samples/templates")).ruleIds()).hasSize(10);
    }

    @Test
    void theJourneySnippets_runTheSampleCartRecovery() {
        DocSnippets.journeyScenario();
        assertThat(DocSnippets.engineWithJourneys().journeyIds()).containsExactly("cart-recovery", "post-purchase");
    }

    @Test
    void theStoreSnippet_writesEachActionOnce(@TempDir Path dir) throws Exception {
        JourneyEngine engine = Waymark.builder().build();
        List<Event> events = List.of(new Event("e-1", "c-1", "order.placed", Instant.parse("2026-11-20T10:00:00Z"),
                java.util.Map.of("orderId", "o-1", "amount", 10)));
        String db = dir.resolve("waymark.db").toString();
        List<String> sent = new ArrayList<>();
        PassSummary first = DocSnippets.storeRun(db, engine, events, Instant.parse("2026-11-20T11:00:00Z"), sent::add);
        PassSummary again = DocSnippets.storeRun(db, engine, events, Instant.parse("2026-11-20T11:00:00Z"), sent::add);
        assertThat(first.actions()).isEqualTo(2);   // ad-exclusion and the stage
        assertThat(again.actions()).isZero();
        assertThat(sent).hasSize(2);
    }
}
