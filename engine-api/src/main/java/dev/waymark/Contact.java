package dev.waymark;

import dev.waymark.internal.Conversions;
import dev.waymark.internal.EventCount;
import dev.waymark.internal.Frozen;
import dev.waymark.internal.JourneyRuns;
import dev.waymark.internal.JsonValues;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One contact's facts, folded from its events (docs/events-and-actions.md): what rules see. An immutable value; every
 * collection is an unmodifiable copy, maps and sets in sorted order so the state serialises the same way
 * every time. Instances are safe to share between threads.
 *
 * <p>Besides the facts of docs/events-and-actions.md it carries the little bookkeeping that lets events be folded in any
 * arrival order by event time (when each attribute, tag and consent was last written, recently closed
 * carts, sends since the last engagement). Its size is bounded: the pipeline's {@code StateBounds} (engine-core) holds every limit.
 *
 * @param id                 the contact id
 * @param attributes         merged from {@code contact.updated}; last write by event time wins
 * @param attributeTimes     event time of each attribute's last write (a removal is a write of null)
 * @param tags               current tags, from tag events and the engine's own tag actions
 * @param tagTimes           time of each tag's last change
 * @param stage              the stored stage, {@code null} before the first {@code stage.set}
 * @param consents           consent per channel; a channel without an entry is {@link Consent#UNKNOWN}
 * @param firstSeen          time of the earliest applied event, {@code null} if none
 * @param lastSeen           time of the latest applied event, {@code null} if none
 * @param orderCount         orders ever placed
 * @param totalSpent         sum of order amounts
 * @param firstOrderAt       earliest order time, {@code null} without orders
 * @param lastOrderAt        latest order time (by event time), {@code null} without orders
 * @param categories         categories ever purchased
 * @param recentOrders       orders of the retention window, oldest first
 * @param openCarts          open carts by id
 * @param closedCarts        recently closed carts: id → closing time; the empty id holds the latest order
 *                           without a {@code cartId}, which closed every cart open at its time
 * @param campaignsSent      {@code email.sent} events ever applied
 * @param unopenedCampaigns  campaigns sent after the latest engagement: campaignId → latest send time
 * @param lastEngagementAt   latest {@code email.opened}/{@code email.clicked}, {@code null} if none
 * @param eventCounts        per event type: how many and the latest time
 * @param reviews            the latest review (by event time) of each reviewed order: orderId → rating
 * @param reviewTimes        event time of each order's latest review (absent in older states: none known)
 * @param positiveReview     whether some order's latest review has a rating of 4 or more
 * @param ledger             actions already emitted (rule, type, key, time), oldest first
 * @param conversions        what the conversion report needs: messages still open to convert and tallies per rule and arm
 * @param journeys           where the contact stands in each journey it entered (bounded; absent in older states: none)
 * @param lateBefore         events before this instant are late even within the 7-day id memory, because a size
 *                           limit made the state forget what an older event would need (remembered ids, closed
 *                           carts); {@code null} when only the 7-day memory applies (and in older states)
 * @param closedCartOrders   for each remembered closed cart whose order took its categories from the cart's
 *                           lines, that order's id: an item of the cart older than the order that arrives after
 *                           it still adds its category to the order (absent in older states: none)
 * @param cartMarks          within the id memory, cart events that an older event arriving later must still
 *                           meet: {@code cartId + "\n" + sku} → time of the latest removal of that sku, and
 *                           {@code cartId + "\n"} → latest activity on the cart while it was not open (absent in
 *                           older states: none)
 */
public record Contact(
        String id,
        Map<String, Object> attributes,
        Map<String, Instant> attributeTimes,
        Set<String> tags,
        Map<String, Instant> tagTimes,
        Stage stage,
        Map<Channel, ChannelConsent> consents,
        Instant firstSeen,
        Instant lastSeen,
        int orderCount,
        double totalSpent,
        Instant firstOrderAt,
        Instant lastOrderAt,
        Set<String> categories,
        List<Order> recentOrders,
        List<Cart> openCarts,
        Map<String, Instant> closedCarts,
        int campaignsSent,
        Map<String, Instant> unopenedCampaigns,
        Instant lastEngagementAt,
        Map<String, EventCount> eventCounts,
        Map<String, Integer> reviews,
        Map<String, Instant> reviewTimes,
        boolean positiveReview,
        List<LedgerEntry> ledger,
        Conversions conversions,
        JourneyRuns journeys,
        Instant lateBefore,
        Map<String, String> closedCartOrders,
        Map<String, Instant> cartMarks) {

    public Contact {
        Objects.requireNonNull(id, "id");
        // Frozen.map/set return collections that are already frozen as they are, so a contact rebuilt from
        // another shares what did not change; anything else (a host's map, JSON) is copied once.
        attributes = Frozen.map(Frozen.isFrozen(attributes) ? attributes
                : JsonValues.copyMap(Objects.requireNonNull(attributes, "attributes"), "attributes"));
        attributeTimes = Frozen.map(attributeTimes);
        tags = Frozen.set(tags);
        tagTimes = Frozen.map(tagTimes);
        consents = Map.copyOf(consents);
        if (orderCount < 0) {
            throw new IllegalArgumentException("orderCount must be >= 0, was " + orderCount);
        }
        categories = Frozen.set(categories);
        recentOrders = List.copyOf(recentOrders);
        openCarts = List.copyOf(openCarts);
        closedCarts = Frozen.map(closedCarts);
        unopenedCampaigns = Frozen.map(unopenedCampaigns);
        eventCounts = Frozen.map(eventCounts);
        reviews = Frozen.map(reviews);
        // A state written before review times were kept has none: any later review of an order replaces its rating.
        reviewTimes = reviewTimes == null ? Frozen.map(Map.of()) : Frozen.map(reviewTimes);
        ledger = List.copyOf(ledger);
        // A state written before conversions were tracked has none.
        conversions = conversions == null ? Conversions.NONE : conversions;
        // A state written before journeys existed has none.
        journeys = journeys == null ? JourneyRuns.NONE : journeys;
        closedCartOrders = closedCartOrders == null ? Frozen.map(Map.of()) : Frozen.map(closedCartOrders);
        cartMarks = cartMarks == null ? Frozen.map(Map.of()) : Frozen.map(cartMarks);
    }

    /** A contact never seen: no events, no stage, nothing in the ledger. */
    public static Contact empty(String id) {
        return new Contact(id, Map.of(), Map.of(), Set.of(), Map.of(), null, Map.of(), null, null, 0, 0.0,
                null, null, Set.of(), List.of(), List.of(), Map.of(), 0, Map.of(), null, Map.of(), Map.of(), Map.of(),
                false, List.of(), Conversions.NONE, JourneyRuns.NONE, null, Map.of(), Map.of());
    }

    // ---- conveniences for rules (plain methods, not record components) ----

    /** The consent for {@code channel}; {@link Consent#UNKNOWN} when no event said either. */
    public Consent consent(Channel channel) {
        ChannelConsent c = consents.get(channel);
        return c == null ? Consent.UNKNOWN : c.consent();
    }

    /** Whether consent for {@code channel} is granted. */
    public boolean consented(Channel channel) {
        return consent(channel) == Consent.GRANTED;
    }

    /** Time of the latest {@code subscribed} event for {@code channel}, {@code null} if none. */
    public Instant subscribedAt(Channel channel) {
        ChannelConsent c = consents.get(channel);
        return c == null ? null : c.subscribedAt();
    }

    /** Distinct campaigns sent after the latest engagement (docs/events-and-actions.md). */
    public int unopenedStreak() {
        return unopenedCampaigns.size();
    }

    /** How many events of {@code type} were applied. */
    public long count(String type) {
        EventCount c = eventCounts.get(type);
        return c == null ? 0 : c.count();
    }

    /** Time of the latest event of {@code type}, {@code null} if none. */
    public Instant lastAt(String type) {
        EventCount c = eventCounts.get(type);
        return c == null ? null : c.last();
    }

    /** An attribute as text, or {@code null}. */
    public String attribute(String name) {
        Object v = attributes.get(name);
        return v == null ? null : v.toString();
    }

    /**
     * The contact's time zone from {@code attributes.timezone}, or {@code fallback} when it has none or an
     * invalid one (docs/events-and-actions.md: an invalid zone is kept, and what needs a zone falls back to its default).
     */
    public java.time.ZoneId zone(java.time.ZoneId fallback) {
        String tz = attribute("timezone");
        if (tz == null) {
            return fallback;
        }
        try {
            return java.time.ZoneId.of(tz);
        } catch (java.time.DateTimeException e) {
            return fallback;
        }
    }

    /** Whether the contact holds {@code tag}. */
    public boolean hasTag(String tag) {
        return tags.contains(tag);
    }

    /** Whether any event was ever applied to the contact. */
    public boolean seen() {
        return firstSeen != null;
    }

    /** The open cart with this id, or {@code null}. */
    public Cart cart(String cartId) {
        for (Cart c : openCarts) {
            if (c.id().equals(cartId)) {
                return c;
            }
        }
        return null;
    }

    /** Whether the ledger already holds this firing. */
    public boolean inLedger(String rule, String type, String key) {
        for (LedgerEntry e : ledger) {
            if (e.key().equals(key) && e.rule().equals(rule) && e.type().equals(type)) {
                return true;
            }
        }
        return false;
    }

    /** Consent for one channel: the latest decision by event time, and the latest subscription. */
    public record ChannelConsent(Consent consent, Instant changedAt, Instant subscribedAt) {
        public ChannelConsent {
            Objects.requireNonNull(consent, "consent");
            Objects.requireNonNull(changedAt, "changedAt");
        }
    }

    /** One sku in a cart. */
    public record CartLine(String sku, long qty, double price, String category) {
        public CartLine {
            Objects.requireNonNull(sku, "sku");
            if (qty < 1) {
                throw new IllegalArgumentException("qty must be >= 1, was " + qty);
            }
        }
    }

    /**
     * An open cart.
     *
     * @param itemCount sum of the lines' qty
     * @param value     sum of price × qty
     */
    public record Cart(String id, List<CartLine> lines, Instant lastActivity, long itemCount, double value) {
        public Cart {
            Objects.requireNonNull(id, "id");
            lines = List.copyOf(lines);
            Objects.requireNonNull(lastActivity, "lastActivity");
        }

        /** A cart with its item count and value computed from its lines. */
        public static Cart of(String id, List<CartLine> lines, Instant lastActivity) {
            long items = 0;
            // Summed in decimal so a cart of 12.1 + 0.2 is worth 12.3, not 12.299999999999999.
            java.math.BigDecimal value = java.math.BigDecimal.ZERO;
            for (CartLine l : lines) {
                items = items > Long.MAX_VALUE - l.qty() ? Long.MAX_VALUE : items + l.qty(); // saturates, never wraps
                value = value.add(java.math.BigDecimal.valueOf(l.price()).multiply(java.math.BigDecimal.valueOf(l.qty())));
            }
            return new Cart(id, lines, lastActivity, items, value.doubleValue());
        }
    }

    /** An order of the retention window. */
    public record Order(String id, Instant placedAt, double amount, List<String> categories, boolean reviewed) {
        public Order {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(placedAt, "placedAt");
            categories = List.copyOf(categories);
        }
    }

    /** An action already emitted: the contact never gets the same (rule, type, key) again. */
    public record LedgerEntry(String rule, String type, String key, Instant at) {
        public LedgerEntry {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(at, "at");
        }
    }

    /** A contact's consent for one channel: granted, revoked, or unknown when no event said either. */
    public enum Consent {
        GRANTED, REVOKED, UNKNOWN
    }
}
