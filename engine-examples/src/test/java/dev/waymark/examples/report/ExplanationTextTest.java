package dev.waymark.examples.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.waymark.Contact;
import dev.waymark.Contact.LedgerEntry;
import dev.waymark.ContactState;
import dev.waymark.Explanation;
import dev.waymark.Explanation.Finding;
import dev.waymark.Explanation.Outcome;
import dev.waymark.Explanation.RuleVerdict;
import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import dev.waymark.json.WaymarkJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One contact's explanation as text and JSON: facts, ledger, wake-ups, and a line per rule with its findings. */
class ExplanationTextTest {

    static final String SETTINGS = """
            {"policies":{"experiments":{"abandoned-cart":{"holdoutPercent":20,
              "variants":[{"name":"A","weight":50},{"name":"B","weight":50}]}}}}""";
    static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    static JourneyEngine engine;
    static Explanation explanation;

    /** c-1 subscribed at 08:00, filled a cart at 09:00 and was evaluated at 09:30: the welcome went out, the cart is not due. */
    @BeforeAll
    static void explainOneContact() {
        engine = Waymark.builder().settings(WaymarkJson.readSettings(SETTINGS)).build();
        ContactState state = ContactState.empty("c-1").withEvents(List.of(
                WaymarkJson.readEvent("{\"id\":\"e-1\",\"contactId\":\"c-1\",\"type\":\"subscribed\",\"at\":\"2026-11-20T08:00:00Z\","
                        + "\"props\":{\"channel\":\"email\"}}", 1),
                WaymarkJson.readEvent("{\"id\":\"e-2\",\"contactId\":\"c-1\",\"type\":\"cart.item_added\",\"at\":\"2026-11-20T09:00:00Z\","
                        + "\"props\":{\"cartId\":\"k-1\",\"sku\":\"MUG-1\",\"price\":12.5,\"qty\":2}}", 2)));
        state = engine.evaluate(state, Instant.parse("2026-11-20T09:30:00Z")).state();
        explanation = engine.explain(state, NOW);
    }

    @Test
    void text_showsTheContactsKeyFacts() {
        List<String> lines = ExplanationText.lines(explanation);

        assertThat(lines.get(0)).isEqualTo("contact c-1 at 2026-11-20T10:00:00Z (an explanation: nothing was changed)");
        assertThat(lines).contains(
                "  stage            consideration",
                "  consents         email granted since 2026-11-20T08:00:00Z, sms unknown, push unknown",
                "  tags             none",
                "  orders           none",
                "  open carts       k-1: 2 items, 25.00, last activity 2026-11-20T09:00:00Z",
                "  unopened streak  0 (never engaged)");
    }

    @Test
    void text_showsTheLedgerAndBothWakeUps() {
        List<String> lines = ExplanationText.lines(explanation);

        assertThat(lines).anySatisfy(l -> assertThat(l).matches("  2026-11-20T09:30:00Z +welcome-series +email\\.send +step-1"));
        assertThat(lines).containsSubsequence("wake-up", "  stored           2026-11-20T13:00:00Z",
                "  after now        2026-11-20T13:00:00Z");
    }

    @Test
    void text_namesEveryRuleWithItsHeadlineInWords_andIndentsEachFindingBelow() {
        List<String> lines = ExplanationText.lines(explanation);
        String arm = engine.settings().policies().experiments().get("abandoned-cart").arm("c-1", "abandoned-cart");

        for (String rule : engine.ruleIds()) {
            assertThat(lines).as(rule).anySatisfy(l -> assertThat(l).startsWith("  " + rule + " "));
        }
        int cart = indexOfRule(lines, "abandoned-cart");
        assertThat(lines.get(cart)).matches("  abandoned-cart +not due +arm " + arm);
        assertThat(lines.get(cart + 1)).startsWith("      not due until 2026-11-20T13:00:00Z");
        assertThat(lines.get(indexOfRule(lines, "welcome-series"))).matches("  welcome-series +in ledger");
        assertThat(lines.get(indexOfRule(lines, "win-back"))).matches("  win-back +not met");
        assertThat(lines).contains("rules (" + engine.ruleIds().size() + "): nothing would go out now");
    }

    @Test
    void outcomes_readAsLowercaseWords() {
        assertThat(ExplanationText.words(Outcome.NOT_DUE)).isEqualTo("not due");
        assertThat(ExplanationText.words(Outcome.IN_LEDGER)).isEqualTo("in ledger");
        assertThat(ExplanationText.words(Outcome.SWITCHED_OFF)).isEqualTo("switched off");
        assertThat(ExplanationText.words(Outcome.FIRES)).isEqualTo("fires");
    }

    @Test
    void ledger_showsTheNewestTwentyNewestLast_andCountsTheOlderOnes() {
        List<LedgerEntry> ledger = new ArrayList<>();
        for (int i = 24; i >= 0; i--) { // recorded newest first: the text still puts the newest last
            ledger.add(new LedgerEntry("r", "tag.add", "key-" + i, Instant.parse("2026-11-01T00:00:00Z").plusSeconds(3600L * i)));
        }
        Explanation x = new Explanation(withLedger(Contact.empty("c-9"), ledger), NOW, null, null, List.of(),
                List.of(new RuleVerdict("r", null, List.of(new Finding(Outcome.NOT_MET, null, null, null, "its condition does not hold")))));
        List<String> lines = ExplanationText.lines(x);

        assertThat(lines).contains("ledger: 25 entries, newest last (the 5 oldest not shown)");
        List<String> keys = lines.stream().filter(l -> l.contains(" key-")).map(l -> l.substring(l.indexOf("key-"))).toList();
        assertThat(keys).hasSize(20).startsWith("key-5").endsWith("key-24");
        assertThat(lines).contains("  stored           none", "  after now        none", "  stage            none", "  seen             never");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("      its condition does not hold");
    }

    @Test
    void emptyLedger_saysSo() {
        Explanation x = new Explanation(Contact.empty("c-9"), NOW, null, null, List.of(),
                List.of(new RuleVerdict("r", null, List.of(new Finding(Outcome.SWITCHED_OFF, null, null, null, "switched off in settings")))));
        assertThat(ExplanationText.lines(x)).contains("ledger: empty (no action was emitted to this contact yet)", "  r  switched off");
    }

    @Test
    void json_hasTheContactAsTheStateFileHasIt_andOneEntryPerRuleWithItsFindings() throws Exception {
        JsonNode root = new ObjectMapper().readTree(ExplanationJson.render(explanation));

        assertThat(root.get("contact").get("id").asText()).isEqualTo("c-1");
        assertThat(root.get("contact").get("openCarts").get(0).get("id").asText()).isEqualTo("k-1");
        assertThat(root.get("now").asText()).isEqualTo("2026-11-20T10:00:00Z");
        assertThat(root.get("storedWakeUp").asText()).isEqualTo("2026-11-20T13:00:00Z");
        assertThat(root.get("nextWakeUp").asText()).isEqualTo("2026-11-20T13:00:00Z");
        assertThat(root.get("actions")).isEmpty();
        assertThat(root.get("rules")).hasSize(engine.ruleIds().size());
        JsonNode cart = null;
        for (JsonNode r : root.get("rules")) {
            assertThat(r.has("arm") && r.has("outcome") && r.has("fires") && r.get("findings").size() > 0).as(r.toString()).isTrue();
            if (r.get("rule").asText().equals("abandoned-cart")) {
                cart = r;
            }
        }
        assertThat(cart).isNotNull();
        assertThat(cart.get("outcome").asText()).isEqualTo("NOT_DUE");
        assertThat(cart.get("fires").asBoolean()).isFalse();
        assertThat(cart.get("arm").asText()).isIn("A", "B", "holdout");
        JsonNode finding = cart.get("findings").get(0);
        assertThat(finding.get("type").asText()).isEqualTo("email.send");
        assertThat(finding.get("key").asText()).isEqualTo("k-1");
        assertThat(finding.get("at").asText()).isEqualTo("2026-11-20T13:00:00Z");
    }

    private static int indexOfRule(List<String> lines, String rule) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("  " + rule + " ")) {
                return i;
            }
        }
        throw new AssertionError("no line for rule " + rule + " in\n" + String.join("\n", lines));
    }

    private static Contact withLedger(Contact c, List<LedgerEntry> ledger) {
        return new Contact(c.id(), c.attributes(), c.attributeTimes(), c.tags(), c.tagTimes(), c.stage(), c.consents(),
                c.firstSeen(), c.lastSeen(), c.orderCount(), c.totalSpent(), c.firstOrderAt(), c.lastOrderAt(),
                c.categories(), c.recentOrders(), c.openCarts(), c.closedCarts(), c.campaignsSent(), c.unopenedCampaigns(),
                c.lastEngagementAt(), c.eventCounts(), c.reviews(), c.reviewTimes(), c.positiveReview(), ledger, c.conversions(), c.journeys(),
                c.lateBefore(), c.closedCartOrders(), c.cartMarks());
    }
}
