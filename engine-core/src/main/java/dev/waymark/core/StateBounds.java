package dev.waymark.core;

import dev.waymark.Contact;
import dev.waymark.Contact.Cart;
import dev.waymark.Contact.Order;
import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.internal.EventCount;
import dev.waymark.internal.StandardRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Every size limit of a contact's state, in one place, and what happens past each (docs/events-and-actions.md: the state stays
 * bounded however long or hostile the history, and one contact's events never stop a run). Stateless.
 *
 * <p>Past a limit the engine does one of two things, never applying an event in part:
 * <ul>
 *   <li><b>forgets the oldest</b> entries, where that changes no action;</li>
 *   <li><b>rejects the event</b> that would cross it: the event is not applied at all (not even counted),
 *       it is reported as an {@link dev.waymark.Evaluation.RejectedEvent} naming the limit, and every other
 *       event goes on.</li>
 * </ul>
 *
 * <table>
 *   <caption>The limits</caption>
 *   <tr><th>what</th><th>limit</th><th>past it</th></tr>
 *   <tr><td>attributes (keys held, with keys removed within the id memory)</td><td>{@value #MAX_ATTRIBUTES}</td>
 *       <td>a {@code contact.updated} adding a key is rejected</td></tr>
 *   <tr><td>one attribute's name / value</td><td>{@value dev.waymark.Event#MAX_NAME_LENGTH} characters /
 *       about {@value dev.waymark.Event#MAX_ATTRIBUTE_VALUE_LENGTH} characters of JSON</td>
 *       <td>the line is rejected when read, naming it (see {@link Event})</td></tr>
 *   <tr><td>tags (held, with tags removed within the id memory)</td><td>{@value #MAX_TAGS}</td>
 *       <td>a {@code tag.added}/{@code tag.removed} naming a new tag is rejected; the engine's own tag actions
 *       always apply (their number is bounded by the rules)</td></tr>
 *   <tr><td>lines of one open cart</td><td>{@value #MAX_CART_LINES}</td>
 *       <td>a {@code cart.item_added} of a new sku is rejected</td></tr>
 *   <tr><td>open carts</td><td>{@value #MAX_OPEN_CARTS}</td>
 *       <td>a {@code cart.item_added} opening one more cart is rejected</td></tr>
 *   <tr><td>an open cart's idle time</td><td>180 days ({@link StandardRules#RETENTION})</td>
 *       <td>forgotten: a later {@code cart.item_added} naming it starts a new cart, other events naming it do
 *       nothing; no rule can fire on it any more</td></tr>
 *   <tr><td>closed carts remembered (so a cart event older than its closing order does not reopen it)</td>
 *       <td>{@value #MAX_CLOSED_CARTS}, and only within the id memory</td>
 *       <td>the oldest closings are forgotten, and events up to the latest forgotten one become late</td></tr>
 *   <tr><td>cart removals and activity on carts not open, remembered so an older cart event arriving later
 *       meets them</td><td>{@value #MAX_CART_MARKS}, and only within the id memory</td>
 *       <td>the oldest are forgotten, and events up to the latest forgotten one become late</td></tr>
 *   <tr><td>reviewed orders (the latest review of each)</td><td>{@value #MAX_REVIEWS}</td>
 *       <td>a review of one more order is rejected; a review below 4 is forgotten once older than both the id
 *       memory and the 180-day retention (it cannot make an advocate, and a later review of its order replaces it)</td></tr>
 *   <tr><td>recent orders</td><td>{@value #MAX_RECENT_ORDERS}, and only the last 180 days</td>
 *       <td>the oldest are forgotten (order count, total spent, first and last order stay exact)</td></tr>
 *   <tr><td>purchased categories</td><td>{@value #MAX_CATEGORIES}</td>
 *       <td>the last in alphabetical order are forgotten (a contact with that many no longer has "exactly one")</td></tr>
 *   <tr><td>custom event types counted</td><td>{@value #MAX_CUSTOM_EVENT_TYPES}</td>
 *       <td>the types seen least recently are forgotten</td></tr>
 *   <tr><td>unopened campaigns</td><td>{@value dev.waymark.internal.StandardRules#MAX_STREAK}</td>
 *       <td>the sent longest ago are forgotten (the streak parameter cannot exceed it)</td></tr>
 *   <tr><td>remembered event ids of applied events</td><td>{@value #MAX_REMEMBERED_IDS} (at least 7
 *       days' worth otherwise)</td><td>the oldest are forgotten, and every event up to the newest forgotten one
 *       becomes late ({@link ContactState#lateBefore})</td></tr>
 *   <tr><td>pending (future) events</td><td>{@value #MAX_PENDING}</td>
 *       <td>those received after the first {@value #MAX_PENDING} still waiting are rejected</td></tr>
 *   <tr><td>ledger</td><td>{@value #MAX_LEDGER}</td><td>past it the ledger forgets what cannot recur; each rule holds at most
  *       {@link Ledger#MAX_KEYS_PER_RULE} keys (see {@link Ledger})</td></tr>
 * </table>
 *
 * <p>Removal marks (an attribute set to null, a tag removed) and the times that resolve writes by event time
 * are kept only while an event older than them can still arrive, that is within the id memory
 * ({@link ContactState#lateBefore}): anything older can only be outdone by a newer event.
 */
final class StateBounds {
    private StateBounds() {
    }

    static final int MAX_ATTRIBUTES = Event.MAX_ATTRIBUTES;
    static final int MAX_TAGS = 256;
    static final int MAX_CART_LINES = 500;
    static final int MAX_OPEN_CARTS = 100;
    static final int MAX_CLOSED_CARTS = 1_000;
    static final int MAX_CART_MARKS = 1_000;
    static final int MAX_REVIEWS = 1_000;
    static final int MAX_RECENT_ORDERS = 50;
    static final int MAX_CATEGORIES = 64;
    static final int MAX_CUSTOM_EVENT_TYPES = 64;
    static final int MAX_REMEMBERED_IDS = 2_000;
    static final int MAX_PENDING = 1_000;
    static final int MAX_LEDGER = 256;
    /** An open cart idle this long is forgotten. */
    static final Duration CART_IDLE = StandardRules.RETENTION;

    /**
     * Why {@code e} cannot be applied to {@code d} without crossing a limit, or {@code null} when it can.
     * Allocation-free for events that grow nothing.
     */
    static String overLimit(ContactDraft d, Event e) {
        switch (e.type()) {
            case Event.CONTACT_UPDATED -> {
                if (!(e.props().get("attributes") instanceof Map<?, ?> m)) {
                    return null;
                }
                int added = 0;
                for (Object key : m.keySet()) {
                    if (!d.attributeTimes.read().containsKey(key) && !d.attributes.read().containsKey(key)) {
                        added++;
                    }
                }
                if (added > 0 && attributeKeys(d) + added > MAX_ATTRIBUTES) {
                    forgetRemovalMarks(d, e.at());
                    if (attributeKeys(d) + added > MAX_ATTRIBUTES) {
                        return "a contact keeps at most " + MAX_ATTRIBUTES + " attributes; this update would make it "
                                + (attributeKeys(d) + added);
                    }
                }
                return null;
            }
            case Event.TAG_ADDED, Event.TAG_REMOVED -> {
                String tag = e.text("tag");
                if (!d.tagTimes.read().containsKey(tag) && !d.tags.read().contains(tag) && tagKeys(d) >= MAX_TAGS) {
                    forgetRemovalMarks(d, e.at());
                    if (tagKeys(d) >= MAX_TAGS) {
                        return "a contact keeps at most " + MAX_TAGS + " tags";
                    }
                }
                return null;
            }
            case Event.CART_ITEM_ADDED -> {
                ContactDraft.WorkingCart cart = d.openCart(e.text("cartId"), e.at());
                if (cart == null) {
                    if (!EventFolding.closedBefore(d, e) && d.openCartCount() >= MAX_OPEN_CARTS) {
                        return "a contact keeps at most " + MAX_OPEN_CARTS + " open carts";
                    }
                } else if (!EventFolding.closedBefore(d, e) && cart.lineCount() >= MAX_CART_LINES
                        && !cart.lines().containsKey(e.text("sku"))) {
                    return "a cart keeps at most " + MAX_CART_LINES + " lines";
                }
                return null;
            }
            case Event.REVIEW_SUBMITTED -> {
                if (d.reviews.read().size() >= MAX_REVIEWS && !d.reviews.read().containsKey(e.text("orderId"))) {
                    return "a contact keeps the reviews of at most " + MAX_REVIEWS + " orders";
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    private static int attributeKeys(ContactDraft d) {
        return Math.max(d.attributeTimes.read().size(), d.attributes.read().size());
    }

    private static int tagKeys(ContactDraft d) {
        return Math.max(d.tagTimes.read().size(), d.tags.read().size());
    }

    /**
     * The instant before which no event can be applied any more (late events, docs/events-and-actions.md): what only resolves
     * order against older events may be forgotten before it. {@code null} when nothing was applied.
     */
    static Instant horizon(ContactDraft d) {
        Instant memory = d.lastSeen == null ? null : d.lastSeen.minus(ContactState.ID_MEMORY);
        return ContactDraft.max(memory, d.lateBefore);
    }

    /**
     * Drops the marks of attributes and tags removed before the {@link #horizon} — or before the id memory of
     * {@code applying}, the time of an event about to be applied (events come in time order): no older event
     * can come.
     */
    private static void forgetRemovalMarks(ContactDraft d, Instant applying) {
        Instant h = ContactDraft.max(horizon(d), applying == null ? null : applying.minus(ContactState.ID_MEMORY));
        if (h == null) {
            return;
        }
        if (d.attributeTimes.read().size() > d.attributes.read().size()) {
            Map<String, Object> attrs = d.attributes.read();
            d.attributeTimes.write().entrySet().removeIf(x -> x.getValue().isBefore(h) && !attrs.containsKey(x.getKey()));
        }
        if (d.tagTimes.read().size() > d.tags.read().size()) {
            java.util.Set<String> tags = d.tags.read();
            d.tagTimes.write().entrySet().removeIf(x -> x.getValue().isBefore(h) && !tags.contains(x.getKey()));
        }
    }

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
        return c.ledger().size() > MAX_LEDGER || ConversionLog.needsTrim(c.conversions(), now);
    }

    /** Drops what lies beyond the retention windows and bounds at {@code now}; copies only what it changes. */
    static void trim(ContactDraft d, Instant now) {
        Instant orderCut = now.minus(StandardRules.RETENTION);
        d.sortOrders();
        if (d.recentOrders.read().size() > MAX_RECENT_ORDERS
                || (!d.recentOrders.read().isEmpty() && d.recentOrders.read().get(0).placedAt().isBefore(orderCut))) {
            List<Order> orders = d.recentOrders.write();
            orders.removeIf(o -> o.placedAt().isBefore(orderCut));
            if (orders.size() > MAX_RECENT_ORDERS) {
                orders.subList(0, orders.size() - MAX_RECENT_ORDERS).clear();
            }
        }
        d.forgetIdleCarts(now.minus(CART_IDLE));
        Instant every = d.closedCarts.read().get(EventFolding.EVERY_CART);
        if (every != null && d.openCartCount() > 0) {
            // A cart opened by events older than the latest order without a cartId, arriving after it: that
            // order closed it.
            d.closeCartsIdleSince(every);
        }
        forgetRemovalMarks(d, null);
        Instant h = horizon(d);
        if (h != null && !d.closedCarts.read().isEmpty()) {
            // A closing older than the horizon can no longer meet an older cart event: any event to come is newer.
            if (d.closedCarts.read().values().stream().anyMatch(t -> t.isBefore(h))) {
                d.closedCarts.write().values().removeIf(t -> t.isBefore(h));
            }
        }
        if (!d.cartMarks.read().isEmpty() && d.cartMarks.read().entrySet().stream().anyMatch(m -> markSpent(d, m, h))) {
            d.cartMarks.write().entrySet().removeIf(m -> markSpent(d, m, h));
        }
        if (d.cartMarks.read().size() > MAX_CART_MARKS) {
            Instant forgotten = dropOldest(d.cartMarks.write(), MAX_CART_MARKS);
            d.lateBefore = ContactDraft.max(d.lateBefore, forgotten.plusNanos(1));
        }
        if (d.closedCarts.read().size() > MAX_CLOSED_CARTS) {
            Instant forgotten = dropOldest(d.closedCarts.write(), MAX_CLOSED_CARTS);
            // Events up to the newest forgotten closing become late, so none of them can reopen its cart.
            d.lateBefore = ContactDraft.max(d.lateBefore, forgotten.plusNanos(1));
        }
        if (d.closedCartOrders.read().size() > d.closedCarts.read().size()
                || (d.closedCartOrders.written() || d.closedCarts.written()) && !d.closedCartOrders.read().isEmpty()) {
            Map<String, Instant> closed = d.closedCarts.read();
            if (!closed.keySet().containsAll(d.closedCartOrders.read().keySet())) {
                d.closedCartOrders.write().keySet().retainAll(closed.keySet());
            }
        }
        if (d.unopenedCampaigns.read().size() > StandardRules.MAX_STREAK) {
            dropOldest(d.unopenedCampaigns.write(), StandardRules.MAX_STREAK);
        }
        if (h != null && d.reviewTimes.read().size() > 0) {
            Instant reviewCut = ContactDraft.min(h, orderCut);
            Map<String, Integer> ratings = d.reviews.read();
            if (d.reviewTimes.read().entrySet().stream().anyMatch(x -> x.getValue().isBefore(reviewCut) && ratings.getOrDefault(x.getKey(), 0) < 4)) {
                Map<String, Instant> times = d.reviewTimes.write();
                Map<String, Integer> rs = d.reviews.write();
                times.entrySet().removeIf(x -> {
                    boolean gone = x.getValue().isBefore(reviewCut) && rs.getOrDefault(x.getKey(), 0) < 4;
                    if (gone) {
                        rs.remove(x.getKey());
                    }
                    return gone;
                });
            }
        }
        if (d.categories.read().size() > MAX_CATEGORIES) {
            TreeSet<String> cats = new TreeSet<>(d.categories.read());
            while (cats.size() > MAX_CATEGORIES) {
                cats.pollLast();
            }
            d.categories.write().retainAll(cats);
        }
        trimCustomEventTypes(d);
        Ledger.trim(d, MAX_LEDGER, now);
        if (ConversionLog.needsTrim(d.conversions, now)) {
            d.conversions = ConversionLog.trim(d.conversions, now);
        }
    }

    /**
     * Whether a cart mark can meet no event any more: older than the horizon, or no later than its cart's
     * closing (an older event of a closed cart changes nothing, a newer one is after the mark).
     */
    private static boolean markSpent(ContactDraft d, Map.Entry<String, Instant> mark, Instant horizon) {
        if (horizon != null && mark.getValue().isBefore(horizon)) {
            return true;
        }
        Map<String, Instant> closed = d.closedCarts.read();
        if (closed.isEmpty()) {
            return false;
        }
        String key = mark.getKey();
        String cartId = key.substring(0, key.indexOf('\n'));
        Instant closedAt = closed.get(cartId);
        if (closedAt == null && !d.carts().containsKey(cartId)) {
            // A cart not open, marked before the latest order without a cartId: an older event would open it
            // only for the fold's end to close it again, as that order did.
            closedAt = closed.get(EventFolding.EVERY_CART);
        }
        return closedAt != null && !closedAt.isBefore(mark.getValue());
    }

    /** Past {@link #MAX_CUSTOM_EVENT_TYPES}, forgets the custom types seen least recently (rules see their counts only). */
    private static void trimCustomEventTypes(ContactDraft d) {
        if (d.eventCounts.read().size() <= MAX_CUSTOM_EVENT_TYPES) {
            return; // fewer types than the limit in all: nothing to count
        }
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

    /**
     * Removes the entries with the oldest instants (ties: the smallest key) until {@code max} remain, in one
     * sort; returns the newest instant removed.
     */
    static Instant dropOldest(Map<String, Instant> map, int max) {
        String[] keys = map.keySet().toArray(new String[0]);
        Arrays.sort(keys, Comparator.comparing((String k) -> map.get(k)).thenComparing(k -> k));
        Instant newest = null;
        for (int i = 0; i < keys.length - max; i++) {
            newest = map.remove(keys[i]);
        }
        return newest;
    }
}
