package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.ContactState;
import dev.waymark.Explanation;
import dev.waymark.Explanation.Finding;
import dev.waymark.Explanation.Outcome;
import dev.waymark.Explanation.RuleVerdict;
import dev.waymark.JourneyEngine;
import dev.waymark.drools.testing.JourneyScenario;
import dev.waymark.json.WaymarkJson;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** explain (docs/command-line.md): for every rule, whether it fires at now and, if not, why. */
class ExplainTest {

    static final JourneyEngine ENGINE = StandardRulesTest.ENGINE;

    /** A subscriber (09:00) with a cart touched at 10:00 on 2026-11-20: the reminder is due at 14:00. */
    static JourneyScenario cart(JourneyEngine engine) {
        return JourneyScenario.with(engine).event("subscribed", "2026-11-20T09:00:00Z", "channel", "email")
                .event("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k-1", "sku", "MUG-1", "price", 12.5);
    }

    static Finding headline(Explanation e, String rule) {
        RuleVerdict v = e.rule(rule);
        assertThat(v).as("verdict on " + rule).isNotNull();
        return v.findings().get(0);
    }

    @Test
    void dueMessage_fires_andTheExplanationsActionsAreTheRunsActions() {
        JourneyScenario s = cart(ENGINE);
        Explanation e = s.explainAt("2026-11-20T14:00:00Z");
        assertThat(e.rule("abandoned-cart").outcome()).isEqualTo(Outcome.FIRES);
        assertThat(headline(e, "abandoned-cart").key()).isEqualTo("k-1");
        assertThat(e.actions()).isEqualTo(s.evaluateAt("2026-11-20T14:00:00Z").actions());
    }

    @Test
    void beforeTheDelay_isNotDueUntilTheExactInstant() {
        Finding f = headline(cart(ENGINE).explainAt("2026-11-20T12:00:00Z"), "abandoned-cart");
        assertThat(f.outcome()).isEqualTo(Outcome.NOT_DUE);
        assertThat(f.at()).isEqualTo(Instant.parse("2026-11-20T14:00:00Z"));
        assertThat(f.detail()).contains("not due until 2026-11-20T14:00:00Z");
    }

    @Test
    void afterTheMaxAge_isStaleSinceTheWindowsEnd() {
        Finding f = headline(cart(ENGINE).explainAt("2026-11-24T00:00:00Z"), "abandoned-cart");
        assertThat(f.outcome()).isEqualTo(Outcome.STALE);
        assertThat(f.at()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z")); // last activity + 72 h
    }

    @Test
    void alreadySent_isInTheLedgerSinceItWent() {
        JourneyScenario s = cart(ENGINE);
        s.evaluateAt("2026-11-20T14:00:00Z");
        Finding f = headline(s.explainAt("2026-11-20T15:00:00Z"), "abandoned-cart");
        assertThat(f.outcome()).isEqualTo(Outcome.IN_LEDGER);
        assertThat(f.at()).isEqualTo(Instant.parse("2026-11-20T14:00:00Z"));
    }

    @Test
    void aMessageInTheLedger_isExplainedAsInTheLedger_evenWhenConsentIsGoneSince() {
        JourneyScenario s = JourneyScenario.with(ENGINE).event("subscribed", "2026-09-01T10:00:00Z", "channel", "email");
        for (int i = 1; i <= 5; i++) {
            s.event("email.sent", "2026-10-0" + i + "T10:00:00Z", "campaignId", "c" + i);
        }
        s.evaluateAt("2026-10-06T10:00:00Z").ofRule("unopened-campaigns").expectExactly("email.send after:never", "tag.add after:never");
        s.event("unsubscribed", "2026-10-07T10:00:00Z", "channel", "email");
        Explanation e = s.explainAt("2026-10-08T10:00:00Z");
        assertThat(e.rule("unopened-campaigns").findings())
                .filteredOn(f -> "email.send".equals(f.type()))
                .extracting(Finding::outcome).containsExactly(Outcome.IN_LEDGER);
    }

    @Test
    void withoutConsent_saysNoConsentAndWhichChannel() {
        JourneyScenario s = JourneyScenario.with(ENGINE)
                .event("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k-1", "sku", "MUG-1", "price", 12.5);
        Finding f = headline(s.explainAt("2026-11-20T14:00:00Z"), "abandoned-cart");
        assertThat(f.outcome()).isEqualTo(Outcome.NO_CONSENT);
        assertThat(f.detail()).contains("consent for email, which is unknown");
    }

    @Test
    void tagWithoutConsent_firesWhileItsMessageIsDroppedForConsent() {
        JourneyScenario s = JourneyScenario.with(ENGINE);
        for (int i = 1; i <= 5; i++) {
            s.event("email.sent", "2026-10-0" + i + "T10:00:00Z", "campaignId", "c" + i);
        }
        RuleVerdict v = s.explainAt("2026-10-06T00:00:00Z").rule("unopened-campaigns");
        assertThat(v.outcome()).isEqualTo(Outcome.FIRES);
        assertThat(v.findings()).extracting(Finding::outcome).containsExactlyInAnyOrder(Outcome.FIRES, Outcome.NO_CONSENT);
    }

    @Test
    void quietHours_sayWithheldByWhichPolicy() {
        JourneyEngine e = DeliveryPoliciesTest.engine("{\"quietHours\":{\"start\":\"13:00\",\"end\":\"15:00\",\"defaultZone\":\"UTC\"}}");
        Explanation x = cart(e).explainAt("2026-11-20T14:00:00Z");
        Finding f = headline(x, "abandoned-cart");
        assertThat(f.outcome()).isEqualTo(Outcome.WITHHELD);
        assertThat(f.detail()).contains("quietHours");
        assertThat(x.nextWakeUp()).isEqualTo(Instant.parse("2026-11-20T15:00:00Z"));
    }

    @Test
    void frequencyCap_saysWithheldByTheCapOfTheChannel() {
        JourneyEngine e = DeliveryPoliciesTest.engine("{\"frequencyCap\":{\"email\":{\"max\":1,\"hours\":24}}}");
        JourneyScenario s = cart(e);
        s.evaluateAt("2026-11-20T09:00:00Z"); // welcome step 1 uses the day's one email
        assertThat(headline(s.explainAt("2026-11-20T14:00:00Z"), "abandoned-cart").detail()).contains("frequencyCap (email)");
    }

    @Test
    void switchedOffRule_saysSo() {
        JourneyEngine e = Waymark.builder().settings(WaymarkJson.readSettings("{\"rules\":{\"abandoned-cart\":{\"enabled\":false}}}")).build();
        assertThat(headline(cart(e).explainAt("2026-11-20T14:00:00Z"), "abandoned-cart").outcome()).isEqualTo(Outcome.SWITCHED_OFF);
    }

    @Test
    void holdoutContact_isExplainedAsHoldout_withItsArm() {
        JourneyEngine e = DeliveryPoliciesTest.engine("{\"experiments\":{\"abandoned-cart\":{\"holdoutPercent\":100}}}");
        RuleVerdict v = cart(e).explainAt("2026-11-20T14:00:00Z").rule("abandoned-cart");
        assertThat(v.arm()).isEqualTo("holdout");
        assertThat(v.outcome()).isEqualTo(Outcome.HOLDOUT);
        assertThat(v.fires()).isTrue();
    }

    @Test
    void ruleWhoseConditionFails_isNotMet_withWhatItNeeds() {
        Finding f = headline(cart(ENGINE).explainAt("2026-11-20T14:00:00Z"), "win-back");
        assertThat(f.outcome()).isEqualTo(Outcome.NOT_MET);
        assertThat(f.detail()).contains("needs email consent, an order");
    }

    @Test
    void everyRuleOfTheRuleset_hasAVerdict() {
        Explanation e = cart(ENGINE).explainAt("2026-11-20T14:00:00Z");
        assertThat(e.rules()).extracting(RuleVerdict::rule).containsExactlyElementsOf(ENGINE.ruleIds());
    }

    @Test
    void customRule_reportsTheDueTimeItDeclared() {
        JourneyEngine e = Waymark.builder().rules(java.nio.file.Path.of("../engine-examples/samples/back-in-stock.drl")).build();
        JourneyScenario s = JourneyScenario.with(e).event("subscribed", "2026-10-01T00:00:00Z", "channel", "email")
                .event("wishlist.added", "2026-10-18T20:15:00Z", "sku", "KIT-03")
                .event("product.restocked", "2026-10-20T09:30:00Z", "sku", "KIT-03");
        Finding f = headline(s.explainAt("2026-10-20T10:00:00Z"), "back-in-stock");
        assertThat(f.outcome()).isEqualTo(Outcome.NOT_DUE);
        assertThat(f.at()).isEqualTo(Instant.parse("2026-10-20T10:30:00Z"));
        assertThat(s.explainAt("2026-10-20T10:30:00Z").rule("back-in-stock").outcome()).isEqualTo(Outcome.FIRES);
    }

    @Test
    void stageAlreadyStored_isNotMet_evenWhenAnotherRulesWindowClosedBefore() {
        // The closed cart window of January must not be read as stage-progression's: its stage is stored.
        JourneyScenario s = JourneyScenario.with(ENGINE).event("subscribed", "2026-01-01T00:00:00Z", "channel", "email")
                .event("order.placed", "2026-01-01T00:00:00Z", "orderId", "o-1", "amount", 20.0)
                .event("cart.item_added", "2026-01-10T00:00:00Z", "cartId", "k-1", "sku", "MUG-1", "price", 12.5);
        s.evaluateAt("2026-01-01T00:00:00Z");
        s.evaluateAt("2026-07-01T00:00:00Z").ofRule("stage-progression").expectExactly("stage.set purchase>lapsed@2026-07-01T00:00:00Z");
        Explanation e = s.explainAt("2026-07-02T00:00:00Z");
        assertThat(headline(e, "stage-progression").outcome()).isEqualTo(Outcome.NOT_MET);
        assertThat(headline(e, "abandoned-cart").outcome()).isEqualTo(Outcome.STALE);
    }

    @Test
    void firingThatComesDueAgainButIsSpent_isInTheLedger_notNotMet() {
        JourneyScenario s = JourneyScenario.with(ENGINE).event("subscribed", "2026-01-01T00:00:00Z", "channel", "email")
                .event("order.placed", "2026-01-01T00:00:00Z", "orderId", "o-1", "amount", 20.0, "categories", java.util.List.of("garden"));
        s.evaluateAt("2026-01-15T00:00:00Z").ofRule("cross-sell").expectExactly("email.send garden");
        s.event("order.placed", "2026-02-01T00:00:00Z", "orderId", "o-2", "amount", 20.0, "categories", java.util.List.of("garden"));
        Finding f = headline(s.explainAt("2026-02-05T00:00:00Z"), "cross-sell");
        assertThat(f.outcome()).isEqualTo(Outcome.IN_LEDGER);
        assertThat(f.at()).isEqualTo(Instant.parse("2026-01-15T00:00:00Z"));
        assertThat(f.detail()).contains("comes due again at 2026-02-15T00:00:00Z");
    }

    @Test
    void stepThatWentOutAndIsPastItsWindow_isInTheLedger_withTheWindowsEnd() {
        JourneyScenario s = cart(ENGINE);
        s.evaluateAt("2026-11-20T09:00:00Z").ofRule("welcome-series").expectExactly("email.send step-1");
        s.event("order.placed", "2026-11-20T12:00:00Z", "orderId", "o-1", "amount", 12.5); // no later steps after an order
        Finding f = headline(s.explainAt("2026-11-24T00:00:00Z"), "welcome-series");
        assertThat(f.outcome()).isEqualTo(Outcome.IN_LEDGER);
        assertThat(f.at()).isEqualTo(Instant.parse("2026-11-20T09:00:00Z"));
        assertThat(f.detail()).contains("window closed at 2026-11-23T09:00:00Z");
    }

    @Test
    void explaining_changesNothing() {
        JourneyScenario s = cart(ENGINE);
        ContactState before = s.state();
        String json = WaymarkJson.write(before);
        s.explainAt("2026-11-20T14:00:00Z");
        assertThat(s.state()).isSameAs(before);
        assertThat(WaymarkJson.write(s.state())).isEqualTo(json);
        s.evaluateAt("2026-11-20T14:00:00Z").ofRule("abandoned-cart").expectExactly("email.send k-1");
    }

    @Test
    void explanation_showsTheFactsAtNow_includingEventsDueByThen() {
        Explanation e = cart(ENGINE).explainAt("2026-11-20T14:00:00Z");
        assertThat(e.contact().openCarts()).hasSize(1);
        assertThat(e.storedWakeUp()).isNull();
        assertThat(e.nextWakeUp()).isNotNull();
        assertThat(Map.of("now", e.now())).containsEntry("now", Instant.parse("2026-11-20T14:00:00Z"));
    }
}
