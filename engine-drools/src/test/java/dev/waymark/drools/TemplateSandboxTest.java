package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.Action;
import dev.waymark.BulkSummary;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.RuleCompilationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Templates are a sandboxed subset of MVEL: escapes fail the engine build naming file and line; rendering has a budget. */
class TemplateSandboxTest {

    @TempDir
    Path dir;

    static final Instant NOW = Instant.parse("2026-11-20T23:30:00Z");

    static ContactState cart(String contact, Map<String, Object> attributes) {
        return TemplatesTest.cart(contact, attributes);
    }

    /** Builds an engine with a template whose second line is {@code line2}, expecting it to be refused there. */
    RuleCompilationException.Problem refused(String line2) throws Exception {
        Files.writeString(dir.resolve("abandoned-cart.mvel"), "Subject: hi\n" + line2 + "\nbye\n");
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> Waymark.builder().templates(dir).build());
        assertThat(t).isInstanceOf(RuleCompilationException.class);
        List<RuleCompilationException.Problem> problems = ((RuleCompilationException) t).problems();
        assertThat(problems).hasSize(1);
        RuleCompilationException.Problem p = problems.get(0);
        assertThat(p.file()).endsWith("abandoned-cart.mvel");
        assertThat(p.line()).isEqualTo(2);
        return p;
    }

    Action render(String template, Map<String, Object> attributes) throws Exception {
        return renderAll(template, attributes).get(0);
    }

    List<Action> renderAll(String template, Map<String, Object> attributes) throws Exception {
        Files.writeString(dir.resolve("abandoned-cart.mvel"), template);
        JourneyEngine engine = Waymark.builder().templates(dir).build();
        Evaluation e = engine.evaluate(cart("c-1", attributes), NOW);
        assertThat(e.templateFailures()).isEmpty();
        return e.actions().stream().filter(a -> a.rule().equals("abandoned-cart")).toList();
    }

    @Test
    void fileRead_isRefusedAtBuild_namingFileAndLine() throws Exception {
        assertThat(refused("@{new java.io.File(\"/etc/passwd\").text}").message()).contains("'new' is not allowed");
        assertThat(refused("@{java.nio.file.Files.readString(java.nio.file.Path.of(\"/etc/passwd\"))}").message())
                .contains("'java' is not allowed");
        assertThat(refused("@include{'/etc/passwd'}").message()).contains("@include{} is not allowed");
    }

    @Test
    void processStart_isRefusedAtBuild() throws Exception {
        assertThat(refused("x @{Runtime.getRuntime().exec(\"touch /tmp/pwned\")}").message()).contains("'Runtime' is not allowed");
        assertThat(refused("@{new ProcessBuilder(\"sh\").start()}").message()).contains("'new' is not allowed");
    }

    @Test
    void systemExit_isRefusedAtBuild() throws Exception {
        assertThat(refused("@{System.exit(7)}").message()).contains("'System' is not allowed");
    }

    @Test
    void newObject_isRefusedAtBuild() throws Exception {
        assertThat(refused("@if{new Object() != null}x@end{}").message()).contains("'new' is not allowed");
    }

    @Test
    void staticAccess_isRefusedAtBuild() throws Exception {
        assertThat(refused("@{Thread.currentThread}").message()).contains("'Thread' is not allowed");
        assertThat(refused("@{java.lang.Math.PI}").message()).contains("'java' is not allowed");
    }

    @Test
    void getClass_andDotClass_areRefusedAtBuild() throws Exception {
        assertThat(refused("@{params.getClass().forName(\"java.lang.Runtime\")}").message()).contains("'.getClass' is not allowed");
        assertThat(refused("@{params.class.classLoader}").message()).contains("'.class' is not allowed");
        assertThat(refused("@{params.new}").message()).contains("'.new' is not allowed");
        assertThat(refused("@{params.cartId.toUpperCase()}").message()).contains("method call '.toUpperCase(...)' is not allowed");
    }

    @Test
    void codeAndDeclareAndEvalTags_areRefusedAtBuild() throws Exception {
        assertThat(refused("@code{ x = 1 }").message()).contains("@code{} is not allowed");
        assertThat(refused("@eval{params.cartId}").message()).contains("@eval{} is not allowed");
        assertThat(refused("@declare{'t'}x@end{}").message()).contains("@declare{} is not allowed");
        assertThat(refused("@includeNamed{'t'}").message()).contains("@includeNamed{} is not allowed");
        assertThat(refused("${System.exit(7)}").message()).contains("'System' is not allowed");
    }

    @Test
    void assignmentAndStatements_areRefusedAtBuild() throws Exception {
        assertThat(refused("@{params.cartId = 'x'}").message()).contains("assignment");
        assertThat(refused("@{params.cartId; params.cartValue}").message()).contains("';' is not allowed");
    }

    @Test
    void theLineNamedIsTheOffendingOne_inAMultiLineExpression() throws Exception {
        Files.writeString(dir.resolve("abandoned-cart.mvel"), "Subject: hi\n@{params.cartId +\n\n System.exit(7)}\n");
        assertThatThrownBy(() -> Waymark.builder().templates(dir).build())
                .isInstanceOfSatisfying(RuleCompilationException.class, e ->
                        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.line()).isEqualTo(4)));
    }

    @Test
    void theSubset_stillRenders_ifForeachPropertiesAndOperators() throws Exception {
        Action a = render("Subject: @{contact.attributes.firstName}!\n"
                + "@if{contact.attributes.vip == true && params.cartValue > 20}VIP@elseif{params.cartValue > 20}big@else{}small@end{} "
                + "@foreach{tag : contact.tags}[@{tag}]@end{', '} "
                + "@{params.cartValue * 2 + 1} @{params['cartId']} @{contact.attributes.missing == null ? 'none' : 'some'}"
                + "@if{contact.tags contains 'vip'} vip@end{}"
                + "@comment{ a note }",
                Map.of("firstName", "Ann"));
        assertThat(a.params()).containsEntry("subject", "Ann!").containsEntry("body", "big  51.0 k-1 none");
    }

    @Test
    void helpers_formatAsDocumented() throws Exception {
        Action a = render("@{number(1234.5)}|@{number(1234.567, 2)}|@{number(7)}|@{money(params.cartValue, 'EUR')}|"
                + "@{money(1234, \"JPY\")}|@{date(now)}|@{date(now, 'd MMM yyyy HH:mm')}", Map.of("timezone", "Europe/Paris"));
        // 23:30 UTC is already the next day in Paris
        assertThat(a.params().get("body")).isEqualTo("1,234.5|1,234.57|7|25.00 EUR|1,234 JPY|2026-11-21|21 Nov 2026 00:30");
    }

    @Test
    void date_inAnInvalidZone_isUtc() throws Exception {
        assertThat(render("@{date(now, 'yyyy-MM-dd HH:mm')}", Map.of("timezone", "Mars/Olympus")).params().get("body"))
                .isEqualTo("2026-11-20 23:30");
        assertThat(render("@{date(now, 'HH:mm')}", Map.of()).params().get("body")).isEqualTo("23:30");
    }

    @Test
    void helperGivenABadValue_failsThatMessage_withTheHelpersReason() throws Exception {
        Files.writeString(dir.resolve("abandoned-cart.mvel"), "@{money(params.cartValue, 'EURO')}");
        JourneyEngine engine = Waymark.builder().templates(dir).build();
        Evaluation e = engine.evaluate(cart("c-1", Map.of()), NOW);
        assertThat(e.templateFailures()).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("abandoned-cart.mvel").contains("'EURO' is not an ISO 4217 currency code"));
    }

    @Test
    void templateOverTheOutputBudget_failsOnlyThatMessage() throws Exception {
        // 1,000 characters per iteration: 100 iterations are 100,000 characters, over the 64 KiB budget; 3 are not
        Files.writeString(dir.resolve("abandoned-cart.mvel"),
                "Subject: long\n@foreach{i : contact.attributes.lines}" + "x".repeat(1000) + "@end{}");
        JourneyEngine engine = Waymark.builder().templates(dir).build();
        List<Evaluation> out = new ArrayList<>();
        BulkSummary s = engine.evaluateAll(List.of(cart("c-big", Map.of("lines", 100)), cart("c-small", Map.of("lines", 3))), NOW, out::add);
        Action bigMail = out.get(0).actions().stream().filter(a -> a.rule().equals("abandoned-cart")).findFirst().orElseThrow();
        Action smallMail = out.get(1).actions().stream().filter(a -> a.rule().equals("abandoned-cart")).findFirst().orElseThrow();
        assertThat(bigMail.params()).doesNotContainKey("body");
        assertThat(smallMail.params()).containsEntry("body", "x".repeat(3000));
        assertThat(s.templateFailures()).singleElement().satisfies(f -> {
            assertThat(f.contactId()).isEqualTo("c-big");
            assertThat(f.message()).contains("abandoned-cart.mvel").contains("over the budget of 65536 characters of output");
        });
        assertThat(s.failures()).isEmpty();
    }

    @Test
    void templateOverTheIterationBudget_failsThatMessage_evenWritingNothing() throws Exception {
        Files.writeString(dir.resolve("abandoned-cart.mvel"), "@foreach{i : 200}@foreach{j : 200}@end{}@end{}done");
        JourneyEngine engine = Waymark.builder().templates(dir).build();
        Evaluation e = engine.evaluate(cart("c-1", Map.of()), NOW);
        assertThat(e.templateFailures()).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("over the budget of 10000 @foreach iterations"));
        assertThat(e.actions()).isNotEmpty();
    }

    @Test
    void everySampleTemplate_compilesInTheSubset() {
        Path samples = Path.of("../engine-examples/samples/templates");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(samples), "samples folder beside this module");
        assertThat(MvelTemplates.load(samples).names()).contains("abandoned-cart", "welcome-1", "win-back");
    }
}
