package dev.waymark.core;

import static dev.waymark.core.ContactDraft.max;
import static dev.waymark.core.ContactDraft.min;

import dev.waymark.Channel;
import dev.waymark.Contact.CartLine;
import dev.waymark.Contact.ChannelConsent;
import dev.waymark.Contact.Consent;
import dev.waymark.Contact.Order;
import dev.waymark.Event;
import dev.waymark.internal.EventCount;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What each standard event does to a contact (the "what it does to the contact" column of docs/events-and-actions.md): one method per event type.
 * Every event also counts toward its type's count and last time, and may convert an open exposure.
 *
 * <p>Facts that depend on order use event time, so an event that arrives late (within the id memory) lands
 * where it belongs and the facts are those of applying every event in time order (docs/events-and-actions.md): the last order is
 * the latest {@code at}; consent, each attribute and each order's review are last-write-wins by {@code at}; a
 * cart event older than the order that closed the cart neither reopens it nor touches the cart opened again
 * after it, though an item of it still adds its category to an order that took its categories from the cart;
 * an add older than a removal of its sku stays removed; a send before the latest engagement does not count
 * toward the unopened streak; totals are summed in decimal. What is not resolved by time: a line takes the
 * price of the latest-applied add, a removal older than a later add of its sku that arrives after that add
 * removes it, and an order naming a cart that a later order without a {@code cartId} already closed takes the
 * categories of only the lines that arrived after that order. Stateless.
 */
final class EventFolding {
    private EventFolding() {
    }

    /**
     * Folds one event into the draft, or nothing of it: returns {@code null} when it was applied, else why it
     * was not ({@link StateBounds#overLimit}), leaving the draft as it was.
     */
    static String apply(ContactDraft d, Event e) {
        String over = StateBounds.overLimit(d, e);
        if (over != null) {
            return over;
        }
        Instant at = e.at();
        d.firstSeen = min(d.firstSeen, at);
        d.lastSeen = max(d.lastSeen, at);
        EventCount count = d.eventCounts.read().get(e.type());
        d.eventCounts.write().put(e.type(), count == null ? new EventCount(1, at)
                : new EventCount(saturatedIncrement(count.count()), max(count.last(), at)));
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
        return null;
    }

    private static long saturatedIncrement(long n) {
        return n == Long.MAX_VALUE ? n : n + 1;
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
     * Whether {@code e} names a cart that an order closed at or after {@code e}'s time: it belongs to the cart
     * as it was when closed, so it neither reopens it nor changes the cart opened again after the order.
     */
    static boolean closedBefore(ContactDraft d, Event e) {
        Map<String, Instant> closed = d.closedCarts.read();
        if (closed.isEmpty()) {
            return false;
        }
        String cartId = e.text("cartId");
        Instant named = closed.get(cartId);
        if (named != null && !named.isBefore(e.at())) {
            return true;
        }
        // An order without a cartId closed every cart open at its time. A cart open now with activity after
        // that order was opened again since: an older event of it belongs to the cart that order closed. A cart
        // not open (or open with only older activity) takes the event, and is closed at the end of the fold
        // ({@link StateBounds#trim}), as that order would have closed it.
        Instant every = closed.get(EVERY_CART);
        if (every == null || every.isBefore(e.at())) {
            return false;
        }
        ContactDraft.WorkingCart open = d.carts().get(cartId);
        return open != null && open.lastActivity.isAfter(every);
    }

    /**
     * The key of {@code closedCarts} that holds the latest order without a {@code cartId}: it closed every
     * cart open at its time, so a cart event older than it, arriving after it, belongs to a closed cart. No
     * cart has this id (a {@code cartId} is never empty).
     */
    static final String EVERY_CART = "";

    /**
     * {@code cart.item_added}: opens the cart if new or closed before this event (a closed cart starts again
     * empty); a sku already in it adds to its qty and takes the new price; sets the last activity.
     */
    private static void cartItemAdded(ContactDraft d, Event e) {
        if (closedBefore(d, e)) {
            lateItemOfAnOrder(d, e);
            return;
        }
        String cartId = e.text("cartId");
        ContactDraft.WorkingCart cart = d.openCart(cartId, e.at());
        Map<String, Instant> marks = d.cartMarks.read();
        if (cart == null) {
            cart = new ContactDraft.WorkingCart(cartId, e.at());
            d.carts().put(cartId, cart);
            // Activity on the cart before it was open here, but after this item: had the item come first, the
            // cart would have been open for it.
            Instant touched = marks.isEmpty() ? null : marks.get(cartId + '\n');
            if (touched != null) {
                cart.lastActivity = max(cart.lastActivity, touched);
                d.cartMarks.write().remove(cartId + '\n'); // the open cart holds it now
                marks = d.cartMarks.read();
            }
        }
        String sku = e.text("sku");
        Instant removed = marks.isEmpty() ? null : marks.get(cartId + '\n' + sku);
        if (removed != null && !removed.isBefore(e.at())) {
            // The sku was removed after this item was added: the line is gone, only the activity counts.
            cart.lastActivity = max(cart.lastActivity, removed);
            return;
        }
        Object q = e.props().get("qty");
        long qty = q == null ? 1 : (Long) q;
        double price = e.number("price", 0);
        String category = e.text("category");
        Map<String, CartLine> lines = cart.lines();
        CartLine line = lines.get(sku);
        if (line == null) {
            lines.put(sku, new CartLine(sku, qty, price, category));
        } else {
            // Saturates rather than wraps: qty is at most Event.MAX_QTY per event, but events are unbounded.
            long sum = line.qty() > Long.MAX_VALUE - qty ? Long.MAX_VALUE : line.qty() + qty;
            lines.put(sku, new CartLine(sku, sum, price, category != null ? category : line.category()));
        }
        cart.lastActivity = max(cart.lastActivity, e.at());
    }

    /**
     * An item added to a cart before the order that closed it, arriving after the order: had it come in time,
     * the order (when it took its categories from the cart) would have its category, and so would the
     * contact's purchased categories.
     */
    private static void lateItemOfAnOrder(ContactDraft d, Event e) {
        String category = e.text("category");
        String orderId = category == null ? null : d.closedCartOrders.read().get(e.text("cartId"));
        if (orderId == null) {
            return;
        }
        List<Order> orders = d.recentOrders.read();
        for (int i = 0; i < orders.size(); i++) {
            Order o = orders.get(i);
            if (o.id().equals(orderId) && !o.categories().contains(category)) {
                TreeSet<String> cats = new TreeSet<>(o.categories());
                cats.add(category);
                d.recentOrders.write().set(i, new Order(o.id(), o.placedAt(), o.amount(), List.copyOf(cats), o.reviewed()));
            }
        }
        if (!d.categories.read().contains(category)) {
            d.categories.write().add(category);
        }
    }

    /** {@code cart.item_removed}: removes that sku's line of an open cart; sets the last activity. */
    private static void cartItemRemoved(ContactDraft d, Event e) {
        if (closedBefore(d, e)) {
            return;
        }
        String cartId = e.text("cartId");
        ContactDraft.WorkingCart cart = d.openCart(cartId, e.at());
        // Remembered (within the id memory) so that an add of the sku older than this removal, arriving later,
        // stays removed.
        d.cartMarks.write().merge(cartId + '\n' + e.text("sku"), e.at(), ContactDraft::max);
        if (cart != null) {
            cart.lines().remove(e.text("sku"));
            cart.lastActivity = max(cart.lastActivity, e.at());
        } else {
            markActivity(d, cartId, e.at());
        }
    }

    /** Activity on a cart that is not open: an older item arriving later opens it with this activity. */
    private static void markActivity(ContactDraft d, String cartId, Instant at) {
        d.cartMarks.write().merge(cartId + '\n', at, ContactDraft::max);
    }

    /** {@code checkout.started}: sets an open cart's last activity. */
    private static void checkoutStarted(ContactDraft d, Event e) {
        if (closedBefore(d, e)) {
            return;
        }
        ContactDraft.WorkingCart cart = d.openCart(e.text("cartId"), e.at());
        if (cart != null) {
            cart.lastActivity = max(cart.lastActivity, e.at());
        } else {
            markActivity(d, e.text("cartId"), e.at());
        }
    }

    /**
     * {@code order.placed}: closes the named cart, or every open cart without a {@code cartId}; adds the
     * order; its categories are the given ones, else the named cart's lines'. The closing time is remembered
     * (within the id memory) so that a cart event older than the order, arriving later, changes nothing.
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
            ContactDraft.WorkingCart cart = closedBefore(d, e) ? null : d.openCart(cartId, e.at());
            if (cart != null && !cart.lastActivity.isAfter(e.at())) {
                d.carts().remove(cartId);
                if (given == null) {
                    for (CartLine line : cart.currentLines()) {
                        if (line.category() != null) {
                            orderCategories.add(line.category());
                        }
                    }
                }
            } else if (cart != null) {
                // The cart was touched after this (older) order: only its items up to the order were bought,
                // which are no longer told apart; the cart stays open with its later activity.
                if (given == null) {
                    for (CartLine line : cart.currentLines()) {
                        if (line.category() != null) {
                            orderCategories.add(line.category());
                        }
                    }
                }
            }
            d.closedCarts.write().put(cartId, max(d.closedCarts.read().get(cartId), e.at()));
            if (given == null) {
                d.closedCartOrders.write().put(cartId, orderId(e));
            } else if (d.closedCartOrders.read().containsKey(cartId)) {
                d.closedCartOrders.write().remove(cartId);
            }
        } else {
            if (d.openCartCount() > 0) {
                d.carts().values().removeIf(open -> !open.lastActivity.isAfter(e.at()));
            }
            d.closedCarts.write().put(EVERY_CART, max(d.closedCarts.read().get(EVERY_CART), e.at()));
        }
        String orderId = orderId(e);
        double amount = e.number("amount", 0);
        d.orderCount = Math.addExact(d.orderCount, 1); // checked: 2^31 orders fail the contact, never wrap
        // Summed in decimal: amounts in cents then give the same total in whatever order orders arrive.
        d.totalSpent = java.math.BigDecimal.valueOf(d.totalSpent).add(java.math.BigDecimal.valueOf(amount)).doubleValue();
        d.firstOrderAt = min(d.firstOrderAt, e.at());
        d.lastOrderAt = max(d.lastOrderAt, e.at());
        if (!d.categories.read().containsAll(orderCategories)) {
            d.categories.write().addAll(orderCategories);
        }
        d.addOrder(new Order(orderId, e.at(), amount, List.copyOf(orderCategories), false));
    }

    private static String orderId(Event e) {
        return e.text("orderId");
    }

    /** {@code email.sent}: one more campaign; after the latest engagement it lengthens the unopened streak. */
    private static void emailSent(ContactDraft d, Event e) {
        d.campaignsSent = d.campaignsSent == Integer.MAX_VALUE ? d.campaignsSent : d.campaignsSent + 1;
        if (d.lastEngagementAt != null && !e.at().isAfter(d.lastEngagementAt)) {
            return; // sent before the latest engagement: not part of the streak
        }
        d.unopenedCampaigns.write().merge(e.text("campaignId"), e.at(), ContactDraft::max);
    }

    /** {@code email.opened} / {@code email.clicked}: an engagement; sends up to it leave the streak. */
    private static void emailEngaged(ContactDraft d, Instant at) {
        d.lastEngagementAt = max(d.lastEngagementAt, at);
        Instant cut = d.lastEngagementAt;
        Map<String, Instant> unopened = d.unopenedCampaigns.read();
        if (unopened.isEmpty()) {
            return;
        }
        // Events come in time order, so this batch's sends are all before the cut: the scan is of what the
        // state held (at most MAX_STREAK) plus what it removes, linear over a batch.
        boolean any = false;
        for (Instant sent : unopened.values()) {
            if (!sent.isAfter(cut)) {
                any = true;
                break;
            }
        }
        if (any) {
            d.unopenedCampaigns.write().values().removeIf(sent -> !sent.isAfter(cut));
        }
    }

    /**
     * {@code review.submitted}: the latest review of an order by event time replaces an earlier one; the
     * order counts as reviewed, and its rating decides whether it makes an advocate ({@link ContactDraft#freeze}).
     */
    private static void reviewSubmitted(ContactDraft d, Event e) {
        String orderId = e.text("orderId");
        Instant prev = d.reviewTimes.read().get(orderId);
        if (prev != null && prev.isAfter(e.at())) {
            return; // a later review of this order already won
        }
        int rating = ((Long) e.props().get("rating")).intValue();
        d.reviews.write().put(orderId, rating);
        d.reviewTimes.write().put(orderId, e.at());
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
}
