package dev.waymark.internal;

import dev.waymark.Action;
import dev.waymark.Channel;
import dev.waymark.Consent;
import dev.waymark.Contact;
import dev.waymark.Contact.Cart;
import dev.waymark.Contact.CartLine;
import dev.waymark.Contact.ChannelConsent;
import dev.waymark.Contact.EventCount;
import dev.waymark.Contact.LedgerEntry;
import dev.waymark.Contact.Order;
import dev.waymark.Event;
import dev.waymark.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A mutable working copy of a {@link Contact}: events and the engine's own actions are applied to it, it
 * is trimmed to its bounds, then frozen into a new {@code Contact}. Not thread-safe; lives inside one
 * evaluation.
 *
 * <p>Facts that depend on order use event time, so an event that arrives late still lands where it
 * belongs: the last order is the latest {@code at}, consent and attributes are last-write-wins by
 * {@code at}, an item added to a cart before the order that closed it does not reopen the cart, and a
 * send before the latest engagement does not count toward the unopened streak.
 */
public final class ContactDraft {

    /** Bounds that keep a contact's state small however long its history (SPEC §2). */
    static final int MAX_RECENT_ORDERS = 50;
    static final int MAX_OPEN_CARTS = 32;
    static final int MAX_CLOSED_CARTS = 32;
    static final Duration CLOSED_CART_MEMORY = Duration.ofDays(30);
    static final int MAX_REVIEWS = 64;
    static final int MAX_CATEGORIES = 64;
    static final int MAX_CUSTOM_EVENT_TYPES = 64;
    static final int MAX_LEDGER = 256;

    private final String id;
    private final Map<String, Object> attributes;
    private final Map<String, Instant> attributeTimes;
    private final Set<String> tags;
    private final Map<String, Instant> tagTimes;
    private Stage stage;
    private final EnumMap<Channel, ChannelConsent> consents;
    private Instant firstSeen;
    private Instant lastSeen;
    private int orderCount;
    private double totalSpent;
    private Instant firstOrderAt;
    private Instant lastOrderAt;
    private final Set<String> categories;
    private final List<Order> recentOrders;
    private final Map<String, Cart> openCarts;
    private final Map<String, Instant> closedCarts;
    private int campaignsSent;
    private final Map<String, Instant> unopenedCampaigns;
    private Instant lastEngagementAt;
    private final Map<String, EventCount> eventCounts;
    private final Map<String, Integer> reviews;
    private boolean positiveReview;
    private final List<LedgerEntry> ledger;

    public ContactDraft(Contact c) {
        id = c.id();
        attributes = new LinkedHashMap<>(c.attributes());
        attributeTimes = new HashMap<>(c.attributeTimes());
        tags = new TreeSet<>(c.tags());
        tagTimes = new HashMap<>(c.tagTimes());
        stage = c.stage();
        consents = new EnumMap<>(Channel.class);
        consents.putAll(c.consents());
        firstSeen = c.firstSeen();
        lastSeen = c.lastSeen();
        orderCount = c.orderCount();
        totalSpent = c.totalSpent();
        firstOrderAt = c.firstOrderAt();
        lastOrderAt = c.lastOrderAt();
        categories = new TreeSet<>(c.categories());
        recentOrders = new ArrayList<>(c.recentOrders());
        openCarts = new LinkedHashMap<>();
        for (Cart cart : c.openCarts()) {
            openCarts.put(cart.id(), cart);
        }
        closedCarts = new HashMap<>(c.closedCarts());
        campaignsSent = c.campaignsSent();
        unopenedCampaigns = new HashMap<>(c.unopenedCampaigns());
        lastEngagementAt = c.lastEngagementAt();
        eventCounts = new HashMap<>(c.eventCounts());
        reviews = new HashMap<>(c.reviews());
        positiveReview = c.positiveReview();
        ledger = new ArrayList<>(c.ledger());
    }

    /** Folds one event (SPEC §1's "effect on the contact"). */
    public void apply(Event e) {
        Instant at = e.at();
        firstSeen = min(firstSeen, at);
        lastSeen = max(lastSeen, at);
        EventCount count = eventCounts.get(e.type());
        eventCounts.put(e.type(), count == null ? new EventCount(1, at) : new EventCount(count.count() + 1, max(count.last(), at)));
        switch (e.type()) {
            case "contact.updated" -> updateAttributes(e);
            case "subscribed" -> consent(e, Consent.GRANTED);
            case "unsubscribed" -> consent(e, Consent.REVOKED);
            case "cart.item_added" -> addItem(e);
            case "cart.item_removed" -> removeItem(e);
            case "checkout.started" -> touchCart(e.text("cartId"), at);
            case "order.placed" -> placeOrder(e);
            case "email.sent" -> emailSent(e);
            case "email.opened", "email.clicked" -> engaged(at);
            case "review.submitted" -> review(e);
            case "tag.added" -> tag(e.text("tag"), true, at);
            case "tag.removed" -> tag(e.text("tag"), false, at);
            default -> {
                // page.viewed, referral.made and custom events only count (above)
            }
        }
    }

    /**
     * Applies one of the engine's own actions (SPEC §3: as if the host had echoed it back) and records it
     * in the ledger.
     */
    public void applyAction(Action a) {
        switch (a.type()) {
            case "tag.add" -> tag(String.valueOf(a.params().get("tag")), true, a.at());
            case "tag.remove" -> tag(String.valueOf(a.params().get("tag")), false, a.at());
            case "stage.set" -> stage = Stage.byId(String.valueOf(a.params().get("to")));
            default -> {
                // other actions are carried out by the host
            }
        }
        ledger.add(new LedgerEntry(a.rule(), a.type(), a.key(), a.at()));
    }

    @SuppressWarnings("unchecked")
    private void updateAttributes(Event e) {
        Object attrs = e.props().get("attributes");
        if (!(attrs instanceof Map<?, ?> m)) {
            return;
        }
        for (Map.Entry<String, Object> entry : ((Map<String, Object>) m).entrySet()) {
            Instant prev = attributeTimes.get(entry.getKey());
            if (prev != null && prev.isAfter(e.at())) {
                continue; // a later write already won
            }
            attributeTimes.put(entry.getKey(), e.at());
            if (entry.getValue() == null) {
                attributes.remove(entry.getKey());
            } else {
                attributes.put(entry.getKey(), entry.getValue());
            }
        }
    }

    private void consent(Event e, Consent value) {
        Channel channel = Channel.byId(e.text("channel"));
        ChannelConsent prev = consents.get(channel);
        Instant subscribedAt = prev == null ? null : prev.subscribedAt();
        if (value == Consent.GRANTED) {
            subscribedAt = max(subscribedAt, e.at());
        }
        if (prev == null || !prev.changedAt().isAfter(e.at())) {
            consents.put(channel, new ChannelConsent(value, e.at(), subscribedAt));
        } else {
            consents.put(channel, new ChannelConsent(prev.consent(), prev.changedAt(), subscribedAt));
        }
    }

    private void addItem(Event e) {
        String cartId = e.text("cartId");
        Cart cart = openCarts.get(cartId);
        if (cart == null) {
            Instant closedAt = closedCarts.get(cartId);
            if (closedAt != null && !closedAt.isBefore(e.at())) {
                return; // belongs to the cart an order already closed
            }
            closedCarts.remove(cartId);
            cart = Cart.of(cartId, List.of(), e.at());
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
        openCarts.put(cartId, Cart.of(cartId, lines, max(cart.lastActivity(), e.at())));
    }

    private void removeItem(Event e) {
        Cart cart = openCarts.get(e.text("cartId"));
        if (cart == null) {
            return;
        }
        String sku = e.text("sku");
        List<CartLine> lines = new ArrayList<>(cart.lines());
        lines.removeIf(l -> l.sku().equals(sku));
        openCarts.put(cart.id(), Cart.of(cart.id(), lines, max(cart.lastActivity(), e.at())));
    }

    private void touchCart(String cartId, Instant at) {
        Cart cart = openCarts.get(cartId);
        if (cart != null) {
            openCarts.put(cartId, Cart.of(cartId, cart.lines(), max(cart.lastActivity(), at)));
        }
    }

    @SuppressWarnings("unchecked")
    private void placeOrder(Event e) {
        String cartId = e.text("cartId");
        Object given = e.props().get("categories");
        Set<String> orderCategories = new TreeSet<>();
        if (given instanceof List<?> l) {
            orderCategories.addAll((List<String>) l);
        }
        if (cartId != null) {
            Cart cart = openCarts.remove(cartId);
            if (cart != null && given == null) {
                for (CartLine line : cart.lines()) {
                    if (line.category() != null) {
                        orderCategories.add(line.category());
                    }
                }
            }
            closedCarts.put(cartId, max(closedCarts.get(cartId), e.at()));
        } else {
            for (String open : openCarts.keySet()) {
                closedCarts.put(open, max(closedCarts.get(open), e.at()));
            }
            openCarts.clear();
        }
        String orderId = e.text("orderId");
        double amount = e.number("amount", 0);
        orderCount++;
        totalSpent += amount;
        firstOrderAt = min(firstOrderAt, e.at());
        lastOrderAt = max(lastOrderAt, e.at());
        categories.addAll(orderCategories);
        recentOrders.add(new Order(orderId, e.at(), amount, List.copyOf(orderCategories), reviews.containsKey(orderId)));
        recentOrders.sort(java.util.Comparator.comparing(Order::placedAt));
    }

    private void emailSent(Event e) {
        campaignsSent++;
        if (lastEngagementAt != null && !e.at().isAfter(lastEngagementAt)) {
            return; // sent before the latest engagement: not part of the streak
        }
        unopenedCampaigns.merge(e.text("campaignId"), e.at(), ContactDraft::max);
    }

    private void engaged(Instant at) {
        lastEngagementAt = max(lastEngagementAt, at);
        Instant cut = lastEngagementAt;
        unopenedCampaigns.values().removeIf(sent -> !sent.isAfter(cut));
    }

    private void review(Event e) {
        String orderId = e.text("orderId");
        int rating = ((Long) e.props().get("rating")).intValue();
        reviews.put(orderId, rating);
        if (rating >= 4) {
            positiveReview = true;
        }
        for (int i = 0; i < recentOrders.size(); i++) {
            Order o = recentOrders.get(i);
            if (o.id().equals(orderId) && !o.reviewed()) {
                recentOrders.set(i, new Order(o.id(), o.placedAt(), o.amount(), o.categories(), true));
            }
        }
    }

    private void tag(String tag, boolean add, Instant at) {
        Instant prev = tagTimes.get(tag);
        if (prev != null && prev.isAfter(at)) {
            return; // a later change already won
        }
        tagTimes.put(tag, at);
        if (add) {
            tags.add(tag);
        } else {
            tags.remove(tag);
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
        Instant closedCut = now.minus(CLOSED_CART_MEMORY);
        for (Instant closed : c.closedCarts().values()) {
            if (closed.isBefore(closedCut)) {
                return true;
            }
        }
        return c.ledger().size() > MAX_LEDGER;
    }

    /** Drops what lies beyond the retention windows and caps at {@code now}. */
    public void trim(Instant now) {
        Instant orderCut = now.minus(StandardRules.RETENTION);
        recentOrders.removeIf(o -> o.placedAt().isBefore(orderCut));
        while (recentOrders.size() > MAX_RECENT_ORDERS) {
            recentOrders.remove(0);
        }
        openCarts.values().removeIf(c -> c.lastActivity().isBefore(orderCut));
        dropOldest(openCarts, MAX_OPEN_CARTS, Cart::lastActivity);
        Instant closedCut = now.minus(CLOSED_CART_MEMORY);
        closedCarts.values().removeIf(t -> t.isBefore(closedCut));
        dropOldest(closedCarts, MAX_CLOSED_CARTS, t -> t);
        dropOldest(unopenedCampaigns, StandardRules.MAX_STREAK, t -> t);
        while (reviews.size() > MAX_REVIEWS) {
            reviews.remove(reviews.keySet().stream().sorted().findFirst().orElseThrow());
        }
        while (categories.size() > MAX_CATEGORIES) {
            categories.remove(((TreeSet<String>) categories).last());
        }
        trimCustomEventTypes();
        trimLedger();
    }

    /**
     * Over {@link #MAX_LEDGER} entries, forgets the oldest ones — but never the newest entry of each (rule,
     * type). That one holds the key that can still recur ({@code once}, the current last order, the current
     * engagement); older keys of the same rule and type are superseded and cannot come back.
     */
    private void trimLedger() {
        if (ledger.size() <= MAX_LEDGER) {
            return;
        }
        ledger.sort(java.util.Comparator.comparing(LedgerEntry::at));
        Map<String, LedgerEntry> newest = new HashMap<>();
        for (LedgerEntry e : ledger) {
            newest.put(e.rule() + '\n' + e.type(), e);
        }
        java.util.Collection<LedgerEntry> keep = newest.values();
        java.util.Iterator<LedgerEntry> it = ledger.iterator();
        int excess = ledger.size() - MAX_LEDGER;
        while (excess > 0 && it.hasNext()) {
            LedgerEntry e = it.next();
            if (!keep.contains(e)) {
                it.remove();
                excess--;
            }
        }
    }

    private void trimCustomEventTypes() {
        List<String> custom = new ArrayList<>();
        for (String type : eventCounts.keySet()) {
            if (!EventTypes.isStandard(type)) {
                custom.add(type);
            }
        }
        if (custom.size() <= MAX_CUSTOM_EVENT_TYPES) {
            return;
        }
        custom.sort(java.util.Comparator.comparing((String t) -> eventCounts.get(t).last()).thenComparing(t -> t));
        for (int i = 0; i < custom.size() - MAX_CUSTOM_EVENT_TYPES; i++) {
            eventCounts.remove(custom.get(i));
        }
    }

    private static <V> void dropOldest(Map<String, V> map, int max, java.util.function.Function<V, Instant> time) {
        while (map.size() > max) {
            String oldest = null;
            Instant oldestAt = null;
            for (Map.Entry<String, V> e : map.entrySet()) {
                Instant t = time.apply(e.getValue());
                if (oldestAt == null || t.isBefore(oldestAt) || (t.equals(oldestAt) && e.getKey().compareTo(oldest) < 0)) {
                    oldest = e.getKey();
                    oldestAt = t;
                }
            }
            map.remove(oldest);
        }
    }

    /** The facts as an immutable {@link Contact}. */
    public Contact freeze() {
        List<Cart> carts = new ArrayList<>(openCarts.values());
        carts.sort(java.util.Comparator.comparing(Cart::id));
        return new Contact(id, attributes, attributeTimes, tags, tagTimes, stage, consents, firstSeen, lastSeen,
                orderCount, totalSpent, firstOrderAt, lastOrderAt, categories, recentOrders, carts, closedCarts,
                campaignsSent, unopenedCampaigns, lastEngagementAt, eventCounts, reviews, positiveReview, ledger);
    }

    static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null ? a : (a.isBefore(b) ? a : b);
    }

    static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : (a.isAfter(b) ? a : b);
    }
}
