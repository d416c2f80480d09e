package dev.waymark.core;

import dev.waymark.Channel;
import dev.waymark.Contact;
import dev.waymark.Contact.Cart;
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
 * shares every other collection with the contact it came from, which is most of why folding is cheap.
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
    final CopyOnWrite<List<Cart>> openCarts;
    final CopyOnWrite<Map<String, Instant>> closedCarts;
    int campaignsSent;
    final CopyOnWrite<Map<String, Instant>> unopenedCampaigns;
    Instant lastEngagementAt;
    final CopyOnWrite<Map<String, EventCount>> eventCounts;
    final CopyOnWrite<Map<String, Integer>> reviews;
    boolean positiveReview;
    final CopyOnWrite<List<LedgerEntry>> ledger;
    Conversions conversions;
    JourneyRuns journeys;

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
        openCarts = list(c.openCarts());
        closedCarts = map(c.closedCarts());
        campaignsSent = c.campaignsSent();
        unopenedCampaigns = map(c.unopenedCampaigns());
        lastEngagementAt = c.lastEngagementAt();
        eventCounts = map(c.eventCounts());
        reviews = map(c.reviews());
        positiveReview = c.positiveReview();
        ledger = list(c.ledger());
        conversions = c.conversions();
        journeys = c.journeys();
    }

    /**
     * The facts as an immutable {@link Contact}. Collections the draft never wrote are shared with the
     * contact it started from, not copied.
     */
    Contact freeze() {
        List<Cart> carts = openCarts.read();
        if (openCarts.written()) {
            carts = new ArrayList<>(carts);
            carts.sort(Comparator.comparing(Cart::id));
        }
        return new Contact(id, attributes.read(), attributeTimes.read(), tags.read(), tagTimes.read(), stage, consents.read(),
                firstSeen, lastSeen, orderCount, totalSpent, firstOrderAt, lastOrderAt, categories.read(), recentOrders.read(),
                carts, closedCarts.read(), campaignsSent, unopenedCampaigns.read(), lastEngagementAt, eventCounts.read(),
                reviews.read(), positiveReview, ledger.read(), conversions, journeys);
    }

    static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null ? a : (a.isBefore(b) ? a : b);
    }

    static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : (a.isAfter(b) ? a : b);
    }
}
