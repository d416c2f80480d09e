package dev.waymark.core;

import dev.waymark.Channel;
import dev.waymark.Contact;
import dev.waymark.Contact.Cart;
import dev.waymark.Contact.CartLine;
import dev.waymark.Contact.ChannelConsent;
import dev.waymark.Contact.LedgerEntry;
import dev.waymark.Contact.Order;
import dev.waymark.Stage;
import dev.waymark.internal.Conversions;
import dev.waymark.internal.EventCount;
import dev.waymark.internal.JourneyRuns;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * A mutable working copy of a {@link Contact}: {@link EventFolding} applies events to it, {@link OwnActions}
 * the engine's own actions, {@link StateBounds} trims it, then {@link #freeze} makes a new {@code Contact}.
 * This class holds only the copy-on-write mechanics; what each event does is in {@code EventFolding}. Not
 * thread-safe; lives inside one evaluation.
 *
 * <p>Each collection is copied on its first write only: folding a page view copies the event counts and
 * shares every other collection with the contact it came from, which is most of why folding is cheap. After
 * that first copy every structure is mutable and indexed — carts by id, each cart's lines by sku, orders
 * appended and sorted once — so folding a batch of n events costs O(n log n), and {@link #freeze} builds
 * the immutable values once per batch, not once per event.
 */
final class ContactDraft {

    /** A collection read from the original until the first write, which copies it once. */
    static final class CopyOnWrite<T> {
        private final T original;
        private final UnaryOperator<T> copier;
        private T copy;

        CopyOnWrite(T original, UnaryOperator<T> copier) {
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

        boolean written() {
            return copy != null;
        }
    }

    private static <V> CopyOnWrite<Map<String, V>> map(Map<String, V> m) {
        return new CopyOnWrite<>(m, HashMap::new);
    }

    private static <V> CopyOnWrite<List<V>> list(List<V> l) {
        return new CopyOnWrite<>(l, ArrayList::new);
    }

    final String id;
    final CopyOnWrite<Map<String, Object>> attributes;
    final CopyOnWrite<Map<String, Instant>> attributeTimes;
    final CopyOnWrite<Set<String>> tags;
    final CopyOnWrite<Map<String, Instant>> tagTimes;
    Stage stage;
    final CopyOnWrite<Map<Channel, ChannelConsent>> consents;
    Instant firstSeen;
    Instant lastSeen;
    int orderCount;
    double totalSpent;
    Instant firstOrderAt;
    Instant lastOrderAt;
    final CopyOnWrite<Set<String>> categories;
    final CopyOnWrite<List<Order>> recentOrders;
    /** Whether orders were appended since the list was last sorted by time. */
    private boolean ordersUnsorted;
    /** The open carts as the contact had them, until the first cart event indexes them in {@link #carts}. */
    private final List<Cart> originalCarts;
    /** The open carts by id, once a cart event needed them; {@code null} before. */
    private java.util.HashMap<String, WorkingCart> carts;
    final CopyOnWrite<Map<String, Instant>> closedCarts;
    final CopyOnWrite<Map<String, String>> closedCartOrders;
    final CopyOnWrite<Map<String, Instant>> cartMarks;
    int campaignsSent;
    final CopyOnWrite<Map<String, Instant>> unopenedCampaigns;
    Instant lastEngagementAt;
    final CopyOnWrite<Map<String, EventCount>> eventCounts;
    final CopyOnWrite<Map<String, Integer>> reviews;
    final CopyOnWrite<Map<String, Instant>> reviewTimes;
    boolean positiveReview;
    final CopyOnWrite<List<LedgerEntry>> ledger;
    Conversions conversions;
    JourneyRuns journeys;
    Instant lateBefore;

    ContactDraft(Contact c) {
        id = c.id();
        attributes = map(c.attributes());
        attributeTimes = map(c.attributeTimes());
        tags = new CopyOnWrite<>(c.tags(), TreeSet::new);
        tagTimes = map(c.tagTimes());
        stage = c.stage();
        consents = new CopyOnWrite<>(c.consents(), m -> {
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
        categories = new CopyOnWrite<>(c.categories(), TreeSet::new);
        recentOrders = list(c.recentOrders());
        originalCarts = c.openCarts();
        closedCarts = map(c.closedCarts());
        closedCartOrders = map(c.closedCartOrders());
        cartMarks = map(c.cartMarks());
        campaignsSent = c.campaignsSent();
        unopenedCampaigns = map(c.unopenedCampaigns());
        lastEngagementAt = c.lastEngagementAt();
        eventCounts = map(c.eventCounts());
        reviews = map(c.reviews());
        reviewTimes = map(c.reviewTimes());
        positiveReview = c.positiveReview();
        ledger = list(c.ledger());
        conversions = c.conversions();
        journeys = c.journeys();
        lateBefore = c.lateBefore();
    }

    /**
     * An open cart being folded: its lines are copied from the frozen cart, indexed by sku, on the first change
     * only, so an event on a cart of n lines costs O(1), not O(n).
     */
    static final class WorkingCart {
        final String id;
        /** The cart as the contact had it; {@code null} for a cart opened in this batch. */
        private final Cart frozen;
        /** By sku, so the frozen lines come in sku order whatever order the items arrived in. */
        private java.util.TreeMap<String, CartLine> lines;
        Instant lastActivity;

        WorkingCart(Cart frozen) {
            this.id = frozen.id();
            this.frozen = frozen;
            this.lastActivity = frozen.lastActivity();
        }

        WorkingCart(String id, Instant openedAt) {
            this.id = id;
            this.frozen = null;
            this.lines = new java.util.TreeMap<>();
            this.lastActivity = openedAt;
        }

        int lineCount() {
            return lines != null ? lines.size() : frozen.lines().size();
        }

        /** The lines by sku, in sku order; mutable. */
        Map<String, CartLine> lines() {
            if (lines == null) {
                lines = new java.util.TreeMap<>();
                for (CartLine l : frozen.lines()) {
                    lines.put(l.sku(), l);
                }
            }
            return lines;
        }

        /** The lines as they stand, without copying. */
        java.util.Collection<CartLine> currentLines() {
            return lines != null ? lines.values() : frozen.lines();
        }

        Cart freeze() {
            if (frozen != null && lines == null && lastActivity.equals(frozen.lastActivity())) {
                return frozen;
            }
            return Cart.of(id, new ArrayList<>(currentLines()), lastActivity);
        }
    }

    /** The open carts by id, indexed on first use. */
    Map<String, WorkingCart> carts() {
        if (carts == null) {
            carts = new java.util.HashMap<>(Math.max(16, originalCarts.size() * 2));
            for (Cart c : originalCarts) {
                carts.put(c.id(), new WorkingCart(c));
            }
        }
        return carts;
    }

    int openCartCount() {
        return carts == null ? originalCarts.size() : carts.size();
    }

    /**
     * The open cart {@code id} as an event at {@code at} sees it, or {@code null}: a cart idle for
     * {@link StateBounds#CART_IDLE} before {@code at} is forgotten first (docs/events-and-actions.md).
     */
    WorkingCart openCart(String id, Instant at) {
        Map<String, WorkingCart> all = carts();
        WorkingCart c = all.get(id);
        if (c != null && !c.lastActivity.plus(StateBounds.CART_IDLE).isAfter(at)) {
            all.remove(id);
            return null;
        }
        return c;
    }

    /** Forgets the open carts whose last activity is before {@code cut}. */
    void forgetIdleCarts(Instant cut) {
        if (carts == null) {
            boolean any = false;
            for (Cart c : originalCarts) {
                any |= c.lastActivity().isBefore(cut);
            }
            if (!any) {
                return;
            }
        }
        carts().values().removeIf(c -> c.lastActivity.isBefore(cut));
    }

    /** Closes the open carts with no activity after {@code at}. */
    void closeCartsIdleSince(Instant at) {
        if (carts == null) {
            boolean any = false;
            for (Cart c : originalCarts) {
                any |= !c.lastActivity().isAfter(at);
            }
            if (!any) {
                return;
            }
        }
        carts().values().removeIf(c -> !c.lastActivity.isAfter(at));
    }

    /** The orders sorted by time (stable: ties keep their arrival order), once after appends. */
    void sortOrders() {
        if (ordersUnsorted) {
            recentOrders.write().sort(Comparator.comparing(Order::placedAt));
            ordersUnsorted = false;
        }
    }

    /** Adds an order; the list is sorted once, before trimming or freezing. */
    void addOrder(Order o) {
        List<Order> orders = recentOrders.write();
        ordersUnsorted |= !orders.isEmpty() && orders.get(orders.size() - 1).placedAt().isAfter(o.placedAt());
        orders.add(o);
    }

    /**
     * The facts as an immutable {@link Contact}. Collections the draft never wrote are shared with the
     * contact it started from, not copied.
     */
    Contact freeze() {
        List<Cart> open = originalCarts;
        if (carts != null) {
            List<Cart> frozen = new ArrayList<>(carts.size());
            for (WorkingCart c : carts.values()) {
                frozen.add(c.freeze());
            }
            frozen.sort(Comparator.comparing(Cart::id));
            open = frozen.equals(originalCarts) ? originalCarts : frozen;
        }
        sortOrders();
        if (reviews.written() || recentOrders.written()) {
            // An order is reviewed once any review of it was applied, whichever came first.
            Map<String, Integer> r = reviews.read();
            List<Order> orders = recentOrders.read();
            for (int i = 0; i < orders.size(); i++) {
                Order o = orders.get(i);
                if (!o.reviewed() && r.containsKey(o.id())) {
                    recentOrders.write().set(i, new Order(o.id(), o.placedAt(), o.amount(), o.categories(), true));
                }
            }
        }
        if (reviews.written()) {
            // An advocate has an order whose latest review is 4 or more (a later review replaces an earlier one).
            boolean positive = false;
            for (int rating : reviews.read().values()) {
                positive |= rating >= 4;
            }
            positiveReview = positive;
        }
        return new Contact(id, attributes.read(), attributeTimes.read(), tags.read(), tagTimes.read(), stage, consents.read(),
                firstSeen, lastSeen, orderCount, totalSpent, firstOrderAt, lastOrderAt, categories.read(), recentOrders.read(),
                open, closedCarts.read(), campaignsSent, unopenedCampaigns.read(), lastEngagementAt, eventCounts.read(),
                reviews.read(), reviewTimes.read(), positiveReview, ledger.read(), conversions, journeys, lateBefore,
                closedCartOrders.read(), cartMarks.read());
    }

    static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null ? a : (a.isBefore(b) ? a : b);
    }

    static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : (a.isAfter(b) ? a : b);
    }
}
