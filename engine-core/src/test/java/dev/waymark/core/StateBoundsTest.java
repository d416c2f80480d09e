package dev.waymark.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.BulkSummary;
import dev.waymark.Contact;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Evaluation.RejectedEvent;
import dev.waymark.Event;
import dev.waymark.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each size limit of a contact's state and what happens past it (docs/events-and-actions.md), and the 180-day idle cart. */
class StateBoundsTest {

    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    /** Early enough that 180 days later is still before {@link #NOW}. */
    static final Instant OLD = Instant.parse("2026-01-01T00:00:00Z");
    int seq;

    Event ev(String type, Instant at, Object... props) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < props.length; i += 2) {
            p.put((String) props[i], props[i + 1]);
        }
        return new Event("e" + ++seq, "c-1", type, at, p);
    }

    /** The events folded at {@link #NOW}, collecting what was rejected. */
    ContactState fold(ContactState s, List<Event> events, List<RejectedEvent> rejected) {
        return Folding.advance(s.withEvents(events), NOW, rejected);
    }

    ContactState fold(List<Event> events, List<RejectedEvent> rejected) {
        return fold(ContactState.empty("c-1"), events, rejected);
    }

    @Test
    void anUpdateAddingAttributesPastTheLimit_isRejectedWhole_andTheOtherEventsApply() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < StateBounds.MAX_ATTRIBUTES - 1; i++) {
            events.add(ev("contact.updated", T0.plusSeconds(i), "attributes", Map.of("k" + i, "v")));
        }
        Event over = ev("contact.updated", T0.plusSeconds(1000), "attributes", Map.of("firstName", "Ann", "extra", "x"));
        events.add(over);
        events.add(ev("contact.updated", T0.plusSeconds(1001), "attributes", Map.of("k0", "changed", "last", "y")));
        List<RejectedEvent> rejected = new ArrayList<>();
        Contact c = fold(events, rejected).contact();

        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.eventId()).isEqualTo(over.id());
            assertThat(r.message()).isEqualTo("a contact keeps at most 256 attributes; this update would make it 257");
        });
        assertThat(c.attributes()).hasSize(256).doesNotContainKeys("firstName", "extra").containsEntry("k0", "changed");
        assertThat(c.count("contact.updated")).as("the rejected event is not counted either").isEqualTo(256);
    }

    @Test
    void aNewTagPastTheLimit_isRejected_whileAKnownTagStillChanges() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < StateBounds.MAX_TAGS; i++) {
            events.add(ev("tag.added", T0.plusSeconds(i), "tag", "t" + i));
        }
        events.add(ev("tag.added", T0.plusSeconds(1000), "tag", "one-too-many"));
        events.add(ev("tag.removed", T0.plusSeconds(1001), "tag", "t0"));
        List<RejectedEvent> rejected = new ArrayList<>();
        Contact c = fold(events, rejected).contact();
        assertThat(rejected).extracting(RejectedEvent::message).containsExactly("a contact keeps at most 256 tags");
        assertThat(c.tags()).hasSize(255).doesNotContain("one-too-many", "t0");
    }

    @Test
    void theMarksOfRemovedTags_areForgottenPastTheIdMemory_makingRoomForNewTags() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < StateBounds.MAX_TAGS; i++) {
            events.add(ev("tag.removed", T0.plusSeconds(i), "tag", "t" + i));
        }
        List<RejectedEvent> rejected = new ArrayList<>();
        ContactState s = fold(events, rejected);
        s = fold(s, List.of(ev("tag.added", T0.plus(Duration.ofDays(8)), "tag", "new")), rejected);
        assertThat(rejected).isEmpty();
        assertThat(s.contact().tags()).containsExactly("new");
        assertThat(s.contact().tagTimes()).containsOnlyKeys("new");
    }

    @Test
    void aNewSkuPastTheCartLineLimit_isRejected_whileAKnownSkuStillAdds() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < StateBounds.MAX_CART_LINES; i++) {
            events.add(ev("cart.item_added", T0.plusSeconds(i), "cartId", "k", "sku", "s" + i, "price", 1.0));
        }
        events.add(ev("cart.item_added", T0.plusSeconds(1000), "cartId", "k", "sku", "new", "price", 1.0));
        events.add(ev("cart.item_added", T0.plusSeconds(1001), "cartId", "k", "sku", "s0", "price", 1.0));
        List<RejectedEvent> rejected = new ArrayList<>();
        Contact c = fold(events, rejected).contact();
        assertThat(rejected).extracting(RejectedEvent::message).containsExactly("a cart keeps at most 500 lines");
        assertThat(c.cart("k").lines()).hasSize(500);
        assertThat(c.cart("k").itemCount()).isEqualTo(501);
    }

    @Test
    void oneMoreOpenCartPastTheLimit_isRejected() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i <= StateBounds.MAX_OPEN_CARTS; i++) {
            events.add(ev("cart.item_added", T0.plusSeconds(i), "cartId", "k" + i, "sku", "s", "price", 1.0));
        }
        List<RejectedEvent> rejected = new ArrayList<>();
        Contact c = fold(events, rejected).contact();
        assertThat(rejected).extracting(RejectedEvent::message).containsExactly("a contact keeps at most 100 open carts");
        assertThat(c.openCarts()).hasSize(100);
        assertThat(c.cart("k100")).isNull();
    }

    @Test
    void aReviewOfOneMoreOrderPastTheLimit_isRejected_whileAKnownOrderCanBeReviewedAgain() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < StateBounds.MAX_REVIEWS; i++) {
            events.add(ev("review.submitted", T0.plusSeconds(i), "orderId", "o" + i, "rating", 2L));
        }
        events.add(ev("review.submitted", T0.plusSeconds(5000), "orderId", "new", "rating", 5L));
        events.add(ev("review.submitted", T0.plusSeconds(5001), "orderId", "o1", "rating", 5L));
        List<RejectedEvent> rejected = new ArrayList<>();
        Contact c = fold(events, rejected).contact();
        assertThat(rejected).extracting(RejectedEvent::message).containsExactly("a contact keeps the reviews of at most 1000 orders");
        assertThat(c.reviews()).hasSize(1000).containsEntry("o1", 5).doesNotContainKey("new");
    }

    @Test
    void futureEventsPastThePendingLimit_areRejected_theEarliestReceivedWait() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i <= StateBounds.MAX_PENDING; i++) {
            events.add(ev("page.viewed", NOW.plus(Duration.ofDays(1)).plusSeconds(i)));
        }
        List<RejectedEvent> rejected = new ArrayList<>();
        ContactState s = fold(events, rejected);
        assertThat(s.pending()).hasSize(1000).doesNotContain(events.get(1000));
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.eventId()).isEqualTo(events.get(1000).id());
            assertThat(r.message()).isEqualTo("a contact keeps at most 1000 events waiting for their time");
        });
    }

    @Test
    void pastTheRememberedIdLimit_theOldestIdsAreForgotten_andEventsUpToThemBecomeLate() {
        List<Event> events = new ArrayList<>();
        int n = StateBounds.MAX_REMEMBERED_IDS + 500;
        for (int i = 0; i < n; i++) {
            events.add(ev("page.viewed", T0.plusSeconds(i)));
        }
        ContactState s = fold(events, new ArrayList<>());
        assertThat(s.seenEventIds()).hasSize(StateBounds.MAX_REMEMBERED_IDS).doesNotContainKey(events.get(499).id());
        assertThat(s.isLate(events.get(499))).as("its id is forgotten: a repeat would be applied twice").isTrue();
        assertThat(s.isLate(events.get(500))).isFalse();
        assertThat(s.withEvents(List.of(events.get(0)))).isSameAs(s);
        assertThat(s.lateBefore()).isEqualTo(T0.plusSeconds(499).plusNanos(1));
    }

    @Test
    void pastTheCustomTypeLimit_theTypesSeenLeastRecentlyAreForgotten() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < StateBounds.MAX_CUSTOM_EVENT_TYPES + 10; i++) {
            events.add(ev("custom.t" + i, T0.plusSeconds(i)));
        }
        List<RejectedEvent> rejected = new ArrayList<>();
        Contact c = fold(events, rejected).contact();
        assertThat(rejected).isEmpty();
        assertThat(c.eventCounts()).hasSize(64).doesNotContainKey("custom.t9").containsKey("custom.t10");
    }

    @Test
    void pastTheClosedCartLimit_theOldestClosingsAreForgotten_andCartEventsBeforeThemBecomeLate() {
        List<Event> events = new ArrayList<>();
        int n = StateBounds.MAX_CLOSED_CARTS + 10;
        for (int i = 0; i < n; i++) {
            events.add(ev("order.placed", T0.plusSeconds(i), "orderId", "o" + i, "amount", 1.0, "cartId", "k" + i));
        }
        ContactState s = fold(events, new ArrayList<>());
        assertThat(s.contact().closedCarts()).hasSize(1000).doesNotContainKey("k9").containsKey("k10");
        Event lateItem = ev("cart.item_added", T0.plusSeconds(9).minusMillis(1), "cartId", "k9", "sku", "A", "price", 1.0);
        assertThat(s.isLate(lateItem)).as("it cannot reopen the forgotten closed cart").isTrue();
    }

    @Test
    void anOpenCartIdleFor180Days_isForgotten_aLaterAddStartsANewCart() {
        Instant later = OLD.plus(Duration.ofDays(180));
        List<RejectedEvent> rejected = new ArrayList<>();
        Contact c = fold(List.of(ev("cart.item_added", OLD, "cartId", "k", "sku", "old", "price", 9.0),
                ev("cart.item_added", later, "cartId", "k", "sku", "new", "price", 1.0)), rejected).contact();
        assertThat(c.cart("k").lines()).extracting(Contact.CartLine::sku).containsExactly("new");
        assertThat(c.cart("k").value()).isEqualTo(1.0);
    }

    @Test
    void anOpenCartIdleFor180Days_isForgotten_otherEventsNamingItDoNothing() {
        Instant later = OLD.plus(Duration.ofDays(180));
        Contact c = fold(List.of(ev("cart.item_added", OLD, "cartId", "k", "sku", "old", "price", 9.0),
                ev("checkout.started", later, "cartId", "k"),
                ev("cart.item_removed", later.plusSeconds(1), "cartId", "k", "sku", "old")), new ArrayList<>()).contact();
        assertThat(c.openCarts()).isEmpty();
    }

    @Test
    void anOpenCartIdleJustUnder180Days_isStillOpen() {
        Instant later = OLD.plus(Duration.ofDays(180)).minusSeconds(1);
        Contact c = fold(List.of(ev("cart.item_added", OLD, "cartId", "k", "sku", "old", "price", 9.0),
                ev("cart.item_added", later, "cartId", "k", "sku", "new", "price", 1.0)), new ArrayList<>()).contact();
        assertThat(c.cart("k").lines()).extracting(Contact.CartLine::sku).containsExactly("new", "old");
    }

    @Test
    void anOpenCartIdleFor180DaysAtAnEvaluation_isForgotten() {
        ContactState s = Folding.advance(ContactState.empty("c-1").withEvents(List.of(
                ev("cart.item_added", T0, "cartId", "k", "sku", "old", "price", 9.0))), T0.plusSeconds(1));
        assertThat(s.contact().openCarts()).hasSize(1);
        assertThat(Folding.advance(s, T0.plus(Duration.ofDays(180)).plusSeconds(1)).contact().openCarts()).isEmpty();
    }

    @Test
    void theLatestReviewOfAnOrder_byEventTime_decidesAdvocacy_whateverTheArrivalOrder() {
        Event good = ev("review.submitted", T0.plusSeconds(10), "orderId", "o", "rating", 5L);
        Event bad = ev("review.submitted", T0.plusSeconds(20), "orderId", "o", "rating", 2L);
        Event order = ev("order.placed", T0, "orderId", "o", "amount", 10.0);
        ContactState inOrder = fold(List.of(order, good, bad), new ArrayList<>());
        ContactState lateGood = fold(fold(List.of(order, bad), new ArrayList<>()), List.of(good), new ArrayList<>());
        for (ContactState s : List.of(inOrder, lateGood)) {
            assertThat(s.contact().positiveReview()).isFalse();
            assertThat(s.contact().reviews()).containsEntry("o", 2);
            assertThat(s.contact().recentOrders().get(0).reviewed()).isTrue();
            assertThat(Stages.compute(s.contact(), NOW, Duration.ofDays(180), t -> { })).isEqualTo(Stage.PURCHASE);
        }
    }

    @Test
    void aLaterPositiveReview_makesAnAdvocate() {
        Contact c = fold(List.of(ev("review.submitted", T0.plusSeconds(20), "orderId", "o", "rating", 4L),
                ev("review.submitted", T0.plusSeconds(10), "orderId", "o", "rating", 1L)), new ArrayList<>()).contact();
        assertThat(c.positiveReview()).isTrue();
        assertThat(Stages.compute(c, NOW, Duration.ofDays(180), t -> { })).isEqualTo(Stage.ADVOCACY);
    }

    @Test
    void aCartEventOlderThanItsClosingOrder_arrivingLate_doesNotChangeTheCartOpenedAgainAfterIt() {
        ContactState s = fold(List.of(ev("cart.item_added", T0, "cartId", "k", "sku", "A", "price", 10.0),
                ev("order.placed", T0.plusSeconds(60), "orderId", "o", "amount", 10.0, "cartId", "k"),
                ev("cart.item_added", T0.plusSeconds(120), "cartId", "k", "sku", "C", "price", 3.0)), new ArrayList<>());
        s = fold(s, List.of(ev("cart.item_added", T0.plusSeconds(30), "cartId", "k", "sku", "B", "price", 2.0),
                ev("cart.item_removed", T0.plusSeconds(40), "cartId", "k", "sku", "C")), new ArrayList<>());
        assertThat(s.contact().cart("k").lines()).extracting(Contact.CartLine::sku).containsExactly("C");
        assertThat(s.contact().cart("k").lastActivity()).isEqualTo(T0.plusSeconds(120));
    }

    @Test
    void aRemovalArrivingBeforeAnOlderAddOfItsSku_keepsTheSkuRemoved() {
        ContactState s = fold(List.of(ev("cart.item_removed", T0.plusSeconds(20), "cartId", "k", "sku", "A")), new ArrayList<>());
        s = fold(s, List.of(ev("cart.item_added", T0.plusSeconds(10), "cartId", "k", "sku", "A", "price", 1.0),
                ev("cart.item_added", T0.plusSeconds(15), "cartId", "k", "sku", "B", "price", 2.0)), new ArrayList<>());
        assertThat(s.contact().cart("k").lines()).extracting(Contact.CartLine::sku).containsExactly("B");
        assertThat(s.contact().cart("k").lastActivity()).isEqualTo(T0.plusSeconds(20));
    }

    @Test
    void cartEventsOlderThanAnOrderWithoutCartId_arrivingAfterIt_doNotLeaveAnOpenCart() {
        ContactState s = fold(List.of(ev("order.placed", T0.plusSeconds(60), "orderId", "o", "amount", 5.0)), new ArrayList<>());
        s = fold(s, List.of(ev("cart.item_added", T0, "cartId", "k", "sku", "A", "price", 5.0),
                ev("checkout.started", T0.plusSeconds(30), "cartId", "k")), new ArrayList<>());
        assertThat(s.contact().openCarts()).isEmpty();
    }

    @Test
    void anItemOlderThanTheOrderThatClosedItsCart_arrivingLate_addsItsCategoryToThatOrder() {
        ContactState s = fold(List.of(ev("cart.item_added", T0, "cartId", "k", "sku", "A", "price", 5.0, "category", "toys"),
                ev("order.placed", T0.plusSeconds(60), "orderId", "o", "amount", 5.0, "cartId", "k")), new ArrayList<>());
        s = fold(s, List.of(ev("cart.item_added", T0.plusSeconds(30), "cartId", "k", "sku", "B", "price", 1.0, "category", "books")),
                new ArrayList<>());
        assertThat(s.contact().openCarts()).isEmpty();
        assertThat(s.contact().recentOrders().get(0).categories()).containsExactly("books", "toys");
        assertThat(s.contact().categories()).containsExactly("books", "toys");
    }

    @Test
    void aRejectedEvent_isReportedByTheEvaluationAndTheBulkSummary_andTheRunGoesOn() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i <= StateBounds.MAX_TAGS; i++) {
            events.add(ev("tag.added", T0.plusSeconds(i), "tag", "t" + i));
        }
        dev.waymark.JourneyEngine engine = Pipeline.around((contacts, now, out) -> { }).ruleset("t", List.of()).build();
        List<Evaluation> out = new ArrayList<>();
        BulkSummary summary = engine.evaluateAll(List.of(ContactState.empty("c-1").withEvents(events), ContactState.empty("c-2")),
                NOW, out::add, 1);
        assertThat(summary.rejected()).singleElement().satisfies(r -> {
            assertThat(r.toString()).isEqualTo("event " + events.get(256).id() + " (tag.added) for contact c-1: "
                    + "a contact keeps at most 256 tags");
        });
        assertThat(out.get(0).rejected()).hasSize(1);
        assertThat(out.get(0).state().pending()).as("dropped, not retried").isEmpty();
        assertThat(out.get(0).state().contact().tags()).hasSize(256);
        assertThat(summary.failures()).isEmpty();
    }

    @Test
    void aStateWrittenBeforeTheOrderFreeBookkeeping_stillReads() throws Exception {
        ContactState s = fold(List.of(ev("review.submitted", T0, "orderId", "o", "rating", 5L),
                ev("cart.item_removed", T0.plusSeconds(1), "cartId", "k", "sku", "A")), new ArrayList<>());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(dev.waymark.json.WaymarkJson.write(s));
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("contact")).remove(
                List.of("reviewTimes", "lateBefore", "closedCartOrders", "cartMarks"));
        ContactState old = dev.waymark.json.WaymarkJson.readState(tree.toString());
        assertThat(old.contact().reviews()).containsEntry("o", 5);
        assertThat(old.contact().reviewTimes()).isEmpty();
        assertThat(old.contact().cartMarks()).isEmpty();
        assertThat(old.contact().lateBefore()).isNull();
        // Without its time, the old review is replaced by the next review of its order that arrives.
        Contact c = fold(old, List.of(ev("review.submitted", T0.minusSeconds(60), "orderId", "o", "rating", 1L)), new ArrayList<>()).contact();
        assertThat(c.reviews()).containsEntry("o", 1);
    }

    @Test
    void cartLineQty_saturatesInsteadOfOverflowing() {
        Contact.Cart cart = new Contact.Cart("k", List.of(new Contact.CartLine("A", Long.MAX_VALUE - 5, 1.0, null)), T0, 0, 0);
        Contact base = Contact.empty("c-1");
        ContactDraft d = new ContactDraft(new Contact(base.id(), base.attributes(), base.attributeTimes(), base.tags(),
                base.tagTimes(), null, base.consents(), T0, T0, 0, 0, null, null, base.categories(), List.of(), List.of(cart),
                Map.of(), 0, Map.of(), null, Map.of(), Map.of(), Map.of(), false, List.of(), null, null, null, null, null));
        assertThat(EventFolding.apply(d, ev("cart.item_added", T0.plusSeconds(1), "cartId", "k", "sku", "A", "price", 1.0,
                "qty", 10_000L))).isNull();
        assertThat(d.freeze().cart("k").itemCount()).isEqualTo(Long.MAX_VALUE);
    }
}
