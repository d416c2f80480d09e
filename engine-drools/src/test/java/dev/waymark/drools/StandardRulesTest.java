package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Action;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.Stage;
import dev.waymark.drools.testing.JourneyScenario;
import dev.waymark.json.WaymarkJson;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every row of docs/standard-rules.md, with its boundaries. */
class StandardRulesTest {

    static final JourneyEngine ENGINE = Waymark.builder().build();

    static JourneyScenario contact() {
        return JourneyScenario.with(ENGINE);
    }

    static JourneyScenario subscribed(String at) {
        return contact().event("subscribed", at, "channel", "email");
    }

    static JourneyScenario order(JourneyScenario s, String id, String at, double amount, String... categories) {
        return s.event("order.placed", at, "orderId", id, "amount", amount, "categories", java.util.List.of(categories));
    }

    @Nested
    class AbandonedCart {
        JourneyScenario cart() {
            return subscribed("2026-11-20T09:00:00Z")
                    .event("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k-1", "sku", "MUG-1", "price", 12.5, "qty", 2);
        }

        @Test
        void firesExactlyAtDelay_notOneSecondBefore() {
            JourneyScenario s = cart();
            s.evaluateAt("2026-11-20T13:59:59Z").ofRule("abandoned-cart").expectNothing();
            Action a = s.evaluateAt("2026-11-20T14:00:00Z").ofRule("abandoned-cart").expectExactly("email.send k-1").action("email.send");
            assertThat(a.params()).isEqualTo(Map.of("template", "abandoned-cart", "cartId", "k-1", "cartValue", 25.0));
            assertThat(a.at()).hasToString("2026-11-20T14:00:00Z");
        }

        @Test
        void wakeUpIsTheDelay() {
            cart().evaluateAt("2026-11-20T10:30:00Z").expectWakeUp("2026-11-20T14:00:00Z");
        }

        @Test
        void staleAtMaxAge_lastSecondStillFires() {
            cart().evaluateAt("2026-11-23T10:00:00Z").ofRule("abandoned-cart").expectNothing();
            cart().evaluateAt("2026-11-23T09:59:59Z").ofRule("abandoned-cart").expectExactly("email.send k-1");
        }

        @Test
        void noConsent_noReminder() {
            contact().event("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k-1", "sku", "MUG-1", "price", 12.5)
                    .evaluateAt("2026-11-20T15:00:00Z").ofRule("abandoned-cart").expectNothing();
        }

        @Test
        void revokedConsent_noReminder() {
            cart().event("unsubscribed", "2026-11-20T11:00:00Z", "channel", "email")
                    .evaluateAt("2026-11-20T15:00:00Z").ofRule("abandoned-cart").expectNothing();
        }

        @Test
        void emptiedCart_noReminder() {
            cart().event("cart.item_removed", "2026-11-20T10:05:00Z", "cartId", "k-1", "sku", "MUG-1")
                    .evaluateAt("2026-11-20T15:00:00Z").ofRule("abandoned-cart").expectNothing();
        }

        @Test
        void orderBeforeDelay_cancelsReminder() {
            cart().event("order.placed", "2026-11-20T12:00:00Z", "orderId", "o-1", "amount", 25.0, "cartId", "k-1")
                    .evaluateAt("2026-11-20T15:00:00Z").ofRule("abandoned-cart").expectNothing();
        }

        @Test
        void checkoutMovesLastActivity() {
            JourneyScenario s = cart().event("checkout.started", "2026-11-20T12:00:00Z", "cartId", "k-1");
            s.evaluateAt("2026-11-20T15:59:59Z").ofRule("abandoned-cart").expectNothing();
            s.evaluateAt("2026-11-20T16:00:00Z").ofRule("abandoned-cart").expectExactly("email.send k-1");
        }

        @Test
        void secondEvaluation_repeatsNothing() {
            JourneyScenario s = cart();
            s.evaluateAt("2026-11-20T14:00:00Z").ofRule("abandoned-cart").expectExactly("email.send k-1");
            s.evaluateAt("2026-11-20T14:00:00Z").expectNothing();
            s.evaluateAt("2026-11-20T20:00:00Z").ofRule("abandoned-cart").expectNothing();
        }

        @Test
        void savedAndRestoredState_repeatsNothing() {
            JourneyScenario s = cart();
            s.evaluateAt("2026-11-20T14:00:00Z").ofRule("abandoned-cart").expectExactly("email.send k-1");
            String saved = WaymarkJson.write(s.state());
            JourneyScenario restored = contact().from(WaymarkJson.readState(saved));
            restored.evaluateAt("2026-11-20T18:00:00Z").ofRule("abandoned-cart").expectNothing();
        }

        @Test
        void afterHoursFromSettings() {
            JourneyEngine oneHour = Waymark.builder()
                    .settings(Settings.builder().param("abandoned-cart", "afterHours", 1).build()).build();
            JourneyScenario.with(oneHour).event("subscribed", "2026-11-20T09:00:00Z", "channel", "email")
                    .event("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k-1", "sku", "A", "price", 1.0)
                    .evaluateAt("2026-11-20T11:00:00Z").ofRule("abandoned-cart").expectExactly("email.send k-1");
        }
    }

    @Nested
    class WelcomeSeries {
        @Test
        void stepsFireAtTheirDelays() {
            JourneyScenario s = subscribed("2026-11-01T08:00:00Z");
            s.evaluateAt("2026-11-01T08:00:00Z").ofRule("welcome-series").expectExactly("email.send step-1");
            s.evaluateAt("2026-11-03T07:59:59Z").ofRule("welcome-series").expectNothing();
            Action a = s.evaluateAt("2026-11-03T08:00:00Z").ofRule("welcome-series").expectExactly("email.send step-2").action("email.send");
            assertThat(a.params()).containsEntry("template", "welcome-2");
            s.evaluateAt("2026-11-06T08:00:00Z").ofRule("welcome-series").expectExactly("email.send step-3");
        }

        @Test
        void staleStepIsSkipped() {
            // at +72 h step 1 is stale; step 2 (due at +48 h) is not
            subscribed("2026-11-01T08:00:00Z").evaluateAt("2026-11-04T08:00:00Z").ofRule("welcome-series")
                    .expectExactly("email.send step-2");
            subscribed("2026-11-01T08:00:00Z").evaluateAt("2026-11-04T07:59:59Z").ofRule("welcome-series")
                    .expectExactly("email.send step-1", "email.send step-2");
        }

        @Test
        void orderSinceSubscription_stopsLaterSteps() {
            JourneyScenario s = order(subscribed("2026-11-01T08:00:00Z"), "o-1", "2026-11-02T08:00:00Z", 10.0);
            s.evaluateAt("2026-11-01T09:00:00Z").ofRule("welcome-series").expectExactly("email.send step-1");
            s.evaluateAt("2026-11-03T08:00:00Z").ofRule("welcome-series").expectNothing();
        }

        @Test
        void orderBeforeSubscription_doesNotStopSteps() {
            JourneyScenario s = order(contact(), "o-1", "2026-10-01T08:00:00Z", 10.0)
                    .event("subscribed", "2026-11-01T08:00:00Z", "channel", "email");
            s.evaluateAt("2026-11-03T08:00:00Z").ofRule("welcome-series").expectExactly("email.send step-1", "email.send step-2");
        }

        @Test
        void withoutEmailConsent_nothing() {
            contact().event("subscribed", "2026-11-01T08:00:00Z", "channel", "sms")
                    .evaluateAt("2026-11-01T09:00:00Z").ofRule("welcome-series").expectNothing();
        }
    }

    @Nested
    class UnopenedCampaigns {
        JourneyScenario sends(JourneyScenario s, int n, String dayPrefix) {
            for (int i = 1; i <= n; i++) {
                s.event("email.sent", dayPrefix + String.format("%02d", i) + "T10:00:00Z", "campaignId", "cmp-" + dayPrefix + i);
            }
            return s;
        }

        @Test
        void fifthUnopenedCampaign_tagsAndEmails() {
            JourneyScenario s = sends(subscribed("2026-09-01T00:00:00Z"), 5, "2026-10-");
            Action tag = s.evaluateAt("2026-10-06T00:00:00Z").ofRule("unopened-campaigns")
                    .expectExactly("tag.add after:never", "email.send after:never").action("tag.add");
            assertThat(tag.params()).containsEntry("tag", "unengaged");
            assertThat(s.state().contact().tags()).contains("unengaged");
        }

        @Test
        void fourCampaigns_nothing() {
            sends(subscribed("2026-09-01T00:00:00Z"), 4, "2026-10-").evaluateAt("2026-10-06T00:00:00Z")
                    .ofRule("unopened-campaigns").expectNothing();
        }

        @Test
        void sameCampaignTwice_countsOnce() {
            JourneyScenario s = sends(subscribed("2026-09-01T00:00:00Z"), 4, "2026-10-")
                    .event("email.sent", "2026-10-05T10:00:00Z", "campaignId", "cmp-2026-10-1");
            s.evaluateAt("2026-10-06T00:00:00Z").ofRule("unopened-campaigns").expectNothing();
        }

        @Test
        void openResetsStreak_andKeysOnTheEngagement() {
            JourneyScenario s = sends(subscribed("2026-09-01T00:00:00Z"), 5, "2026-10-")
                    .event("email.opened", "2026-10-05T12:00:00Z", "campaignId", "cmp-2026-10-5");
            s.evaluateAt("2026-10-06T00:00:00Z").ofRule("unopened-campaigns").expectNothing();
            sends(s, 5, "2026-11-");
            s.evaluateAt("2026-11-06T00:00:00Z").ofRule("unopened-campaigns")
                    .expectExactly("tag.add after:2026-10-05T12:00:00Z", "email.send after:2026-10-05T12:00:00Z");
        }

        @Test
        void withoutConsent_tagOnly() {
            sends(contact(), 5, "2026-10-").evaluateAt("2026-10-06T00:00:00Z").ofRule("unopened-campaigns")
                    .expectExactly("tag.add after:never");
        }
    }

    @Nested
    class WinBack {
        @Test
        void firesAtExactlyNinetyDays() {
            JourneyScenario s = order(subscribed("2026-01-01T00:00:00Z"), "o-1", "2026-03-01T10:00:00Z", 40.0);
            s.evaluateAt("2026-05-30T09:59:59Z").ofRule("win-back").expectNothing();
            Action a = s.evaluateAt("2026-05-30T10:00:00Z").ofRule("win-back")
                    .expectExactly("email.send 2026-03-01T10:00:00Z").action("email.send");
            assertThat(a.params()).isEqualTo(Map.of("template", "win-back", "daysSinceLastOrder", 90L));
        }

        @Test
        void daysSinceLastOrder_roundsDown() {
            Action a = order(subscribed("2026-01-01T00:00:00Z"), "o-1", "2026-03-01T10:00:00Z", 40.0)
                    .evaluateAt("2026-06-01T09:59:59Z").ofRule("win-back").action("email.send");
            assertThat(a.params()).containsEntry("daysSinceLastOrder", 91L);
        }

        @Test
        void bigSpender_getsVipCoupon() {
            Action coupon = order(subscribed("2026-01-01T00:00:00Z"), "o-1", "2026-03-01T10:00:00Z", 500.0)
                    .evaluateAt("2026-06-01T00:00:00Z").ofRule("win-back")
                    .expectExactly("email.send 2026-03-01T10:00:00Z", "coupon.issue 2026-03-01T10:00:00Z").action("coupon.issue");
            assertThat(coupon.params()).isEqualTo(Map.of("percent", 15L));
        }

        @Test
        void lateOlderOrder_doesNotMoveLastOrder() {
            JourneyScenario s = order(subscribed("2026-01-01T00:00:00Z"), "o-2", "2026-03-01T10:00:00Z", 40.0);
            s.evaluateAt("2026-03-02T00:00:00Z");
            order(s, "o-1", "2026-02-01T10:00:00Z", 40.0);
            s.evaluateAt("2026-05-30T10:00:00Z").ofRule("win-back").expectExactly("email.send 2026-03-01T10:00:00Z");
        }

        @Test
        void withoutConsent_noCouponEither() {
            order(contact(), "o-1", "2026-03-01T10:00:00Z", 900.0).evaluateAt("2026-06-01T00:00:00Z")
                    .ofRule("win-back").expectNothing();
        }
    }

    @Nested
    class ReviewRequest {
        @Test
        void opensAfterSevenDays_closesAfterFourteen() {
            JourneyScenario s = order(subscribed("2026-01-01T00:00:00Z"), "o-1", "2026-03-01T10:00:00Z", 40.0);
            s.evaluateAt("2026-03-08T09:59:59Z").ofRule("review-request").expectNothing();
            Action a = s.evaluateAt("2026-03-08T10:00:00Z").ofRule("review-request").expectExactly("email.send o-1").action("email.send");
            assertThat(a.params()).isEqualTo(Map.of("template", "review-request", "orderId", "o-1"));
        }

        @Test
        void windowEnd_isExclusive() {
            order(subscribed("2026-01-01T00:00:00Z"), "o-1", "2026-03-01T10:00:00Z", 40.0)
                    .evaluateAt("2026-03-15T10:00:00Z").ofRule("review-request").expectNothing();
            order(subscribed("2026-01-01T00:00:00Z"), "o-1", "2026-03-01T10:00:00Z", 40.0)
                    .evaluateAt("2026-03-15T09:59:59Z").ofRule("review-request").expectExactly("email.send o-1");
        }

        @Test
        void reviewedOrder_isNotAsked() {
            order(subscribed("2026-01-01T00:00:00Z"), "o-1", "2026-03-01T10:00:00Z", 40.0)
                    .event("review.submitted", "2026-03-05T10:00:00Z", "orderId", "o-1", "rating", 5)
                    .evaluateAt("2026-03-08T10:00:00Z").ofRule("review-request").expectNothing();
        }

        @Test
        void eachOrderAskedOnce() {
            JourneyScenario s = order(order(subscribed("2026-01-01T00:00:00Z"), "o-1", "2026-03-01T10:00:00Z", 40.0),
                    "o-2", "2026-03-02T10:00:00Z", 10.0);
            s.evaluateAt("2026-03-08T10:00:00Z").ofRule("review-request").expectExactly("email.send o-1");
            s.evaluateAt("2026-03-09T10:00:00Z").ofRule("review-request").expectExactly("email.send o-2");
        }
    }

    @Nested
    class LoyaltyReward {
        @Test
        void thirdOrder_tagsAndCoupons_once() {
            JourneyScenario s = order(order(order(contact(), "o-1", "2026-03-01T10:00:00Z", 10.0),
                    "o-2", "2026-03-02T10:00:00Z", 10.0), "o-3", "2026-03-03T10:00:00Z", 10.0);
            Action coupon = s.evaluateAt("2026-03-03T10:00:00Z").ofRule("loyalty-reward")
                    .expectExactly("tag.add once", "coupon.issue once").action("coupon.issue");
            assertThat(coupon.params()).isEqualTo(Map.of("percent", 10L));
            assertThat(s.state().contact().tags()).contains("loyal");
            order(s, "o-4", "2026-03-04T10:00:00Z", 10.0).evaluateAt("2026-03-05T00:00:00Z").ofRule("loyalty-reward").expectNothing();
        }

        @Test
        void twoSmallOrders_nothing() {
            order(order(contact(), "o-1", "2026-03-01T10:00:00Z", 10.0), "o-2", "2026-03-02T10:00:00Z", 10.0)
                    .evaluateAt("2026-03-03T00:00:00Z").ofRule("loyalty-reward").expectNothing();
        }

        @Test
        void oneBigOrder_isEnough() {
            order(contact(), "o-1", "2026-03-01T10:00:00Z", 500.0)
                    .evaluateAt("2026-03-01T10:00:00Z").ofRule("loyalty-reward").expectExactly("tag.add once", "coupon.issue once");
        }
    }

    @Nested
    class CrossSell {
        @Test
        void oneCategory_firesAfterFourteenDays() {
            JourneyScenario s = order(subscribed("2026-01-01T00:00:00Z"), "o-1", "2026-03-01T10:00:00Z", 40.0, "kitchen");
            s.evaluateAt("2026-03-15T09:59:59Z").ofRule("cross-sell").expectNothing();
            Action a = s.evaluateAt("2026-03-15T10:00:00Z").ofRule("cross-sell").expectExactly("email.send kitchen").action("email.send");
            assertThat(a.params()).isEqualTo(Map.of("template", "cross-sell", "category", "kitchen"));
        }

        @Test
        void twoCategories_nothing() {
            order(subscribed("2026-01-01T00:00:00Z"), "o-1", "2026-03-01T10:00:00Z", 40.0, "kitchen", "garden")
                    .evaluateAt("2026-04-01T00:00:00Z").ofRule("cross-sell").expectNothing();
        }

        @Test
        void categoriesComeFromTheCart_whenOrderNamesNone() {
            subscribed("2026-01-01T00:00:00Z")
                    .event("cart.item_added", "2026-03-01T09:00:00Z", "cartId", "k-1", "sku", "MUG", "price", 5.0, "category", "kitchen")
                    .event("order.placed", "2026-03-01T10:00:00Z", "orderId", "o-1", "amount", 5.0, "cartId", "k-1")
                    .evaluateAt("2026-03-15T10:00:00Z").ofRule("cross-sell").expectExactly("email.send kitchen");
        }
    }

    @Nested
    class AdExclusion {
        @Test
        void firstOrder_leavesAcquisitionAudienceOnce() {
            JourneyScenario s = order(contact(), "o-1", "2026-03-01T10:00:00Z", 40.0);
            Action a = s.evaluateAt("2026-03-01T10:00:00Z").ofRule("ad-exclusion").expectExactly("audience.remove once").action("audience.remove");
            assertThat(a.params()).isEqualTo(Map.of("audience", "acquisition"));
            order(s, "o-2", "2026-03-02T10:00:00Z", 40.0).evaluateAt("2026-03-03T00:00:00Z").ofRule("ad-exclusion").expectNothing();
        }

        @Test
        void noOrder_nothing() {
            contact().event("page.viewed", "2026-03-01T10:00:00Z").evaluateAt("2026-03-02T00:00:00Z")
                    .ofRule("ad-exclusion").expectNothing();
        }
    }

    @Nested
    class ChurnRisk {
        // orders ten days apart: average gap 10 days, factor 2 → silent for more than 20 days
        JourneyScenario regular() {
            return order(order(order(contact(), "o-1", "2026-03-01T00:00:00Z", 10.0),
                    "o-2", "2026-03-11T00:00:00Z", 10.0), "o-3", "2026-03-21T00:00:00Z", 10.0);
        }

        @Test
        void firesOnlyPastFactorTimesAverageGap() {
            JourneyScenario s = regular();
            s.evaluateAt("2026-04-10T00:00:00Z").ofRule("churn-risk").expectNothing();
            Action task = s.evaluateAt("2026-04-10T00:00:01Z").ofRule("churn-risk")
                    .expectExactly("tag.add 2026-03-21T00:00:00Z", "task.create 2026-03-21T00:00:00Z").action("task.create");
            assertThat(task.params()).isEqualTo(Map.of("kind", "retention-call"));
        }

        @Test
        void lapsedContact_isNoChurnRisk() {
            regular().evaluateAt("2026-09-17T00:00:00Z").ofRule("churn-risk").expectNothing();
            regular().evaluateAt("2026-09-16T23:59:59Z").ofRule("churn-risk").expectExactly(
                    "tag.add 2026-03-21T00:00:00Z", "task.create 2026-03-21T00:00:00Z");
        }

        @Test
        void twoOrders_nothing() {
            order(order(contact(), "o-1", "2026-03-01T00:00:00Z", 10.0), "o-2", "2026-03-11T00:00:00Z", 10.0)
                    .evaluateAt("2026-05-01T00:00:00Z").ofRule("churn-risk").expectNothing();
        }
    }

    @Nested
    class StageProgression {
        @Test
        void neverSeen_noStage() {
            contact().evaluateAt("2026-03-01T00:00:00Z").expectNothing().expectWakeUp(null);
        }

        @Test
        void firstEvent_isAwareness() {
            JourneyScenario s = contact().event("page.viewed", "2026-03-01T10:00:00Z");
            Action a = s.evaluateAt("2026-03-01T10:00:00Z").ofRule("stage-progression")
                    .expectExactly("stage.set none>awareness@2026-03-01T10:00:00Z").action("stage.set");
            assertThat(a.params()).isEqualTo(Map.of("from", "none", "to", "awareness"));
            assertThat(s.state().contact().stage()).isEqualTo(Stage.AWARENESS);
            s.evaluateAt("2026-03-01T11:00:00Z").expectNothing();
        }

        @Test
        void threePageViews_isConsideration() {
            JourneyScenario s = contact().event("page.viewed", "2026-03-01T10:00:00Z").event("page.viewed", "2026-03-01T10:01:00Z");
            s.evaluateAt("2026-03-01T11:00:00Z");
            s.event("page.viewed", "2026-03-01T12:00:00Z").evaluateAt("2026-03-01T12:00:00Z").ofRule("stage-progression")
                    .expectExactly("stage.set awareness>consideration@2026-03-01T12:00:00Z");
        }

        @Test
        void revokedSubscription_staysConsideration() {
            JourneyScenario s = subscribed("2026-03-01T10:00:00Z").event("unsubscribed", "2026-03-01T11:00:00Z", "channel", "email");
            s.evaluateAt("2026-03-02T00:00:00Z");
            assertThat(s.state().contact().stage()).isEqualTo(Stage.CONSIDERATION);
        }

        @Test
        void ordersMovePurchaseThenRetention() {
            JourneyScenario s = order(contact(), "o-1", "2026-03-01T10:00:00Z", 10.0);
            s.evaluateAt("2026-03-01T10:00:00Z").ofRule("stage-progression").expectExactly("stage.set none>purchase@2026-03-01T10:00:00Z");
            order(s, "o-2", "2026-03-05T10:00:00Z", 10.0).evaluateAt("2026-03-05T10:00:00Z").ofRule("stage-progression")
                    .expectExactly("stage.set purchase>retention@2026-03-05T10:00:00Z");
        }

        @Test
        void goodReview_isAdvocacy_badReviewIsNot() {
            JourneyScenario good = order(contact(), "o-1", "2026-03-01T10:00:00Z", 10.0)
                    .event("review.submitted", "2026-03-03T10:00:00Z", "orderId", "o-1", "rating", 4);
            good.evaluateAt("2026-03-04T00:00:00Z");
            assertThat(good.state().contact().stage()).isEqualTo(Stage.ADVOCACY);
            JourneyScenario bad = order(contact(), "o-1", "2026-03-01T10:00:00Z", 10.0)
                    .event("review.submitted", "2026-03-03T10:00:00Z", "orderId", "o-1", "rating", 3);
            bad.evaluateAt("2026-03-04T00:00:00Z");
            assertThat(bad.state().contact().stage()).isEqualTo(Stage.PURCHASE);
        }

        @Test
        void referral_isAdvocacy() {
            JourneyScenario s = contact().event("referral.made", "2026-03-01T10:00:00Z", "referredContactId", "c-9");
            s.evaluateAt("2026-03-01T10:00:00Z");
            assertThat(s.state().contact().stage()).isEqualTo(Stage.ADVOCACY);
        }

        @Test
        void lapsedWinsOverAdvocacy_exactlyAtLapseDays() {
            JourneyScenario s = order(contact(), "o-1", "2026-03-01T10:00:00Z", 10.0)
                    .event("review.submitted", "2026-03-03T10:00:00Z", "orderId", "o-1", "rating", 5);
            s.evaluateAt("2026-03-04T00:00:00Z").expectWakeUp("2026-08-28T10:00:00Z"); // no consent: nothing is due before the lapse
            s.evaluateAt("2026-08-28T09:59:59Z").ofRule("stage-progression").expectNothing();
            s.evaluateAt("2026-08-28T10:00:00Z").ofRule("stage-progression")
                    .expectExactly("stage.set advocacy>lapsed@2026-08-28T10:00:00Z");
        }
    }

    @Nested
    class SwitchedOff {
    @Test
    void disabledRule_neverFires() {
        JourneyEngine noAds = Waymark.builder().settings(Settings.builder().disable("ad-exclusion").build()).build();
        assertThat(noAds.ruleIds()).doesNotContain("ad-exclusion").contains("win-back");
        order(JourneyScenario.with(noAds), "o-1", "2026-03-01T10:00:00Z", 40.0)
                .evaluateAt("2026-03-01T10:00:00Z").ofRule("ad-exclusion").expectNothing();
    }
    }
}
