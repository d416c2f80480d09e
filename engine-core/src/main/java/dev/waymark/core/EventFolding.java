package dev.waymark.core;

import static dev.waymark.core.ContactDraft.max;
import static dev.waymark.core.ContactDraft.min;

import dev.waymark.Channel;
import dev.waymark.Contact.Cart;
import dev.waymark.Contact.CartLine;
import dev.waymark.Contact.ChannelConsent;
import dev.waymark.Contact.Consent;
import dev.waymark.Contact.Order;
import dev.waymark.Event;
import dev.waymark.internal.EventCount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What each standard event does to a contact (SPEC §1's "effect on the contact"): one method per event type.
 * Every event also counts toward its type's count and last time, and may convert an open exposure.
 *
 * <p>Facts that depend on order use event time, so an event that arrives late still lands where it belongs:
 * the last order is the latest {@code at}, consent and attributes are last-write-wins by {@code at}, an
 * item added to a cart before the order that closed it does not reopen the cart, and a send before the
 * latest engagement does not count toward the unopened streak. Stateless.
 */
final class EventFolding {
    private EventFolding() {
    }

    /** Folds one event into the draft. */
    static void apply(ContactDraft d, Event e) {
        Instant at = e.at();
        d.firstSeen = min(d.firstSeen, at);
        d.lastSeen = max(d.lastSeen, at);
        EventCount count = d.eventCounts.read().get(e.type());
        d.eventCounts.write().put(e.type(), count == null ? new EventCount(1, at) : new EventCount(count.count() + 1, max(count.last(), at)));
        switch (e.type()) {
            case Event.CONTACT_UPDATED -> contactUpdated(d, e);
            case Event.SUBSCRIBED -> consent(d, e, Consent.GRANTED);
            case Event.UNSUBSCRIBED -> consent(d, e, Consent.REVOKED);
            case Event.CART_ITEM_ADDED -> cartItemAdded(d, e);
            case Event.CART_ITEM_REMOVED -> cartItemRemoved(d, e);
            case Event.CHECKOUT_STARTED -> checkoutStarted(d, e);
            case Event.ORDER_PLACED -> orderPlaced(d, e);
            case Event.EMAIL_SENT -> emailSent(d, e);
            case Event.EMAIL_OPENED, Event.EMAIL_CLICKED -> emailEngaged(d, at);
            case Event.REVIEW_SUBMITTED -> reviewSubmitted(d, e);
            case Event.TAG_ADDED -> changeTag(d, e.text("tag"), true, at);
            case Event.TAG_REMOVED -> changeTag(d, e.text("tag"), false, at);
            default -> {
                // page.viewed, referral.made and custom events only count (above)
            }
        }
        if (!d.conversions.open().isEmpty()) {
            d.conversions = ConversionLog.converted(d.conversions, e);
        }
    }

    /** {@code contact.updated}: attributes merged, the latest write by {@code at} wins; a null value removes. */
    @SuppressWarnings("unchecked")
    private static void contactUpdated(ContactDraft d, Event e) {
        Object attrs = e.props().get("attributes");
        if (!(attrs instanceof Map<?, ?> m)) {
            return;
        }
        for (Map.Entry<String, Object> entry : ((Map<String, Object>) m).entrySet()) {
            Instant prev = d.attributeTimes.read().get(entry.getKey());
            if (prev != null && prev.isAfter(e.at())) {
                continue; // a later write already won
            }
            d.attributeTimes.write().put(entry.getKey(), e.at());
            if (entry.getValue() == null) {
                d.attributes.write().remove(entry.getKey());
            } else {
                d.attributes.write().put(entry.getKey(), entry.getValue());
            }
        }
    }

    /** {@code subscribed} / {@code unsubscribed}: the later of the two by {@code at} wins; subscriptions are dated. */
    private static void consent(ContactDraft d, Event e, Consent value) {
        Channel channel = Channel.byId(e.text("channel"));
        ChannelConsent prev = d.consents.read().get(channel);
        Instant subscribedAt = prev == null ? null : prev.subscribedAt();
        if (value == Consent.GRANTED) {
            subscribedAt = max(subscribedAt, e.at());
        }
        if (prev == null || !prev.changedAt().isAfter(e.at())) {
            d.consents.write().put(channel, new ChannelConsent(value, e.at(), subscribedAt));
        } else {
            d.consents.write().put(channel, new ChannelConsent(prev.consent(), prev.changedAt(), subscribedAt));
        }
    }

    /**
     * {@code cart.item_added}: opens the cart if new or closed before this event (a closed cart starts again
     * empty); a sku already in it adds to its qty and takes the new price; sets the last activity.
     */
    private static void cartItemAdded(ContactDraft d, Event e) {
        String cartId = e.text("cartId");
        int i = cartIndex(d, cartId);
        Cart cart;
        if (i < 0) {
            Instant closedAt = d.closedCarts.read().get(cartId);
            if (closedAt != null && !closedAt.isBefore(e.at())) {
                return; // belongs to the cart an order already closed
            }
            if (closedAt != null) {
                d.closedCarts.write().remove(cartId);
            }
            cart = Cart.of(cartId, List.of(), e.at());
        } else {
            cart = d.openCarts.read().get(i);
        }
        String sku = e.text("sku");
        Object q = e.props().get("qty");
        long qty = q == null ? 1 : (Long) q;
        double price = e.number("price", 0);
        String category = e.text("category");
        List<CartLine> lines = new ArrayList<>(cart.lines().size() + 1);
        boolean merged = false;
        for (CartLine l : cart.lines()) {
            if (l.sku().equals(sku)) {
                lines.add(new CartLine(sku, l.qty() + qty, price, category != null ? category : l.category()));
                merged = true;
            } else {
                lines.add(l);
            }
        }
        if (!merged) {
            lines.add(new CartLine(sku, qty, price, category));
        }
        putCart(d, Cart.of(cartId, lines, max(cart.lastActivity(), e.at())));
    }

    /** {@code cart.item_removed}: removes that sku's line of an open cart; sets the last activity. */
    private static void cartItemRemoved(ContactDraft d, Event e) {
        int i = cartIndex(d, e.text("cartId"));
        if (i < 0) {
            return;
        }
        Cart cart = d.openCarts.read().get(i);
        String sku = e.text("sku");
        List<CartLine> lines = new ArrayList<>(cart.lines());
        lines.removeIf(l -> l.sku().equals(sku));
        putCart(d, Cart.of(cart.id(), lines, max(cart.lastActivity(), e.at())));
    }

    /** {@code checkout.started}: sets an open cart's last activity. */
    private static void checkoutStarted(ContactDraft d, Event e) {
        String cartId = e.text("cartId");
        int i = cartIndex(d, cartId);
        if (i >= 0) {
            Cart cart = d.openCarts.read().get(i);
            putCart(d, Cart.of(cartId, cart.lines(), max(cart.lastActivity(), e.at())));
        }
    }

    /**
     * {@code order.placed}: closes the named cart, or every open cart without a {@code cartId}; adds the
     * order; its categories are the given ones, else the named cart's lines'.
     */
    @SuppressWarnings("unchecked")
    private static void orderPlaced(ContactDraft d, Event e) {
        String cartId = e.text("cartId");
        Object given = e.props().get("categories");
        Set<String> orderCategories = new TreeSet<>();
        if (given instanceof List<?> l) {
            orderCategories.addAll((List<String>) l);
        }
        if (cartId != null) {
            int i = cartIndex(d, cartId);
            if (i >= 0) {
                Cart cart = d.openCarts.write().remove(i);
                if (given == null) {
                    for (CartLine line : cart.lines()) {
                        if (line.category() != null) {
                            orderCategories.add(line.category());
                        }
                    }
                }
            }
            d.closedCarts.write().put(cartId, max(d.closedCarts.read().get(cartId), e.at()));
        } else if (!d.openCarts.read().isEmpty()) {
            for (Cart open : d.openCarts.read()) {
                d.closedCarts.write().put(open.id(), max(d.closedCarts.read().get(open.id()), e.at()));
            }
            d.openCarts.write().clear();
        }
        String orderId = e.text("orderId");
        double amount = e.number("amount", 0);
        d.orderCount = Math.addExact(d.orderCount, 1); // checked: 2^31 orders fail the contact, never wrap
        d.totalSpent += amount;
        d.firstOrderAt = min(d.firstOrderAt, e.at());
        d.lastOrderAt = max(d.lastOrderAt, e.at());
        if (!d.categories.read().containsAll(orderCategories)) {
            d.categories.write().addAll(orderCategories);
        }
        List<Order> orders = d.recentOrders.write();
        orders.add(new Order(orderId, e.at(), amount, List.copyOf(orderCategories), d.reviews.read().containsKey(orderId)));
        orders.sort(Comparator.comparing(Order::placedAt));
    }

    /** {@code email.sent}: one more campaign; after the latest engagement it lengthens the unopened streak. */
    private static void emailSent(ContactDraft d, Event e) {
        d.campaignsSent++;
        if (d.lastEngagementAt != null && !e.at().isAfter(d.lastEngagementAt)) {
            return; // sent before the latest engagement: not part of the streak
        }
        d.unopenedCampaigns.write().merge(e.text("campaignId"), e.at(), ContactDraft::max);
    }

    /** {@code email.opened} / {@code email.clicked}: an engagement; sends up to it leave the streak. */
    private static void emailEngaged(ContactDraft d, Instant at) {
        d.lastEngagementAt = max(d.lastEngagementAt, at);
        Instant cut = d.lastEngagementAt;
        if (d.unopenedCampaigns.read().values().stream().anyMatch(sent -> !sent.isAfter(cut))) {
            d.unopenedCampaigns.write().values().removeIf(sent -> !sent.isAfter(cut));
        }
    }

    /** {@code review.submitted}: the order counts as reviewed; a rating of 4 or more makes an advocate. */
    private static void reviewSubmitted(ContactDraft d, Event e) {
        String orderId = e.text("orderId");
        int rating = ((Long) e.props().get("rating")).intValue();
        d.reviews.write().put(orderId, rating);
        if (rating >= 4) {
            d.positiveReview = true;
        }
        List<Order> orders = d.recentOrders.read();
        for (int i = 0; i < orders.size(); i++) {
            Order o = orders.get(i);
            if (o.id().equals(orderId) && !o.reviewed()) {
                d.recentOrders.write().set(i, new Order(o.id(), o.placedAt(), o.amount(), o.categories(), true));
            }
        }
    }

    /**
     * A tag added or removed at {@code at} — by a {@code tag.added}/{@code tag.removed} event or by the
     * engine's own tag action — unless a later change already won.
     */
    static void changeTag(ContactDraft d, String tag, boolean add, Instant at) {
        Instant prev = d.tagTimes.read().get(tag);
        if (prev != null && prev.isAfter(at)) {
            return; // a later change already won
        }
        d.tagTimes.write().put(tag, at);
        if (add) {
            d.tags.write().add(tag);
        } else if (d.tags.read().contains(tag)) {
            d.tags.write().remove(tag);
        }
    }

    private static int cartIndex(ContactDraft d, String cartId) {
        List<Cart> carts = d.openCarts.read();
        for (int i = 0; i < carts.size(); i++) {
            if (carts.get(i).id().equals(cartId)) {
                return i;
            }
        }
        return -1;
    }

    private static void putCart(ContactDraft d, Cart cart) {
        int i = cartIndex(d, cart.id());
        if (i >= 0) {
            d.openCarts.write().set(i, cart);
        } else {
            d.openCarts.write().add(cart);
        }
    }
}
