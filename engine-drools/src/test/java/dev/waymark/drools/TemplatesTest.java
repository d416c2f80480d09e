package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.RuleCompilationException;
import dev.waymark.WaymarkException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Message templates (docs/templates.md): MVEL templates compile with the engine and render per message. */
class TemplatesTest {

    @TempDir
    Path dir;

    static final Instant NOW = Instant.parse("2026-11-20T14:00:00Z");

    static ContactState cart(String contact, Map<String, Object> attributes) {
        return ContactState.empty(contact).withEvents(List.of(
                new Event(contact + "-0", contact, "contact.updated", Instant.parse("2026-11-20T08:00:00Z"), Map.of("attributes", attributes)),
                new Event(contact + "-1", contact, "subscribed", Instant.parse("2026-11-20T09:00:00Z"), Map.of("channel", "email")),
                new Event(contact + "-2", contact, "cart.item_added", Instant.parse("2026-11-20T10:00:00Z"),
                        Map.of("cartId", "k-1", "sku", "MUG-1", "price", 12.5, "qty", 2))));
    }

    JourneyEngine engineWith(String name, String template) throws Exception {
        Files.writeString(dir.resolve(name), template);
        return Waymark.builder().templates(dir).build();
    }

    @Test
    void message_getsBodyAndSubject_fromItsTemplate() throws Exception {
        JourneyEngine engine = engineWith("abandoned-cart.mvel",
                "Subject: @{contact.attributes.firstName}, your cart is waiting\nHi @{contact.attributes.firstName},\n"
                        + "your cart of @{params.cartValue} is still there (@{now}).\n");
        Evaluation e = engine.evaluate(cart("c-1", Map.of("firstName", "Ann")), NOW);
        Action a = e.actions().stream().filter(x -> x.rule().equals("abandoned-cart")).findFirst().orElseThrow();
        assertThat(a.params()).containsEntry("subject", "Ann, your cart is waiting")
                .containsEntry("body", "Hi Ann,\nyour cart of 25.0 is still there (2026-11-20T14:00:00Z).\n");
        assertThat(e.templateFailures()).isEmpty();
    }

    @Test
    void messageWithoutTemplateFile_hasNoBody() throws Exception {
        JourneyEngine engine = engineWith("win-back.mvel", "Come back!");
        Action a = engine.evaluate(cart("c-1", Map.of()), NOW).actions().stream()
                .filter(x -> x.rule().equals("abandoned-cart")).findFirst().orElseThrow();
        assertThat(a.params()).doesNotContainKeys("body", "subject");
    }

    @Test
    void templateThatDoesNotCompile_namesFileAndLine() throws Exception {
        Files.writeString(dir.resolve("abandoned-cart.mvel"), "Subject: hi\nline two @{foo(}\nline three\n");
        assertThatThrownBy(() -> Waymark.builder().templates(dir).build())
                .isInstanceOfSatisfying(RuleCompilationException.class, e -> {
                    assertThat(e.problems()).singleElement().satisfies(p -> {
                        assertThat(p.file()).endsWith("abandoned-cart.mvel");
                        assertThat(p.line()).isEqualTo(2);
                    });
                });
    }

    @Test
    void missingTemplatesFolder_isNamed() {
        assertThatThrownBy(() -> Waymark.builder().templates(dir.resolve("nope")))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("nope");
    }

    @Test
    void renderFailureForOneContact_leavesThatActionWithoutBody_andStopsNothing() throws Exception {
        // the template formats an attribute only one of the two contacts has
        JourneyEngine engine = engineWith("abandoned-cart.mvel", "Hi @{number(contact.attributes.score)}");
        List<Evaluation> out = new java.util.ArrayList<>();
        var summary = engine.evaluateAll(List.of(cart("c-1", Map.of("score", 1234)), cart("c-2", Map.of())), NOW, out::add);
        Action ok = out.get(0).actions().stream().filter(x -> x.rule().equals("abandoned-cart")).findFirst().orElseThrow();
        Action bare = out.get(1).actions().stream().filter(x -> x.rule().equals("abandoned-cart")).findFirst().orElseThrow();
        assertThat(ok.params()).containsEntry("body", "Hi 1,234");
        assertThat(bare.params()).doesNotContainKey("body");
        assertThat(summary.templateFailures()).singleElement().satisfies(f -> {
            assertThat(f.contactId()).isEqualTo("c-2");
            assertThat(f.template()).isEqualTo("abandoned-cart");
            assertThat(f.message()).contains("abandoned-cart.mvel").contains("number: null (no value) is not a number");
        });
        assertThat(summary.failures()).isEmpty();
    }
}
