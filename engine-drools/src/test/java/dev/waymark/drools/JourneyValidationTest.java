package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.InvalidSettingsException;
import dev.waymark.RuleCompilationException;
import dev.waymark.Settings;
import dev.waymark.WaymarkException;
import dev.waymark.json.WaymarkJson;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every validation error of a journey file names the file and the field or step. */
class JourneyValidationTest {

    static final String OK_STEPS = "[{\"id\":\"a\",\"wait\":{\"hours\":1}},{\"id\":\"b\",\"send\":{\"type\":\"email.send\"}}]";

    static String journey(String id, String entry, String steps) {
        return "{\"journey\":\"" + id + "\",\"entry\":" + entry + ",\"steps\":" + steps + "}";
    }

    static RuleCompilationException.Problem problem(String json) {
        try {
            Waymark.builder().journey("flows/bad.json", json).build();
        } catch (RuleCompilationException e) {
            assertThat(e.problems()).hasSize(1);
            return e.problems().get(0);
        }
        throw new AssertionError("expected a RuleCompilationException for " + json);
    }

    static void rejects(String json, String... fragments) {
        RuleCompilationException.Problem p = problem(json);
        assertThat(p.file()).isEqualTo("flows/bad.json");
        assertThat(p.message()).contains(fragments);
    }

    @Test
    void notJson() {
        rejects("{\"journey\":", "not valid JSON");
    }

    @Test
    void unknownTopLevelField() {
        rejects("{\"journey\":\"x\",\"entry\":{\"event\":\"order.placed\"},\"steps\":" + OK_STEPS + ",\"colour\":1}", "colour", "unknown field");
    }

    @Test
    void unknownStepField() {
        rejects(journey("x", "{\"event\":\"order.placed\"}", "[{\"id\":\"a\",\"wait\":{\"hours\":1},\"then\":\"end\"}]"),
                "steps[0] (a).then", "unknown field");
    }

    @Test
    void unknownFieldInsideAStepKind() {
        rejects(journey("x", "{\"event\":\"order.placed\"}", "[{\"id\":\"a\",\"wait\":{\"minutes\":1}}]"),
                "steps[0] (a).wait.minutes", "unknown field");
    }

    @Test
    void aStepThatDoesNotExist() {
        rejects(journey("x", "{\"event\":\"order.placed\"}", "[{\"id\":\"a\",\"wait\":{\"hours\":1},\"next\":\"nowhere\"}]"),
                "steps[0] (a).next", "no step 'nowhere'");
    }

    @Test
    void aConditionThatDoesNotCompile() {
        rejects(journey("x", "{\"event\":\"order.placed\"}", "[{\"id\":\"a\",\"if\":\"contact.noSuchMethod() > 1\"}]"),
                "steps[0] (a).if", "does not compile");
    }

    @Test
    void aConditionThatIsNotBoolean() {
        rejects(journey("x", "{\"when\":\"contact.totalSpent()\"}", OK_STEPS), "entry.when", "not boolean");
    }

    @Test
    void anEntryWhereOverTheEventCompilesAndAnUnknownEventFieldDoesNot() {
        Waymark.builder().journey("ok.json", journey("x", "{\"event\":\"subscribed\",\"where\":\"event.props.channel == 'email'\"}", OK_STEPS)).build();
        rejects(journey("x", "{\"event\":\"subscribed\",\"where\":\"event.nope == 1\"}", OK_STEPS), "entry.where", "does not compile");
    }

    @Test
    void anUnreachableStep() {
        rejects(journey("x", "{\"event\":\"order.placed\"}",
                "[{\"id\":\"a\",\"wait\":{\"hours\":1},\"next\":\"end\"},{\"id\":\"b\",\"send\":{\"type\":\"email.send\"}}]"),
                "steps[1] (b)", "no path");
    }

    @Test
    void aCycle() {
        rejects(journey("x", "{\"event\":\"order.placed\"}",
                "[{\"id\":\"a\",\"wait\":{\"hours\":1}},{\"id\":\"b\",\"send\":{\"type\":\"email.send\"},\"next\":\"a\"}]"),
                "steps", "cycle", "a -> b -> a");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Cart|journey|no valid journey id",
        "9lives|journey|no valid journey id",
        "with space|journey|no valid journey id"})
    void aBadJourneyId(String id, String field, String message) {
        rejects(journey(id, "{\"event\":\"order.placed\"}", OK_STEPS), field, message);
    }

    @Test
    void aBadStepId() {
        rejects(journey("x", "{\"event\":\"order.placed\"}", "[{\"id\":\"Step_1\",\"wait\":{\"hours\":1}}]"), "steps[0].id", "no valid step id");
    }

    @Test
    void endAsAStepId() {
        rejects(journey("x", "{\"event\":\"order.placed\"}", "[{\"id\":\"end\",\"wait\":{\"hours\":1}}]"), "steps[0].id", "reserved");
    }

    @Test
    void aStepIdTwice() {
        rejects(journey("x", "{\"event\":\"order.placed\"}", "[{\"id\":\"a\",\"wait\":{\"hours\":1}},{\"id\":\"a\",\"wait\":{\"hours\":1}}]"),
                "steps[1].id", "defined twice");
    }

    @Test
    void anIdThatCollidesWithAStandardRule() {
        rejects(journey("win-back", "{\"event\":\"order.placed\"}", OK_STEPS), "journey", "'win-back' is already the id of a rule");
    }

    @Test
    void anIdThatCollidesWithACustomRule() {
        String drl = "package x\nimport dev.waymark.Contact\nrule \"my-flow\" when Contact() then end\n";
        assertThatThrownBy(() -> Waymark.builder().rules("mine.drl", drl)
                .journey("flows/bad.json", journey("my-flow", "{\"event\":\"order.placed\"}", OK_STEPS)).build())
                .isInstanceOfSatisfying(RuleCompilationException.class, e -> {
                    assertThat(e.problems().get(0).file()).isEqualTo("flows/bad.json");
                    assertThat(e.problems().get(0).message()).contains("already the id of a rule");
                });
    }

    @Test
    void anIdThatCollidesWithAnotherJourney() {
        assertThatThrownBy(() -> Waymark.builder()
                .journey("flows/one.json", journey("flow", "{\"event\":\"order.placed\"}", OK_STEPS))
                .journey("flows/two.json", journey("flow", "{\"event\":\"order.placed\"}", OK_STEPS)).build())
                .isInstanceOfSatisfying(RuleCompilationException.class, e -> {
                    assertThat(e.problems().get(0).file()).isEqualTo("flows/two.json");
                    assertThat(e.problems().get(0).message()).contains("flows/one.json");
                });
    }

    @Test
    void entryNeedsEventOrWhen() {
        rejects(journey("x", "{}", OK_STEPS), "entry", "either");
        rejects(journey("x", "{\"event\":\"a.b\",\"when\":\"true\"}", OK_STEPS), "entry", "either");
    }

    @Test
    void emptySteps() {
        rejects(journey("x", "{\"event\":\"order.placed\"}", "[]"), "steps", "non-empty");
    }

    @Test
    void badValues() {
        rejects(journey("x", "{\"event\":\"order.placed\"}", "[{\"id\":\"a\",\"waitUntil\":{\"time\":\"25:00\"}}]"), "steps[0] (a).waitUntil.time");
        rejects(journey("x", "{\"event\":\"order.placed\"}", "[{\"id\":\"a\",\"waitUntil\":{\"time\":\"09:00\",\"days\":[\"monday\"]}}]"),
                "steps[0] (a).waitUntil.days[0]");
        rejects(journey("x", "{\"event\":\"order.placed\"}", "[{\"id\":\"a\",\"waitFor\":{\"event\":\"email.opened\",\"hours\":0}}]"),
                "steps[0] (a).waitFor.hours");
        rejects(journey("x", "{\"event\":\"order.placed\"}", "[{\"id\":\"a\",\"split\":[{\"name\":\"A\",\"weight\":0,\"next\":\"end\"}]}]"),
                "steps[0] (a).split", "more than 0");
        rejects("{\"journey\":\"x\",\"entry\":{\"event\":\"order.placed\"},\"reentry\":\"sometimes\",\"steps\":" + OK_STEPS + "}", "reentry");
        rejects("{\"journey\":\"x\",\"entry\":{\"event\":\"order.placed\"},\"defaultZone\":\"Mars/Olympus\",\"steps\":" + OK_STEPS + "}", "defaultZone");
        rejects(journey("x", "{\"event\":\"Order Placed\"}", OK_STEPS), "entry.event");
        rejects(journey("x", "{\"event\":\"order.placed\"}", "[{\"id\":\"a\",\"wait\":{\"hours\":1},\"send\":{\"type\":\"email.send\"}}]"),
                "steps[0] (a)", "one kind only");
    }

    @Test
    void anUnreadableFileIsNamed() {
        assertThatThrownBy(() -> Waymark.builder().journeys(Path.of("no/such/journey.json")))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("no/such/journey.json");
    }

    @Test
    void settingsNameJourneysLikeRules() {
        Settings settings = WaymarkJson.readSettings("{\"rules\":{\"flow\":{\"enabled\":false}},"
                + "\"policies\":{\"priority\":[\"flow\"],\"experiments\":{\"flow\":{\"variants\":[{\"name\":\"A\",\"weight\":1}]}}}}");
        var engine = Waymark.builder().settings(settings)
                .journey("flow.json", journey("flow", "{\"event\":\"order.placed\"}", OK_STEPS)).build();
        assertThat(engine.journeyIds()).isEmpty();
        assertThatThrownBy(() -> Waymark.builder().settings(settings).build())
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("flow");
    }
}
