package dev.waymark.core;

import dev.waymark.Action;
import dev.waymark.Channel;
import dev.waymark.Contact;
import dev.waymark.Contact.Consent;
import dev.waymark.ContactState;
import dev.waymark.Event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How events fold into a contact's facts (docs/events-and-actions.md), independent of any rule. */
class FoldingTest {

    static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    int seq;

    Event ev(String type, String at, Object... props) {
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        for (int i = 0; i < props.length; i += 2) {
            p.put((String) props[i], props[i + 1]);
        }
        return new Event("e" + ++seq, "c-1", type, Instant.parse(at), p);
    }

    Contact fold(Event... events) {
        return Folding.advance(ContactState.empty("c-1").withEvents(List.of(events)), NOW).contact();
    }

    @Test
    void sameEventId_isAppliedOnce() {
        Event view = ev("page.viewed", "2026-11-20T10:00:00Z");
        ContactState s = Folding.advance(ContactState.empty("c-1").withEvents(List.of(view)), NOW);
        assertThat(s.withEvents(List.of(view))).isSameAs(s);
        assertThat(Folding.advance(s.withEvents(List.of(view)), NOW).contact().count("page.viewed")).isEqualTo(1);
    }

    @Test
    void eventMoreThanSevenDaysOlderThanTheNewestApplied_isLateAndNotApplied() {
        ContactState s = Folding.advance(ContactState.empty("c-1").withEvents(List.of(
                ev("order.placed", "2026-11-20T00:00:00Z", "orderId", "o2", "amount", 5.0))), NOW);
        Event late = ev("order.placed", "2026-11-12T23:59:59Z", "orderId", "o1", "amount", 5.0);
        Event atTheEdge = ev("order.placed", "2026-11-13T00:00:00Z", "orderId", "o0", "amount", 5.0);
        assertThat(s.isLate(late)).isTrue();
        assertThat(s.isLate(atTheEdge)).isFalse();
        assertThat(s.withEvents(List.of(late))).isSameAs(s);
        assertThat(Folding.advance(s.withEvents(List.of(late, atTheEdge)), NOW).contact().orderCount()).isEqualTo(2);
        assertThat(ContactState.empty("c-1").isLate(late)).as("nothing applied yet").isFalse();
    }

    @Test
    void futureEvents_waitUntilTheirTime() {
        ContactState s = Folding.advance(ContactState.empty("c-1").withEvents(List.of(ev("page.viewed", "2026-12-05T00:00:00Z"))), NOW);
        assertThat(s.contact().seen()).isFalse();
        assertThat(s.pending()).hasSize(1);
        assertThat(Folding.advance(s, Instant.parse("2026-12-05T00:00:00Z")).contact().count("page.viewed")).isEqualTo(1);
    }

    @Test
    void eventForAnotherContact_isRejected() {
        Event other = new Event("x", "c-2", "page.viewed", NOW);
        assertThatThrownBy(() -> ContactState.empty("c-1").withEvents(List.of(other)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("c-2");
    }

    @Test
    void cartLines_mergeBySku_takingTheNewPrice() {
        Contact c = fold(ev("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k", "sku", "A", "price", 10.0, "qty", 2),
                ev("cart.item_added", "2026-11-20T11:00:00Z", "cartId", "k", "sku", "A", "price", 8.0),
                ev("cart.item_added", "2026-11-20T12:00:00Z", "cartId", "k", "sku", "B", "price", 1.5));
        Contact.Cart cart = c.cart("k");
        assertThat(cart.itemCount()).isEqualTo(4);
        assertThat(cart.value()).isEqualTo(3 * 8.0 + 1.5);
        assertThat(cart.lastActivity()).isEqualTo(Instant.parse("2026-11-20T12:00:00Z"));
    }

    @Test
    void cartValue_isExactToTheCent() {
        Contact c = fold(ev("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k", "sku", "A", "price", 12.1),
                ev("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k", "sku", "B", "price", 0.2, "qty", 3));
        assertThat(c.cart("k").value()).isEqualTo(12.7);
    }

    @Test
    void closedCart_startsAgainEmpty() {
        Contact c = fold(ev("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k", "sku", "A", "price", 10.0),
                ev("order.placed", "2026-11-20T11:00:00Z", "orderId", "o", "amount", 10.0, "cartId", "k"),
                ev("cart.item_added", "2026-11-21T10:00:00Z", "cartId", "k", "sku", "B", "price", 2.0));
        assertThat(c.cart("k").lines()).extracting(Contact.CartLine::sku).containsExactly("B");
    }

    @Test
    void lateItemAddedBeforeTheClosingOrder_doesNotReopenTheCart() {
        ContactState s = Folding.advance(ContactState.empty("c-1").withEvents(List.of(
                ev("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k", "sku", "A", "price", 10.0),
                ev("order.placed", "2026-11-20T11:00:00Z", "orderId", "o", "amount", 10.0, "cartId", "k"))), NOW);
        s = Folding.advance(s.withEvents(List.of(ev("cart.item_added", "2026-11-20T10:30:00Z", "cartId", "k", "sku", "B", "price", 2.0))), NOW);
        assertThat(s.contact().openCarts()).isEmpty();
    }

    @Test
    void orderWithoutCartId_closesEveryOpenCart_andHasNoCategories() {
        Contact c = fold(ev("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k1", "sku", "A", "price", 1.0, "category", "toys"),
                ev("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k2", "sku", "A", "price", 1.0),
                ev("order.placed", "2026-11-20T11:00:00Z", "orderId", "o", "amount", 2.0));
        assertThat(c.openCarts()).isEmpty();
        assertThat(c.recentOrders()).singleElement().satisfies(o -> assertThat(o.categories()).isEmpty());
    }

    @Test
    void lastOrder_isTheLatestByEventTime() {
        Contact c = fold(ev("order.placed", "2026-11-20T11:00:00Z", "orderId", "o2", "amount", 5.0),
                ev("order.placed", "2026-11-10T11:00:00Z", "orderId", "o1", "amount", 7.0));
        assertThat(c.lastOrderAt()).isEqualTo(Instant.parse("2026-11-20T11:00:00Z"));
        assertThat(c.firstOrderAt()).isEqualTo(Instant.parse("2026-11-10T11:00:00Z"));
        assertThat(c.orderCount()).isEqualTo(2);
        assertThat(c.totalSpent()).isEqualTo(12.0);
    }

    @Test
    void consent_laterEventWins_whateverTheArrivalOrder() {
        ContactState s = Folding.advance(ContactState.empty("c-1")
                .withEvents(List.of(ev("unsubscribed", "2026-11-21T00:00:00Z", "channel", "email"))), NOW);
        s = Folding.advance(s.withEvents(List.of(ev("subscribed", "2026-11-20T00:00:00Z", "channel", "email"))), NOW);
        assertThat(s.contact().consent(Channel.EMAIL)).isEqualTo(Consent.REVOKED);
        assertThat(s.contact().consent(Channel.SMS)).isEqualTo(Consent.UNKNOWN);
        assertThat(s.contact().subscribedAt(Channel.EMAIL)).isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
    }

    @Test
    void attributes_lastWriteByEventTimeWins() {
        ContactState s = Folding.advance(ContactState.empty("c-1").withEvents(List.of(
                ev("contact.updated", "2026-11-21T00:00:00Z", "attributes", Map.of("firstName", "Ann")))), NOW);
        s = Folding.advance(s.withEvents(List.of(ev("contact.updated", "2026-11-20T00:00:00Z",
                "attributes", Map.of("firstName", "Old", "timezone", "Europe/Paris")))), NOW);
        assertThat(s.contact().attributes()).containsEntry("firstName", "Ann").containsEntry("timezone", "Europe/Paris");
    }

    @Test
    void unopenedStreak_countsDistinctCampaignsAfterTheLatestEngagement() {
        Contact c = fold(ev("email.sent", "2026-11-01T00:00:00Z", "campaignId", "a"),
                ev("email.opened", "2026-11-02T00:00:00Z", "campaignId", "a"),
                ev("email.sent", "2026-11-03T00:00:00Z", "campaignId", "b"),
                ev("email.sent", "2026-11-04T00:00:00Z", "campaignId", "b"),
                ev("email.sent", "2026-11-05T00:00:00Z", "campaignId", "c"));
        assertThat(c.unopenedStreak()).isEqualTo(2);
        assertThat(c.campaignsSent()).isEqualTo(4);
        assertThat(c.lastEngagementAt()).isEqualTo(Instant.parse("2026-11-02T00:00:00Z"));
    }

    @Test
    void lateEngagement_resetsTheStreakBehindIt() {
        ContactState s = Folding.advance(ContactState.empty("c-1").withEvents(List.of(
                ev("email.sent", "2026-11-01T00:00:00Z", "campaignId", "a"),
                ev("email.sent", "2026-11-03T00:00:00Z", "campaignId", "b"))), NOW);
        s = Folding.advance(s.withEvents(List.of(ev("email.clicked", "2026-11-02T00:00:00Z", "campaignId", "a"))), NOW);
        assertThat(s.contact().unopenedCampaigns()).containsOnlyKeys("b");
    }

    @Test
    void reviewArrivingBeforeItsOrder_stillMarksTheOrder() {
        Contact c = fold(ev("review.submitted", "2026-11-02T00:00:00Z", "orderId", "o", "rating", 5),
                ev("order.placed", "2026-11-01T00:00:00Z", "orderId", "o", "amount", 1.0));
        assertThat(c.recentOrders()).singleElement().satisfies(o -> assertThat(o.reviewed()).isTrue());
        assertThat(c.positiveReview()).isTrue();
    }

    @Test
    void tags_followHostEventsByEventTime() {
        Contact c = fold(ev("tag.removed", "2026-11-03T00:00:00Z", "tag", "vip"), ev("tag.added", "2026-11-02T00:00:00Z", "tag", "vip"),
                ev("tag.added", "2026-11-02T00:00:00Z", "tag", "new"));
        assertThat(c.tags()).containsExactly("new");
    }

    @Test
    void oldOrdersAndRememberedIds_areTrimmed() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            events.add(ev("order.placed", Instant.parse("2025-01-01T00:00:00Z").plusSeconds(86_400L * i).toString(),
                    "orderId", "o" + i, "amount", 1.0));
        }
        ContactState s = Folding.advance(ContactState.empty("c-1").withEvents(events), Instant.parse("2026-02-05T00:00:00Z"));
        assertThat(s.contact().orderCount()).isEqualTo(400);
        assertThat(s.contact().recentOrders().size()).isLessThanOrEqualTo(50);
        assertThat(s.seenEventIds().size()).isLessThanOrEqualTo(8);
    }

    @Test
    void longLedger_forgetsOnlyKeysThatCannotRecur() {
        dev.waymark.core.ContactDraft draft = new dev.waymark.core.ContactDraft(Contact.empty("c-1"));
        Instant t0 = Instant.parse("2020-01-01T00:00:00Z");
        draft.lastOrderAt = t0.plusSeconds(3600L * 100);
        OwnActions.applyOne(draft, Action.of("c-1", "ad-exclusion", "audience.remove", "once", t0, Map.of("audience", "acquisition")));
        for (int i = 1; i <= 100; i++) {
            Instant at = t0.plusSeconds(3600L * i);
            OwnActions.applyOne(draft, Action.of("c-1", "win-back", "email.send", at.toString(), at, Map.of()));
            OwnActions.applyOne(draft, Action.of("c-1", "stage-progression", "stage.set", "x>y@" + at, at, Map.of("from", "none", "to", "awareness")));
            OwnActions.applyOne(draft, Action.of("c-1", "back-in-stock", "email.send", "restock@" + at, at, Map.of()));
        }
        StateBounds.trim(draft, Instant.parse("2020-02-01T00:00:00Z"));
        Contact c = draft.freeze();
        assertThat(c.inLedger("ad-exclusion", "audience.remove", "once")).isTrue();
        assertThat(c.inLedger("win-back", "email.send", draft.lastOrderAt.toString())).as("the current last order").isTrue();
        assertThat(c.inLedger("win-back", "email.send", t0.plusSeconds(3600).toString())).as("an older last order").isFalse();
        assertThat(c.ledger().stream().filter(e -> e.rule().equals("stage-progression"))).as("the newest stage change").hasSize(1);
        assertThat(c.ledger().stream().filter(e -> e.rule().equals("back-in-stock"))).as("a custom rule: every key").hasSize(100);
        assertThat(c.ledger()).hasSize(1 + 1 + 1 + 100);
    }
}
