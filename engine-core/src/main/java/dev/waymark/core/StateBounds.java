package dev.waymark.core;

import dev.waymark.Contact;
import dev.waymark.Contact.Cart;
import dev.waymark.Contact.Order;
import dev.waymark.Event;
import dev.waymark.internal.EventCount;
import dev.waymark.internal.StandardRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Every size bound of a contact's state, in one place (docs/events-and-actions.md: the state stays bounded however long the
 * history), and the trimming that keeps it there. Each bound forgets only what can no longer change an
 * action: orders and carts past the 180-day retention that rule windows must fit in, the oldest closed carts,
 * reviews, categories, custom event types; the ledger's own bound is {@link Ledger}'s (past {@link #MAX_LEDGER}
 * entries it forgets what cannot recur; each rule holds at most {@link Ledger#MAX_KEYS_PER_RULE} keys). Stateless.
 */
final class StateBounds {
    private StateBounds() {
    }

    static final int MAX_RECENT_ORDERS = 50;
    static final int MAX_OPEN_CARTS = 32;
    static final int MAX_CLOSED_CARTS = 32;
    /** How long a closed cart is remembered, so a late item of it does not reopen it. */
    static final Duration CLOSED_CART_MEMORY = Duration.ofDays(30);
    static final int MAX_REVIEWS = 64;
    static final int MAX_CATEGORIES = 64;
    static final int MAX_CUSTOM_EVENT_TYPES = 64;
    static final int MAX_LEDGER = 256;

    /** Whether {@link #trim} would drop anything from {@code c} at {@code now}; cheap, allocation-free. */
    static boolean needsTrim(Contact c, Instant now) {
        Instant orderCut = now.minus(StandardRules.RETENTION);
        if (c.recentOrders().size() > MAX_RECENT_ORDERS
                || (!c.recentOrders().isEmpty() && c.recentOrders().get(0).placedAt().isBefore(orderCut))) {
            return true;
        }
        for (Cart cart : c.openCarts()) {
            if (cart.lastActivity().isBefore(orderCut)) {
                return true;
            }
        }
        Instant closedCut = now.minus(CLOSED_CART_MEMORY);
        for (Instant closed : c.closedCarts().values()) {
            if (closed.isBefore(closedCut)) {
                return true;
            }
        }
        return c.ledger().size() > MAX_LEDGER || ConversionLog.needsTrim(c.conversions(), now);
    }

    /** Drops what lies beyond the retention windows and bounds at {@code now}; copies only what it changes. */
    static void trim(ContactDraft d, Instant now) {
        Instant orderCut = now.minus(StandardRules.RETENTION);
        if (d.recentOrders.read().size() > MAX_RECENT_ORDERS || d.recentOrders.read().stream().anyMatch(o -> o.placedAt().isBefore(orderCut))) {
            List<Order> orders = d.recentOrders.write();
            orders.removeIf(o -> o.placedAt().isBefore(orderCut));
            while (orders.size() > MAX_RECENT_ORDERS) {
                orders.remove(0);
            }
        }
        if (d.openCarts.read().size() > MAX_OPEN_CARTS || d.openCarts.read().stream().anyMatch(c -> c.lastActivity().isBefore(orderCut))) {
            List<Cart> carts = d.openCarts.write();
            carts.removeIf(c -> c.lastActivity().isBefore(orderCut));
            carts.sort(Comparator.comparing(Cart::lastActivity).thenComparing(Cart::id));
            while (carts.size() > MAX_OPEN_CARTS) {
                carts.remove(0);
            }
        }
        Instant closedCut = now.minus(CLOSED_CART_MEMORY);
        if (d.closedCarts.read().size() > MAX_CLOSED_CARTS || d.closedCarts.read().values().stream().anyMatch(t -> t.isBefore(closedCut))) {
            d.closedCarts.write().values().removeIf(t -> t.isBefore(closedCut));
            dropOldest(d.closedCarts.write(), MAX_CLOSED_CARTS);
        }
        if (d.unopenedCampaigns.read().size() > StandardRules.MAX_STREAK) {
            dropOldest(d.unopenedCampaigns.write(), StandardRules.MAX_STREAK);
        }
        if (d.reviews.read().size() > MAX_REVIEWS) {
            Map<String, Integer> r = d.reviews.write();
            while (r.size() > MAX_REVIEWS) {
                r.remove(r.keySet().stream().sorted().findFirst().orElseThrow());
            }
        }
        if (d.categories.read().size() > MAX_CATEGORIES) {
            TreeSet<String> cats = new TreeSet<>(d.categories.read());
            while (cats.size() > MAX_CATEGORIES) {
                cats.remove(cats.last());
            }
            d.categories.write().retainAll(cats);
        }
        trimCustomEventTypes(d);
        Ledger.trim(d, MAX_LEDGER, now);
        if (ConversionLog.needsTrim(d.conversions, now)) {
            d.conversions = ConversionLog.trim(d.conversions, now);
        }
    }

    /** Past {@link #MAX_CUSTOM_EVENT_TYPES}, forgets the custom types seen least recently (rules see their counts only). */
    private static void trimCustomEventTypes(ContactDraft d) {
        List<String> custom = new ArrayList<>();
        for (String type : d.eventCounts.read().keySet()) {
            if (!Event.isStandardType(type)) {
                custom.add(type);
            }
        }
        if (custom.size() <= MAX_CUSTOM_EVENT_TYPES) {
            return;
        }
        Map<String, EventCount> counts = d.eventCounts.write();
        custom.sort(Comparator.comparing((String t) -> counts.get(t).last()).thenComparing(t -> t));
        for (int i = 0; i < custom.size() - MAX_CUSTOM_EVENT_TYPES; i++) {
            counts.remove(custom.get(i));
        }
    }

    /** Removes the entries with the oldest instants (ties: the smallest key) until {@code max} remain. */
    private static void dropOldest(Map<String, Instant> map, int max) {
        while (map.size() > max) {
            String oldest = null;
            Instant oldestAt = null;
            for (Map.Entry<String, Instant> e : map.entrySet()) {
                Instant t = e.getValue();
                if (oldestAt == null || t.isBefore(oldestAt) || (t.equals(oldestAt) && e.getKey().compareTo(oldest) < 0)) {
                    oldest = e.getKey();
                    oldestAt = t;
                }
            }
            map.remove(oldest);
        }
    }
}
