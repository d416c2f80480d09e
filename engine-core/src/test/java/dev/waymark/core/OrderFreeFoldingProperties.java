package dev.waymark.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.ContactState;
import dev.waymark.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The facts do not depend on arrival order (docs/events-and-actions.md): a random history split into two arrival batches —
 * the second's events all within the id memory of the first's newest — and folded in two evaluations gives
 * the facts of one evaluation of every event.
 *
 * <p>The histories hold carts (adds, removes, checkouts), orders closing them or not, reviews (an order
 * reviewed again), attribute updates and removals, consent on two channels, campaigns and engagements, tags,
 * views, referrals and a custom type, each at its own instant. Two things the engine does not resolve by event
 * time are kept out, as documented: a sku has one price and category (a line takes the latest-applied add's
 * price), a removed sku is not added again to the same cart, an order names its categories when its cart
 * had a removal (an order takes the categories of its cart's lines as they stand when it is applied), and an
 * order without a {@code cartId} comes only before the first order naming a cart (an order naming a cart that
 * arrives after a later order without one closed that cart takes only the categories of the lines that
 * arrived after that later order).
 */
class OrderFreeFoldingProperties {

    static final Instant START = Instant.parse("2026-06-01T00:00:00Z");

    enum Kind { CART_ADD, CART_REMOVE, CHECKOUT, ORDER, REVIEW, PROFILE, CONSENT, SEND, ENGAGE, TAG, VIEW, REFERRAL, CUSTOM }

    record Step(Kind kind, int gapMinutes, int pick, int amount, boolean second) {
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Kind> kind = Arbitraries.frequency(Tuple.of(22, Kind.CART_ADD), Tuple.of(5, Kind.CART_REMOVE),
                Tuple.of(4, Kind.CHECKOUT), Tuple.of(12, Kind.ORDER), Tuple.of(12, Kind.REVIEW), Tuple.of(10, Kind.PROFILE),
                Tuple.of(8, Kind.CONSENT), Tuple.of(8, Kind.SEND), Tuple.of(5, Kind.ENGAGE), Tuple.of(5, Kind.TAG),
                Tuple.of(4, Kind.VIEW), Tuple.of(2, Kind.REFERRAL), Tuple.of(2, Kind.CUSTOM));
        Arbitrary<Step> step = Combinators.combine(kind, Arbitraries.integers().between(1, 12 * 60),
                Arbitraries.integers().between(0, 999), Arbitraries.integers().between(0, 999),
                Arbitraries.integers().between(0, 99).map(r -> r < 40)).as(Step::new);
        return step.list().ofMinSize(8).ofMaxSize(60);
    }

    @Property(tries = 400)
    void anySplitIntoTwoArrivalBatches_givesTheFactsOfOneBatch(@ForAll("histories") List<Step> steps) {
        List<Event> events = new ArrayList<>();
        List<Boolean> second = new ArrayList<>();
        new Life().build(steps, events, second);
        Instant lastFirst = null;
        for (int i = 0; i < events.size(); i++) {
            if (!second.get(i)) {
                lastFirst = ContactDraft.max(lastFirst, events.get(i).at());
            }
        }
        List<Event> batch1 = new ArrayList<>();
        List<Event> batch2 = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            // Keep the second batch within the id memory of the first's newest event: older ones would be late.
            boolean late = lastFirst == null || events.get(i).at().isBefore(lastFirst.minus(ContactState.ID_MEMORY));
            (second.get(i) && !late ? batch2 : batch1).add(events.get(i));
        }
        Instant end = events.get(events.size() - 1).at().plus(Duration.ofHours(1));
        Instant firstNow = batch1.stream().map(Event::at).max(Instant::compareTo).orElse(START);

        ContactState once = Folding.advance(ContactState.empty("c").withEvents(events), end);
        ContactState first = Folding.advance(ContactState.empty("c").withEvents(batch1), firstNow);
        for (Event e : batch2) {
            assertThat(first.isLate(e)).as("late: %s", e).isFalse();
        }
        ContactState twice = Folding.advance(first.withEvents(batch2), end);

        assertThat(twice.contact()).isEqualTo(once.contact());
        assertThat(twice.seenEventIds()).isEqualTo(once.seenEventIds());

        Statistics.label("reordered across a closing order").collect(reorderedAcrossClosingOrder(batch1, batch2));
        Statistics.label("a review arrived after a later one of its order").collect(laterFirst(batch1, batch2, Event.REVIEW_SUBMITTED, "orderId"));
        Statistics.label("an attribute update arrived after a later one").collect(laterFirst(batch1, batch2, Event.CONTACT_UPDATED, null));
        Statistics.label("consent arrived after a later decision").collect(laterFirstConsent(batch1, batch2));
        Statistics.label("reordered across a closing order").coverage(c -> c.check(true).percentage(p -> p >= 10));
        Statistics.label("a review arrived after a later one of its order").coverage(c -> c.check(true).percentage(p -> p >= 3));
        Statistics.label("an attribute update arrived after a later one").coverage(c -> c.check(true).percentage(p -> p >= 5));
        Statistics.label("consent arrived after a later decision").coverage(c -> c.check(true).percentage(p -> p >= 3));
    }

    /** Whether a cart event of the second batch is older than an order of the first that closed its cart. */
    private static boolean reorderedAcrossClosingOrder(List<Event> batch1, List<Event> batch2) {
        for (Event order : batch1) {
            if (!order.type().equals(Event.ORDER_PLACED)) {
                continue;
            }
            for (Event e : batch2) {
                if (e.type().startsWith("cart.") || e.type().equals(Event.CHECKOUT_STARTED)) {
                    boolean closes = order.text("cartId") == null || order.text("cartId").equals(e.text("cartId"));
                    if (closes && e.at().isBefore(order.at())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean laterFirst(List<Event> batch1, List<Event> batch2, String type, String sameProp) {
        for (Event a : batch1) {
            for (Event b : batch2) {
                if (a.type().equals(type) && b.type().equals(type) && b.at().isBefore(a.at())
                        && (sameProp == null || a.text(sameProp).equals(b.text(sameProp)))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean laterFirstConsent(List<Event> batch1, List<Event> batch2) {
        for (Event a : batch1) {
            for (Event b : batch2) {
                if ((a.type().equals(Event.SUBSCRIBED) || a.type().equals(Event.UNSUBSCRIBED))
                        && (b.type().equals(Event.SUBSCRIBED) || b.type().equals(Event.UNSUBSCRIBED))
                        && a.text("channel").equals(b.text("channel")) && b.at().isBefore(a.at())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Turns steps into events in time order, keeping what later events refer to. */
    private static final class Life {
        int ids;
        int carts;
        String openCart;
        final List<String> inCart = new ArrayList<>();
        final Set<String> removedFromCart = new HashSet<>();
        boolean cartHadRemoval;
        boolean namedOrder;
        final List<String> orders = new ArrayList<>();
        final Map<String, Integer> freshSkus = new HashMap<>();

        void build(List<Step> steps, List<Event> out, List<Boolean> second) {
            Instant t = START;
            for (Step s : steps) {
                t = t.plus(Duration.ofMinutes(s.gapMinutes()));
                Event e = event(s, t);
                if (e != null) {
                    out.add(e);
                    second.add(s.second());
                }
            }
            if (out.isEmpty()) {
                out.add(event("page.viewed", t));
                second.add(false);
            }
        }

        private Event event(Step s, Instant t) {
            return switch (s.kind()) {
                case CART_ADD -> {
                    if (openCart == null) {
                        openCart = "k" + carts++;
                        inCart.clear();
                        removedFromCart.clear();
                        cartHadRemoval = false;
                    }
                    String sku = "S" + s.pick() % 6;
                    if (removedFromCart.contains(sku)) {
                        sku = "F" + freshSkus.merge(openCart, 1, Integer::sum) + "-" + openCart;
                    }
                    inCart.add(sku);
                    int h = Math.abs(sku.hashCode());
                    yield event("cart.item_added", t, "cartId", openCart, "sku", sku, "price", 1 + (h % 40) * 0.5,
                            "qty", (long) (1 + s.amount() % 3), "category", "cat" + h % 4);
                }
                case CART_REMOVE -> {
                    if (openCart == null || inCart.isEmpty()) {
                        yield null;
                    }
                    String sku = inCart.remove(s.pick() % inCart.size());
                    inCart.removeIf(sku::equals);
                    removedFromCart.add(sku);
                    cartHadRemoval = true;
                    yield event("cart.item_removed", t, "cartId", openCart, "sku", sku);
                }
                case CHECKOUT -> openCart == null ? null : event("checkout.started", t, "cartId", openCart);
                case ORDER -> {
                    String id = "o" + orders.size();
                    orders.add(id);
                    double amount = (s.amount() % 400) * 0.25;
                    List<String> given = List.of("cat" + s.pick() % 4);
                    Event e;
                    if (openCart != null && s.pick() % 4 != 0) {
                        e = cartHadRemoval || s.pick() % 3 == 0
                                ? event("order.placed", t, "orderId", id, "amount", amount, "cartId", openCart, "categories", given)
                                : event("order.placed", t, "orderId", id, "amount", amount, "cartId", openCart);
                        openCart = null;
                        namedOrder = true;
                    } else if (openCart != null && !namedOrder) {
                        // no cart named: closes every open cart, with no categories unless given
                        e = s.pick() % 2 == 0 ? event("order.placed", t, "orderId", id, "amount", amount, "categories", given)
                                : event("order.placed", t, "orderId", id, "amount", amount);
                        openCart = null;
                    } else {
                        e = event("order.placed", t, "orderId", id, "amount", amount, "cartId", "none-" + id, "categories", given);
                    }
                    yield e;
                }
                case REVIEW -> orders.isEmpty() ? null : event("review.submitted", t,
                        // mostly the latest order, so that orders are often reviewed again
                        "orderId", orders.get(s.pick() % 3 == 0 ? s.pick() % orders.size() : orders.size() - 1),
                        "rating", (long) (1 + s.amount() % 5));
                case PROFILE -> {
                    Map<String, Object> attrs = new LinkedHashMap<>();
                    attrs.put("firstName", s.amount() % 5 == 0 ? null : "N" + s.pick() % 4);
                    if (s.pick() % 2 == 0) {
                        attrs.put("timezone", s.amount() % 2 == 0 ? "Europe/Paris" : "Asia/Tokyo");
                    }
                    yield event("contact.updated", t, "attributes", attrs);
                }
                case CONSENT -> event(s.amount() % 2 == 0 ? "subscribed" : "unsubscribed", t,
                        "channel", s.pick() % 3 == 0 ? "sms" : "email");
                case SEND -> event("email.sent", t, "campaignId", "m" + s.pick() % 5);
                case ENGAGE -> event(s.amount() % 2 == 0 ? "email.opened" : "email.clicked", t, "campaignId", "m" + s.pick() % 5);
                case TAG -> event(s.amount() % 3 == 0 ? "tag.removed" : "tag.added", t, "tag", s.pick() % 2 == 0 ? "vip" : "new");
                case VIEW -> event("page.viewed", t, "url", "/p/" + s.pick() % 9);
                case REFERRAL -> event("referral.made", t, "referredContactId", "r" + s.pick());
                case CUSTOM -> event("wishlist.added", t, "sku", "S" + s.pick() % 6);
            };
        }

        private Event event(String type, Instant at, Object... props) {
            Map<String, Object> p = new LinkedHashMap<>();
            for (int i = 0; i < props.length; i += 2) {
                p.put((String) props[i], props[i + 1]);
            }
            return new Event("e" + ids++, "c", type, at, p);
        }
    }
}
