package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.Action;
import dev.waymark.Channel;
import dev.waymark.InvalidSettingsException;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings.Policies;
import dev.waymark.Settings;
import dev.waymark.drools.testing.JourneyScenario;
import dev.waymark.json.WaymarkJson;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The first four policies of docs/settings-and-policies.md: suppress tags, quiet hours, frequency caps with priority. */
class DeliveryPoliciesTest {

    static JourneyEngine engine(String policiesJson) {
        return Waymark.builder().settings(WaymarkJson.readSettings("{\"policies\":" + policiesJson + "}")).build();
    }

    static JourneyScenario abandoned(JourneyEngine engine, String zone) {
        JourneyScenario s = JourneyScenario.with(engine);
        if (zone != null) {
            s.event("contact.updated", "2026-11-20T08:00:00Z", "attributes", Map.of("timezone", zone));
        }
        return s.event("subscribed", "2026-11-20T09:00:00Z", "channel", "email")
                .event("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k-1", "sku", "MUG-1", "price", 12.5);
    }

    @Test
    void suppressTag_withholdsMessages_butNotOtherActions() {
        JourneyEngine e = engine("{\"suppressTags\":[\"do-not-contact\"]}");
        JourneyScenario s = JourneyScenario.with(e).event("subscribed", "2026-03-01T09:00:00Z", "channel", "email")
                .event("tag.added", "2026-03-01T09:00:00Z", "tag", "do-not-contact")
                .event("order.placed", "2026-03-01T10:00:00Z", "orderId", "o-1", "amount", 600.0);
        s.evaluateAt("2026-03-01T10:00:00Z").expectExactly("ad-exclusion audience.remove once", "loyalty-reward tag.add once",
                "loyalty-reward coupon.issue once", "stage-progression stage.set none>purchase@2026-03-01T10:00:00Z");
        // the tag goes: the withheld welcome message goes out at the next evaluation, once
        s.event("tag.removed", "2026-03-01T11:00:00Z", "tag", "do-not-contact");
        s.evaluateAt("2026-03-01T11:00:00Z").expectExactly("welcome-series email.send step-1");
        s.evaluateAt("2026-03-01T12:00:00Z").expectNothing();
    }

    @Test
    void suppressTag_fromTheEnginesOwnAction_countsFromTheNextEvaluation() {
        JourneyEngine e = engine("{\"suppressTags\":[\"unengaged\"]}");
        JourneyScenario s = JourneyScenario.with(e).event("subscribed", "2026-10-01T00:00:00Z", "channel", "email");
        for (int i = 1; i <= 5; i++) {
            s.event("email.sent", "2026-10-0" + (i + 1) + "T10:00:00Z", "campaignId", "c" + i);
        }
        // the tag and its re-engagement email go out together: the tag takes effect from the next evaluation
        s.evaluateAt("2026-10-07T00:00:00Z").ofRule("unopened-campaigns").expectExactly("tag.add after:never", "email.send after:never");
        s.event("cart.item_added", "2026-10-08T00:00:00Z", "cartId", "k", "sku", "A", "price", 1.0);
        s.evaluateAt("2026-10-08T05:00:00Z").ofRule("abandoned-cart").expectNothing();
    }

    @Test
    void quietHours_withholdUntilLocalEnd_thenSendOnce() {
        JourneyEngine e = engine("{\"quietHours\":{\"start\":\"21:00\",\"end\":\"09:00\",\"defaultZone\":\"UTC\"}}");
        JourneyScenario s = abandoned(e, "America/New_York");
        // 14:00Z is 09:00 in New York: quiet hours end exactly then, so the reminder goes
        s.evaluateAt("2026-11-20T13:59:59Z").ofRule("abandoned-cart").expectNothing();
        s.evaluateAt("2026-11-20T14:00:00Z").ofRule("abandoned-cart").expectExactly("email.send k-1");
    }

    @Test
    void quietHours_wakeUpIsTheLocalEnd() {
        JourneyEngine e = engine("{\"quietHours\":{\"start\":\"21:00\",\"end\":\"09:00\",\"defaultZone\":\"UTC\"}}");
        JourneyScenario s = abandoned(e, "Asia/Tokyo");
        // 14:00Z is 23:00 in Tokyo: withheld until 09:00 Tokyo = 00:00Z next day
        s.evaluateAt("2026-11-20T14:00:00Z").ofRule("abandoned-cart").expectNothing().expectWakeUp("2026-11-21T00:00:00Z");
        s.evaluateAt("2026-11-21T00:00:00Z").ofRule("abandoned-cart").expectExactly("email.send k-1");
        s.evaluateAt("2026-11-21T01:00:00Z").ofRule("abandoned-cart").expectNothing();
    }

    @Test
    void quietHours_invalidZone_fallsBackToDefault() {
        JourneyEngine e = engine("{\"quietHours\":{\"start\":\"21:00\",\"end\":\"09:00\",\"defaultZone\":\"Asia/Tokyo\"}}");
        abandoned(e, "Mars/Olympus").evaluateAt("2026-11-20T14:00:00Z").ofRule("abandoned-cart").expectNothing()
                .expectWakeUp("2026-11-21T00:00:00Z");
    }

    @Test
    void quietHours_endToEnd_acrossSpringForward() {
        JourneyEngine e = engine("{\"quietHours\":{\"start\":\"22:00\",\"end\":\"02:30\",\"defaultZone\":\"Europe/Paris\"}}");
        JourneyScenario s = JourneyScenario.with(e).event("subscribed", "2026-03-28T18:00:00Z", "channel", "email")
                .event("cart.item_added", "2026-03-28T19:00:00Z", "cartId", "k", "sku", "A", "price", 1.0);
        s.evaluateAt("2026-03-28T23:00:00Z").ofRule("abandoned-cart").expectNothing().expectWakeUp("2026-03-29T01:00:00Z");
        s.evaluateAt("2026-03-29T01:00:00Z").ofRule("abandoned-cart").expectExactly("email.send k");
    }

    static List<String> emails(JourneyScenario s, String at) {
        return s.evaluateAt(at).actions().stream().filter(a -> a.type().equals("email.send")).map(Action::rule).toList();
    }

    @Test
    void frequencyCap_priorityDecidesWhichTwoGo_andCapFreeingWakesTheRest() {
        JourneyEngine e = engine("{\"frequencyCap\":{\"email\":{\"max\":2,\"hours\":24}},"
                + "\"priority\":[\"abandoned-cart\",\"review-request\",\"welcome-series\"]}");
        JourneyScenario s = JourneyScenario.with(e)
                .event("order.placed", "2026-03-25T10:00:00Z", "orderId", "o-1", "amount", 10.0, "categories", List.of("toys"))
                .event("subscribed", "2026-04-01T09:00:00Z", "channel", "email")
                .event("cart.item_added", "2026-04-01T10:00:00Z", "cartId", "k", "sku", "A", "price", 1.0);
        // due at 14:00: abandoned-cart, review-request (o-1 + 7 d), welcome step 1
        var fired = s.evaluateAt("2026-04-01T14:00:00Z");
        assertThat(fired.actions().stream().filter(a -> a.type().equals("email.send")).map(Action::rule))
                .containsExactlyInAnyOrder("abandoned-cart", "review-request");
        fired.expectWakeUp("2026-04-02T14:00:00Z");
        assertThat(emails(s, "2026-04-02T13:59:59Z")).isEmpty();
        assertThat(emails(s, "2026-04-02T14:00:00Z")).containsExactly("welcome-series");
        // welcome step 2 falls due on 04-03 09:00 (the order predates the subscription); the cap has room again
        s.evaluateAt("2026-04-03T14:00:00Z").ofRule("welcome-series").expectExactly("email.send step-2");
    }

    @Test
    void quietHours_capAndPriority_onOneContactWithFiveDueMessages() {
        JourneyEngine e = engine("{\"quietHours\":{\"start\":\"21:00\",\"end\":\"09:00\",\"defaultZone\":\"UTC\"},"
                + "\"frequencyCap\":{\"email\":{\"max\":2,\"hours\":24}},"
                + "\"priority\":[\"abandoned-cart\",\"review-request\",\"welcome-series\",\"win-back\",\"cross-sell\"]}");
        JourneyScenario s = JourneyScenario.with(e)
                .event("order.placed", "2026-01-01T10:00:00Z", "orderId", "o-0", "amount", 10.0, "categories", List.of("toys"))
                .event("order.placed", "2026-03-25T10:00:00Z", "orderId", "o-1", "amount", 10.0, "categories", List.of("toys"))
                .event("subscribed", "2026-04-01T20:00:00Z", "channel", "email")
                .event("cart.item_added", "2026-04-01T20:00:00Z", "cartId", "k", "sku", "A", "price", 1.0);
        // 23:00Z (quiet): review-request and welcome step 1 are due and withheld; the cart falls due at 00:00
        assertThat(emails(s, "2026-04-01T23:00:00Z")).isEmpty();
        s.evaluateAt("2026-04-01T23:30:00Z").expectWakeUp("2026-04-02T00:00:00Z");
        s.evaluateAt("2026-04-02T00:00:00Z").expectNothing().expectWakeUp("2026-04-02T09:00:00Z");
        // 09:00: quiet hours end with three messages due; the cap of 2 takes them in priority order
        var morning = s.evaluateAt("2026-04-02T09:00:00Z");
        assertThat(morning.actions()).filteredOn(a -> a.type().equals("email.send")).extracting(Action::rule)
                .containsExactlyInAnyOrder("abandoned-cart", "review-request");
        morning.expectWakeUp("2026-04-03T09:00:00Z");
        // a day later the cap frees: welcome step 1 (fresh until 04-04 20:00) goes out, once
        s.evaluateAt("2026-04-03T09:00:00Z").ofRule("welcome-series").expectExactly("email.send step-1");
        s.evaluateAt("2026-04-03T10:00:00Z").ofRule("welcome-series").expectNothing();
    }

    @Test
    void priority_namingUnknownRule_isRejectedAtBuild() {
        assertThatThrownBy(() -> engine("{\"priority\":[\"abandoned-cart\",\"abandoned-carts\"]}"))
                .isInstanceOfSatisfying(InvalidSettingsException.class, ex -> assertThat(ex.key()).isEqualTo("policies.priority[1]"));
    }

    @Test
    void policies_readFromJson() {
        Policies p = WaymarkJson.readSettings("""
                {"policies":{"suppressTags":["do-not-contact"],
                 "quietHours":{"start":"21:00","end":"09:00","defaultZone":"Europe/Paris"},
                 "frequencyCap":{"email":{"max":2,"hours":24},"sms":{"max":1,"hours":12}},
                 "priority":["abandoned-cart","win-back"]}}""").policies();
        assertThat(p.suppressTags()).containsExactly("do-not-contact");
        assertThat(p.quietHours().defaultZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(p.frequencyCaps().get(Channel.SMS)).isEqualTo(new Policies.FrequencyCap(1, Duration.ofHours(12)));
        assertThat(p.priority()).containsExactly("abandoned-cart", "win-back");
        assertThat(Settings.defaults().policies().isEmpty()).isTrue();
        assertThat(p.suppressTags()).isEqualTo(Set.of("do-not-contact"));
    }

    @Test
    void badPolicies_nameTheKey() {
        for (String[] bad : new String[][] {
                {"{\"quietHours\":{\"start\":\"21:00\",\"end\":\"21:00\"}}", "policies.quietHours.end"},
                {"{\"quietHours\":{\"start\":\"9pm\",\"end\":\"09:00\"}}", "policies.quietHours.start"},
                {"{\"quietHours\":{\"start\":\"21:00\"}}", "policies.quietHours.end"},
                {"{\"quietHours\":{\"start\":\"21:00\",\"end\":\"09:00\",\"defaultZone\":\"Nowhere/City\"}}", "policies.quietHours.defaultZone"},
                {"{\"frequencyCap\":{\"fax\":{\"max\":1,\"hours\":1}}}", "policies.frequencyCap.fax"},
                {"{\"frequencyCap\":{\"email\":{\"max\":0,\"hours\":1}}}", "policies.frequencyCap.email.max"},
                {"{\"frequencyCap\":{\"email\":{\"max\":1,\"hours\":-3}}}", "policies.frequencyCap.email.hours"},
                {"{\"suppressTags\":\"vip\"}", "policies.suppressTags"},
                {"{\"priority\":[\"a\",\"a\"]}", "policies.priority"},
                {"{\"quietHourz\":{}}", "policies.quietHourz"},
        }) {
            assertThatThrownBy(() -> WaymarkJson.readSettings("{\"policies\":" + bad[0] + "}"))
                    .as(bad[0]).isInstanceOfSatisfying(InvalidSettingsException.class, ex -> assertThat(ex.key()).isEqualTo(bad[1]));
        }
    }
}
