package dev.waymark.examples.snippets;

// The README's and docs/writing-rules.md's rule test, whole: a JUnit test of the custom rule
// src/test/resources/shop/rules/back-in-stock.drl, which those documents show.
// snippet:rule-test
import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import dev.waymark.drools.testing.JourneyScenario;
import org.junit.jupiter.api.Test;

class BackInStockTest {
    static final JourneyEngine ENGINE = Waymark.builder()
            .rulesFromClasspath("shop/rules/back-in-stock.drl")       // or .rules(Path.of("rules/back-in-stock.drl"))
            .build();

    @Test
    void restockEmailsOneHourLater() {
        JourneyScenario s = JourneyScenario.with(ENGINE)
                .event("subscribed", "2026-11-01T09:00:00Z", "channel", "email")
                .event("wishlist.added", "2026-11-02T09:00:00Z", "sku", "MUG-1")
                .event("product.restocked", "2026-11-05T10:00:00Z", "sku", "MUG-1");
        s.evaluateAt("2026-11-05T10:59:59Z").ofRule("back-in-stock").expectNothing();
        s.evaluateAt("2026-11-05T11:00:00Z").ofRule("back-in-stock")
                .expectExactly("email.send restock@2026-11-05T10:00:00Z");
    }
}
// end:rule-test
