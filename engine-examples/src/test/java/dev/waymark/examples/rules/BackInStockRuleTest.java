package dev.waymark.examples.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.BulkSummary;
import dev.waymark.ContactState;
import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import dev.waymark.drools.testing.JourneyScenario;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The custom rule {@code samples/back-in-stock.drl}, beside the standard rules, as a host runs it. */
class BackInStockRuleTest {

    static final JourneyEngine ENGINE = Waymark.builder().rules(Path.of("samples/back-in-stock.drl")).build();

    /** A subscriber who wished for a mug that came back at 10:00 on 5 November. */
    static JourneyScenario wishedAndRestocked() {
        return JourneyScenario.with(ENGINE)
                .event("subscribed", "2026-11-01T09:00:00Z", "channel", "email")
                .event("wishlist.added", "2026-11-02T09:00:00Z", "sku", "MUG-1")
                .event("product.restocked", "2026-11-05T10:00:00Z", "sku", "MUG-1");
    }

    @Test
    void restock_emailsOneHourLater_withTheRestockTime() {
        JourneyScenario s = wishedAndRestocked();
        s.evaluateAt("2026-11-05T10:59:59Z").ofRule("back-in-stock").expectNothing();
        var fired = s.evaluateAt("2026-11-05T11:00:00Z").ofRule("back-in-stock")
                .expectExactly("email.send restock@2026-11-05T10:00:00Z");
        assertThat(fired.action("email.send").params())
                .containsEntry("template", "back-in-stock")
                .containsEntry("restockedAt", "2026-11-05T10:00:00Z");
    }

    /**
     * The first evaluation emits stage and welcome actions; with a custom rule in the ruleset the engine
     * keeps a contact its own actions changed due at once, so the wake-up is checked on the second.
     */
    static JourneyScenario settledBeforeTheHour() {
        JourneyScenario s = wishedAndRestocked();
        s.evaluateAt("2026-11-05T10:20:00Z");
        return s;
    }

    @Test
    void beforeTheHour_theContactWakesUpExactlyWhenItIsUp() {
        settledBeforeTheHour().evaluateAt("2026-11-05T10:30:00Z").expectNothing().expectWakeUp("2026-11-05T11:00:00Z");
    }

    @Test
    void engineSkipsTheContactUntilTheHourIsUp() {
        ContactState s = settledBeforeTheHour().evaluateAt("2026-11-05T10:30:00Z").state();
        List<String> rules = new ArrayList<>();
        BulkSummary early = ENGINE.evaluateAll(List.of(s), Instant.parse("2026-11-05T10:45:00Z"),
                e -> e.actions().forEach(a -> rules.add(a.rule())));
        assertThat(early.skipped()).isEqualTo(1);
        BulkSummary due = ENGINE.evaluateAll(List.of(s), Instant.parse("2026-11-05T11:00:00Z"),
                e -> e.actions().forEach(a -> rules.add(a.rule())));
        assertThat(due.evaluated()).isEqualTo(1);
        assertThat(rules).containsExactly("back-in-stock");
    }

    @Test
    void noEmail_withoutEmailConsent() {
        JourneyScenario.with(ENGINE)
                .event("wishlist.added", "2026-11-02T09:00:00Z", "sku", "MUG-1")
                .event("product.restocked", "2026-11-05T10:00:00Z", "sku", "MUG-1")
                .evaluateAt("2026-11-05T12:00:00Z").ofRule("back-in-stock").expectNothing();
    }

    @Test
    void noEmail_afterConsentIsRevoked() {
        wishedAndRestocked()
                .event("unsubscribed", "2026-11-05T10:30:00Z", "channel", "email")
                .evaluateAt("2026-11-05T12:00:00Z").ofRule("back-in-stock").expectNothing();
    }

    @Test
    void noEmail_forARestockNobodyWishedFor() {
        JourneyScenario.with(ENGINE)
                .event("subscribed", "2026-11-01T09:00:00Z", "channel", "email")
                .event("product.restocked", "2026-11-05T10:00:00Z", "sku", "MUG-1")
                .evaluateAt("2026-11-05T12:00:00Z").ofRule("back-in-stock").expectNothing();
    }

    @Test
    void noEmail_whenTheRestockIsStale() {
        JourneyScenario s = wishedAndRestocked();
        s.evaluateAt("2026-11-08T09:59:59Z").ofRule("back-in-stock").expectExactly("email.send restock@2026-11-05T10:00:00Z");
        wishedAndRestocked().evaluateAt("2026-11-08T10:00:00Z").ofRule("back-in-stock").expectNothing();
    }

    @Test
    void noEmail_whenTheContactOrderedSinceTheRestock() {
        wishedAndRestocked()
                .event("order.placed", "2026-11-05T10:20:00Z", "orderId", "o-1", "amount", 12.5)
                .evaluateAt("2026-11-05T11:00:00Z").ofRule("back-in-stock").expectNothing();
    }

    @Test
    void oneEmailPerRestock_andAnotherForTheNextRestock() {
        JourneyScenario s = wishedAndRestocked();
        s.evaluateAt("2026-11-05T11:00:00Z").ofRule("back-in-stock").expectExactly("email.send restock@2026-11-05T10:00:00Z");
        s.evaluateAt("2026-11-05T15:00:00Z").ofRule("back-in-stock").expectNothing();
        s.event("wishlist.added", "2026-11-06T09:00:00Z", "sku", "VASE-2")
                .event("product.restocked", "2026-11-09T08:00:00Z", "sku", "VASE-2");
        s.evaluateAt("2026-11-09T09:00:00Z").ofRule("back-in-stock").expectExactly("email.send restock@2026-11-09T08:00:00Z");
    }

    @Test
    void twoRestocksWithinTheHour_makeOneEmail() {
        JourneyScenario s = wishedAndRestocked()
                .event("wishlist.added", "2026-11-03T09:00:00Z", "sku", "VASE-2")
                .event("product.restocked", "2026-11-05T10:40:00Z", "sku", "VASE-2");
        s.evaluateAt("2026-11-05T11:00:00Z").ofRule("back-in-stock").expectNothing();
        s.evaluateAt("2026-11-05T11:40:00Z").ofRule("back-in-stock").expectExactly("email.send restock@2026-11-05T10:40:00Z");
    }
}
