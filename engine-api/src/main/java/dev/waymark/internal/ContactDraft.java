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

    /**
     * A collection copied on its first write only: folding a page view copies the event counts and shares
     * every other collection with the contact it came from.
     */
    private static final class Cow<T> {
        private final T original;
        private final java.util.function.UnaryOperator<T> copier;
        private T copy;

        Cow(T original, java.util.function.UnaryOperator<T> copier) {
            this.original = original;
            this.copier = copier;
        }

        T read() {
            return copy != null ? copy : original;
        }

        T write() {
            if (copy == null) {
                copy = copier.apply(original);
            }
            return copy;
        }
    }

    private static <V> Cow<Map<String, V>> cowMap(Map<String, V> m) {
        return new Cow<>(m, HashMap::new);
    }

    private static <V> Cow<List<V>> cowList(List<V> l) {
        return new Cow<>(l, ArrayList::new);
    }

    private final String id;
    private final Cow<Map<String, Object>> attributes;
    private final Cow<Map<String, Instant>> attributeTimes;
    private final Cow<Set<String>> tags;
    private final Cow<Map<String, Instant>> tagTimes;
    private Stage stage;
    private final Cow<Map<Channel, ChannelConsent>> consents;
    private Instant firstSeen;
    private Instant lastSeen;
    private int orderCount;
    private double totalSpent;
    private Instant firstOrderAt;
    private Instant lastOrderAt;
    private final Cow<Set<String>> categories;
    private final Cow<List<Order>> recentOrders;
    private final Cow<List<Cart>> openCarts;
    private final Cow<Map<String, Instant>> closedCarts;
    private int campaignsSent;
    private final Cow<Map<String, Instant>> unopenedCampaigns;
    private Instant lastEngagementAt;
    private final Cow<Map<String, EventCount>> eventCounts;
    private final Cow<Map<String, Integer>> reviews;
    private boolean positiveReview;
    private final Cow<List<LedgerEntry>> ledger;
    private Contact.Conversions conversions;

    public ContactDraft(Contact c) {
        id = c.id();
        attributes = cowMap(c.attributes());
        attributeTimes = cowMap(c.attributeTimes());
        tags = new Cow<>(c.tags(), TreeSet::new);
        tagTimes = cowMap(c.tagTimes());
        stage = c.stage();
        consents = new Cow<>(c.consents(), m -> {
            EnumMap<Channel, ChannelConsent> copy = new EnumMap<>(Channel.class);
            copy.putAll(m);
            return copy;
        });
        firstSeen = c.firstSeen();
        lastSeen = c.lastSeen();
        orderCount = c.orderCount();
        totalSpent = c.totalSpent();
        firstOrderAt = c.firstOrderAt();
        lastOrderAt = c.lastOrderAt();
        categories = new Cow<>(c.categories(), TreeSet::new);
        recentOrders = cowList(c.recentOrders());
        openCarts = cowList(c.openCarts());
        closedCarts = cowMap(c.closedCarts());
        campaignsSent = c.campaignsSent();
        unopenedCampaigns = cowMap(c.unopenedCampaigns());
        lastEngagementAt = c.lastEngagementAt();
        eventCounts = cowMap(c.eventCounts());
        reviews = cowMap(c.reviews());
        positiveReview = c.positiveReview();
        ledger = cowList(c.ledger());
        conversions = c.conversions();
    }

    /** Folds one event (SPEC §1's "effect on the contact"). */
    public void apply(Event e) {
        Instant at = e.at();
        firstSeen = min(firstSeen, at);
        lastSeen = max(lastSeen, at);
        EventCount count = eventCounts.read().get(e.type());
        eventCounts.write().put(e.type(), count == null ? new EventCount(1, at) : new EventCount(count.count() + 1, max(count.last(), at)));
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
        if (!conversions.open().isEmpty()) {
            conversions = ConversionLog.converted(conversions, e);
        }
    }

    /** Records a message or holdout record that converts if a {@code goal} event comes in (at, at + window]. */
    public void expose(String rule, String arm, Instant at, String goal, java.time.Duration window) {
        conversions = ConversionLog.exposed(conversions, rule, arm, at, goal, window);
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
        ledger.write().add(new LedgerEntry(a.rule(), a.type(), a.key(), a.at()));
    }

    @SuppressWarnings("unchecked")
    private void updateAttributes(Event e) {
        Object attrs = e.props().get("attributes");
        if (!(attrs instanceof Map<?, ?> m)) {
            return;
        }
        for (Map.Entry<String, Object> entry : ((Map<String, Object>) m).entrySet()) {
            Instant prev = attributeTimes.read().get(entry.getKey());
            if (prev != null && prev.isAfter(e.at())) {
                continue; // a later write already won
            }
            attributeTimes.write().put(entry.getKey(), e.at());
            if (entry.getValue() == null) {
                attributes.write().remove(entry.getKey());
            } else {
                attributes.write().put(entry.getKey(), entry.getValue());
            }
        }
    }

    private void consent(Event e, Consent value) {
        Channel channel = Channel.byId(e.text("channel"));
        ChannelConsent prev = consents.read().get(channel);
        Instant subscribedAt = prev == null ? null : prev.subscribedAt();
        if (value == Consent.GRANTED) {
            subscribedAt = max(subscribedAt, e.at());
        }
        if (prev == null || !prev.changedAt().isAfter(e.at())) {
            consents.write().put(channel, new ChannelConsent(value, e.at(), subscribedAt));
        } else {
            consents.write().put(channel, new ChannelConsent(prev.consent(), prev.changedAt(), subscribedAt));
        }
    }

    /** Consent for {@code channel} granted, its subscription time kept: what explaining asks "what if". */
    void grantConsent(Channel channel, Instant at) {
        ChannelConsent prev = consents.read().get(channel);
        consents.write().put(channel, new ChannelConsent(Consent.GRANTED, at, prev == null ? null : prev.subscribedAt()));
    }

    private int cartIndex(String cartId) {
        List<Cart> carts = openCarts.read();
        for (int i = 0; i < carts.size(); i++) {
            if (carts.get(i).id().equals(cartId)) {
                return i;
            }
        }
        return -1;
    }

    private void putCart(Cart cart) {
        int i = cartIndex(cart.id());
        if (i >= 0) {
            openCarts.write().set(i, cart);
        } else {
            openCarts.write().add(cart);
        }
    }

    private void addItem(Event e) {
        String cartId = e.text("cartId");
        int i = cartIndex(cartId);
        Cart cart;
        if (i < 0) {
            Instant closedAt = closedCarts.read().get(cartId);
            if (closedAt != null && !closedAt.isBefore(e.at())) {
                return; // belongs to the cart an order already closed
            }
            if (closedAt != null) {
                closedCarts.write().remove(cartId);
            }
            cart = Cart.of(cartId, List.of(), e.at());
        } else {
            cart = openCarts.read().get(i);
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
        putCart(Cart.of(cartId, lines, max(cart.lastActivity(), e.at())));
    }

    private void removeItem(Event e) {
        int i = cartIndex(e.text("cartId"));
        if (i < 0) {
            return;
        }
        Cart cart = openCarts.read().get(i);
        String sku = e.text("sku");
        List<CartLine> lines = new ArrayList<>(cart.lines());
        lines.removeIf(l -> l.sku().equals(sku));
        putCart(Cart.of(cart.id(), lines, max(cart.lastActivity(), e.at())));
    }

    private void touchCart(String cartId, Instant at) {
        int i = cartIndex(cartId);
        if (i >= 0) {
            Cart cart = openCarts.read().get(i);
            putCart(Cart.of(cartId, cart.lines(), max(cart.lastActivity(), at)));
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
            int i = cartIndex(cartId);
            if (i >= 0) {
                Cart cart = openCarts.write().remove(i);
                if (given == null) {
                    for (CartLine line : cart.lines()) {
                        if (line.category() != null) {
                            orderCategories.add(line.category());
                        }
                    }
                }
            }
            closedCarts.write().put(cartId, max(closedCarts.read().get(cartId), e.at()));
        } else if (!openCarts.read().isEmpty()) {
            for (Cart open : openCarts.read()) {
                closedCarts.write().put(open.id(), max(closedCarts.read().get(open.id()), e.at()));
            }
            openCarts.write().clear();
        }
        String orderId = e.text("orderId");
        double amount = e.number("amount", 0);
        orderCount++;
        totalSpent += amount;
        firstOrderAt = min(firstOrderAt, e.at());
        lastOrderAt = max(lastOrderAt, e.at());
        if (!categories.read().containsAll(orderCategories)) {
            categories.write().addAll(orderCategories);
        }
        List<Order> orders = recentOrders.write();
        orders.add(new Order(orderId, e.at(), amount, List.copyOf(orderCategories), reviews.read().containsKey(orderId)));
        orders.sort(java.util.Comparator.comparing(Order::placedAt));
    }

    private void emailSent(Event e) {
        campaignsSent++;
        if (lastEngagementAt != null && !e.at().isAfter(lastEngagementAt)) {
            return; // sent before the latest engagement: not part of the streak
        }
        unopenedCampaigns.write().merge(e.text("campaignId"), e.at(), ContactDraft::max);
    }

    private void engaged(Instant at) {
        lastEngagementAt = max(lastEngagementAt, at);
        Instant cut = lastEngagementAt;
        if (unopenedCampaigns.read().values().stream().anyMatch(sent -> !sent.isAfter(cut))) {
            unopenedCampaigns.write().values().removeIf(sent -> !sent.isAfter(cut));
        }
    }

    private void review(Event e) {
        String orderId = e.text("orderId");
        int rating = ((Long) e.props().get("rating")).intValue();
        reviews.write().put(orderId, rating);
        if (rating >= 4) {
            positiveReview = true;
        }
        List<Order> orders = recentOrders.read();
        for (int i = 0; i < orders.size(); i++) {
            Order o = orders.get(i);
            if (o.id().equals(orderId) && !o.reviewed()) {
                recentOrders.write().set(i, new Order(o.id(), o.placedAt(), o.amount(), o.categories(), true));
            }
        }
    }

    private void tag(String tag, boolean add, Instant at) {
        Instant prev = tagTimes.read().get(tag);
        if (prev != null && prev.isAfter(at)) {
            return; // a later change already won
        }
        tagTimes.write().put(tag, at);
        if (add) {
            tags.write().add(tag);
        } else if (tags.read().contains(tag)) {
            tags.write().remove(tag);
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
        return c.ledger().size() > MAX_LEDGER || ConversionLog.needsTrim(c.conversions(), now);
    }

    /** Drops what lies beyond the retention windows and caps at {@code now}; copies only what it changes. */
    public void trim(Instant now) {
        Instant orderCut = now.minus(StandardRules.RETENTION);
        if (recentOrders.read().size() > MAX_RECENT_ORDERS || recentOrders.read().stream().anyMatch(o -> o.placedAt().isBefore(orderCut))) {
            List<Order> orders = recentOrders.write();
            orders.removeIf(o -> o.placedAt().isBefore(orderCut));
            while (orders.size() > MAX_RECENT_ORDERS) {
                orders.remove(0);
            }
        }
        if (openCarts.read().size() > MAX_OPEN_CARTS || openCarts.read().stream().anyMatch(c -> c.lastActivity().isBefore(orderCut))) {
            List<Cart> carts = openCarts.write();
            carts.removeIf(c -> c.lastActivity().isBefore(orderCut));
            carts.sort(java.util.Comparator.comparing(Cart::lastActivity).thenComparing(Cart::id));
            while (carts.size() > MAX_OPEN_CARTS) {
                carts.remove(0);
            }
        }
        Instant closedCut = now.minus(CLOSED_CART_MEMORY);
        if (closedCarts.read().size() > MAX_CLOSED_CARTS || closedCarts.read().values().stream().anyMatch(t -> t.isBefore(closedCut))) {
            closedCarts.write().values().removeIf(t -> t.isBefore(closedCut));
            dropOldest(closedCarts.write(), MAX_CLOSED_CARTS, t -> t);
        }
        if (unopenedCampaigns.read().size() > StandardRules.MAX_STREAK) {
            dropOldest(unopenedCampaigns.write(), StandardRules.MAX_STREAK, t -> t);
        }
        if (reviews.read().size() > MAX_REVIEWS) {
            Map<String, Integer> r = reviews.write();
            while (r.size() > MAX_REVIEWS) {
                r.remove(r.keySet().stream().sorted().findFirst().orElseThrow());
            }
        }
        if (categories.read().size() > MAX_CATEGORIES) {
            TreeSet<String> cats = new TreeSet<>(categories.read());
            while (cats.size() > MAX_CATEGORIES) {
                cats.remove(cats.last());
            }
            categories.write().retainAll(cats);
        }
        trimCustomEventTypes();
        trimLedger();
        if (ConversionLog.needsTrim(conversions, now)) {
            conversions = ConversionLog.trim(conversions, now);
        }
    }

    /**
     * Over {@link #MAX_LEDGER} entries, forgets the oldest ones — but never the newest entry of each (rule,
     * type). That one holds the key that can still recur ({@code once}, the current last order, the current
     * engagement); older keys of the same rule and type are superseded and cannot come back.
     */
    private void trimLedger() {
        if (ledger.read().size() <= MAX_LEDGER) {
            return;
        }
        List<LedgerEntry> entries = ledger.write();
        entries.sort(java.util.Comparator.comparing(LedgerEntry::at));
        Map<String, LedgerEntry> newest = new HashMap<>();
        for (LedgerEntry e : entries) {
            newest.put(e.rule() + '\n' + e.type(), e);
        }
        java.util.Collection<LedgerEntry> keep = newest.values();
        java.util.Iterator<LedgerEntry> it = entries.iterator();
        int excess = entries.size() - MAX_LEDGER;
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
        for (String type : eventCounts.read().keySet()) {
            if (!EventTypes.isStandard(type)) {
                custom.add(type);
            }
        }
        if (custom.size() <= MAX_CUSTOM_EVENT_TYPES) {
            return;
        }
        Map<String, EventCount> counts = eventCounts.write();
        custom.sort(java.util.Comparator.comparing((String t) -> counts.get(t).last()).thenComparing(t -> t));
        for (int i = 0; i < custom.size() - MAX_CUSTOM_EVENT_TYPES; i++) {
            counts.remove(custom.get(i));
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

    /**
     * The facts as an immutable {@link Contact}. Collections the draft never wrote are shared with the
     * contact it started from, not copied.
     */
    public Contact freeze() {
        List<Cart> carts = openCarts.read();
        if (carts != openCarts.original) {
            carts = new ArrayList<>(carts);
            carts.sort(java.util.Comparator.comparing(Cart::id));
        }
        return new Contact(id, attributes.read(), attributeTimes.read(), tags.read(), tagTimes.read(), stage, consents.read(),
                firstSeen, lastSeen, orderCount, totalSpent, firstOrderAt, lastOrderAt, categories.read(), recentOrders.read(),
                carts, closedCarts.read(), campaignsSent, unopenedCampaigns.read(), lastEngagementAt, eventCounts.read(),
                reviews.read(), positiveReview, ledger.read(), conversions);
    }

    static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null ? a : (a.isBefore(b) ? a : b);
    }

    static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : (a.isAfter(b) ? a : b);
    }
}
