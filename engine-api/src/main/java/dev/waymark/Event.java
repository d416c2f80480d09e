package dev.waymark;

import dev.waymark.internal.JsonValues;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Something a contact did or that happened to it (docs/events-and-actions.md): an immutable, validated value.
 *
 * <p>The compact constructor enforces every rule of docs/events-and-actions.md, including the required props of the
 * standard event types, and throws {@link InvalidEventException} naming the field. Props are copied
 * deep and unmodifiable in a canonical form (integers as {@code Long}, decimals as {@code Double}),
 * unknown props are kept. Instances are immutable and safe to share between threads.
 *
 * @param id        non-empty; an id already applied for the contact is ignored (idempotent ingest)
 * @param contactId non-empty
 * @param type      matches {@code [a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*}
 * @param at        when it happened
 * @param props     type-specific properties, never null (empty when absent)
 */
public record Event(String id, String contactId, String type, Instant at, Map<String, Object> props) {

    // ---- the standard event types (docs/events-and-actions.md): the one list of them (validation below, folding in the pipeline) ----

    public static final String CONTACT_UPDATED = "contact.updated";
    public static final String SUBSCRIBED = "subscribed";
    public static final String UNSUBSCRIBED = "unsubscribed";
    public static final String PAGE_VIEWED = "page.viewed";
    public static final String CART_ITEM_ADDED = "cart.item_added";
    public static final String CART_ITEM_REMOVED = "cart.item_removed";
    public static final String CHECKOUT_STARTED = "checkout.started";
    public static final String ORDER_PLACED = "order.placed";
    public static final String EMAIL_SENT = "email.sent";
    public static final String EMAIL_OPENED = "email.opened";
    public static final String EMAIL_CLICKED = "email.clicked";
    public static final String REVIEW_SUBMITTED = "review.submitted";
    public static final String REFERRAL_MADE = "referral.made";
    public static final String TAG_ADDED = "tag.added";
    public static final String TAG_REMOVED = "tag.removed";

    /** Every standard type; any other type is a custom event. */
    public static final Set<String> STANDARD_TYPES = Set.of(CONTACT_UPDATED, SUBSCRIBED, UNSUBSCRIBED, PAGE_VIEWED,
            CART_ITEM_ADDED, CART_ITEM_REMOVED, CHECKOUT_STARTED, ORDER_PLACED, EMAIL_SENT, EMAIL_OPENED, EMAIL_CLICKED,
            REVIEW_SUBMITTED, REFERRAL_MADE, TAG_ADDED, TAG_REMOVED);

    /**
     * The one shared instance of each standard type name. Every contact keys its event counts by type;
     * sharing the strings saves ~50 bytes per type per contact.
     */
    private static final Map<String, String> CANONICAL_TYPES = canonicalTypes();

    private static Map<String, String> canonicalTypes() {
        Map<String, String> m = new java.util.HashMap<>();
        STANDARD_TYPES.forEach(t -> m.put(t, t));
        return Map.copyOf(m);
    }

    /** Whether {@code type} is one of the standard types of docs/events-and-actions.md. */
    public static boolean isStandardType(String type) {
        return STANDARD_TYPES.contains(type);
    }

    // ---- The ranges a value of an event may take: past them a line is rejected, so no sum can overflow ----

    /** The largest {@code qty} of one {@code cart.item_added}: an integer from 1 to this. */
    public static final long MAX_QTY = 10_000;

    /**
     * The largest {@code price} ({@code cart.item_added}) or {@code amount} ({@code order.placed}): a finite
     * number from 0 to this, in the shop's currency.
     */
    public static final double MAX_AMOUNT = 1e9;

    /** The earliest {@code at} accepted: the first instant of year 1. */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    /** The latest {@code at} accepted: the last instant of year 9999. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /**
     * The longest name an event may give to something the contact's state keeps: a tag, sku, cart, order,
     * campaign, category or attribute name, in characters.
     */
    public static final int MAX_NAME_LENGTH = 256;

    /** Most attributes one {@code contact.updated} may set (a contact keeps at most as many). */
    public static final int MAX_ATTRIBUTES = 256;

    /** The largest attribute value, in characters of its JSON text (strings counted without escapes). */
    public static final int MAX_ATTRIBUTE_VALUE_LENGTH = 4_096;

    /** Most {@code categories} one {@code order.placed} may name. */
    public static final int MAX_ORDER_CATEGORIES = 64;

    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

    public Event {
        requireText("id", id);
        requireText("contactId", contactId);
        if (type == null) {
            throw new InvalidEventException("type", "is required");
        }
        if (!TYPE.matcher(type).matches()) {
            throw new InvalidEventException("type", "'" + type + "' does not match [a-z][a-z0-9_]*(.[a-z][a-z0-9_]*)*");
        }
        if (at == null) {
            throw new InvalidEventException("at", "is required");
        }
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            // Rules add days to event times; outside years 1..9999 that could leave what an Instant can hold.
            throw new InvalidEventException("at", at + " is outside years 0001 to 9999");
        }
        type = CANONICAL_TYPES.getOrDefault(type, type);
        try {
            props = props == null ? Map.of() : JsonValues.copyMap(props, "props");
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("props", e.getMessage());
        }
        validateProps(type, props);
    }

    /** An event with no props. */
    public Event(String id, String contactId, String type, Instant at) {
        this(id, contactId, type, at, Map.of());
    }

    /** A prop as a string, or {@code null} when absent. Validation has already checked the standard props' kinds. */
    public String text(String prop) {
        Object v = props.get(prop);
        return v == null ? null : v.toString();
    }

    /** A numeric prop as a double, or {@code fallback} when absent. */
    public double number(String prop, double fallback) {
        Object v = props.get(prop);
        return v instanceof Number n ? n.doubleValue() : fallback;
    }

    private static void requireText(String field, String value) {
        if (value == null) {
            throw new InvalidEventException(field, "is required");
        }
        if (value.isEmpty()) {
            throw new InvalidEventException(field, "must not be empty");
        }
    }

    // the table of standard types in docs/events-and-actions.md. Custom types are free-form.
    private static void validateProps(String type, Map<String, Object> p) {
        switch (type) {
            case CONTACT_UPDATED -> {
                optionalObject(p, "attributes");
                if (p.get("attributes") instanceof Map<?, ?> attrs) {
                    if (attrs.size() > MAX_ATTRIBUTES) {
                        throw new InvalidEventException("props.attributes", attrs.size() + " attributes, more than " + MAX_ATTRIBUTES);
                    }
                    for (Map.Entry<?, ?> a : attrs.entrySet()) {
                        String key = (String) a.getKey();
                        if (key.length() > MAX_NAME_LENGTH) {
                            throw new InvalidEventException("props.attributes", "a name of " + key.length()
                                    + " characters, longer than " + MAX_NAME_LENGTH);
                        }
                        if (JsonValues.jsonLength(a.getValue(), MAX_ATTRIBUTE_VALUE_LENGTH) > MAX_ATTRIBUTE_VALUE_LENGTH) {
                            throw new InvalidEventException("props.attributes." + key, "value longer than "
                                    + MAX_ATTRIBUTE_VALUE_LENGTH + " characters");
                        }
                    }
                }
            }
            case SUBSCRIBED, UNSUBSCRIBED -> {
                String channel = requiredString(p, "channel");
                if (Channel.byId(channel) == null) {
                    throw new InvalidEventException("props.channel", "'" + channel + "' is not one of email, sms, push");
                }
            }
            case PAGE_VIEWED -> {
                optionalString(p, "url");
                optionalString(p, "category");
            }
            case CART_ITEM_ADDED -> {
                requiredString(p, "cartId");
                requiredString(p, "sku");
                requiredAmount(p, "price");
                Object qty = p.get("qty");
                if (qty != null && !(qty instanceof Long q && q >= 1 && q <= MAX_QTY)) {
                    throw new InvalidEventException("props.qty", "'" + qty + "' is not an integer from 1 to " + MAX_QTY);
                }
                optionalString(p, "category");
            }
            case CART_ITEM_REMOVED -> {
                requiredString(p, "cartId");
                requiredString(p, "sku");
            }
            case CHECKOUT_STARTED -> requiredString(p, "cartId");
            case ORDER_PLACED -> {
                requiredString(p, "orderId");
                requiredAmount(p, "amount");
                optionalString(p, "cartId");
                Object cats = p.get("categories");
                if (cats != null) {
                    if (!(cats instanceof List<?> list) || !list.stream().allMatch(c -> c instanceof String)) {
                        throw new InvalidEventException("props.categories", "must be an array of strings");
                    }
                    if (list.size() > MAX_ORDER_CATEGORIES) {
                        throw new InvalidEventException("props.categories", list.size() + " categories, more than " + MAX_ORDER_CATEGORIES);
                    }
                    for (Object c : list) {
                        if (((String) c).length() > MAX_NAME_LENGTH) {
                            throw new InvalidEventException("props.categories", "a category longer than " + MAX_NAME_LENGTH + " characters");
                        }
                    }
                }
            }
            case EMAIL_SENT, EMAIL_OPENED, EMAIL_CLICKED -> requiredString(p, "campaignId");
            case REVIEW_SUBMITTED -> {
                requiredString(p, "orderId");
                Object rating = p.get("rating");
                if (rating == null) {
                    throw new InvalidEventException("props.rating", "is required");
                }
                if (!(rating instanceof Long r && r >= 1 && r <= 5)) {
                    throw new InvalidEventException("props.rating", "'" + rating + "' is not an integer from 1 to 5");
                }
            }
            case REFERRAL_MADE -> optionalString(p, "referredContactId");
            case TAG_ADDED, TAG_REMOVED -> requiredString(p, "tag");
            default -> {
                // a custom event: any props
            }
        }
    }

    private static String requiredString(Map<String, Object> p, String name) {
        Object v = p.get(name);
        if (v == null) {
            throw new InvalidEventException("props." + name, "is required");
        }
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new InvalidEventException("props." + name, "must be a non-empty string");
        }
        // Every required string of a standard event names something the state keeps.
        maxName(name, s);
        return s;
    }

    private static void optionalString(Map<String, Object> p, String name) {
        Object v = p.get(name);
        if (v != null && !(v instanceof String)) {
            throw new InvalidEventException("props." + name, "must be a string");
        }
        if (v != null && (name.equals("category") || name.equals("cartId"))) {
            maxName(name, (String) v);
        }
    }

    private static void maxName(String name, String s) {
        if (s.length() > MAX_NAME_LENGTH) {
            throw new InvalidEventException("props." + name, s.length() + " characters, longer than " + MAX_NAME_LENGTH);
        }
    }

    private static void optionalObject(Map<String, Object> p, String name) {
        Object v = p.get(name);
        if (v != null && !(v instanceof Map)) {
            throw new InvalidEventException("props." + name, "must be an object");
        }
    }

    /** A required number from 0 to {@link #MAX_AMOUNT}, finite. */
    private static void requiredAmount(Map<String, Object> p, String name) {
        double v = requiredNumber(p, name);
        // A BigInteger or a huge decimal turns into a huge or infinite double here: caught by the range.
        if (!(v >= 0 && v <= MAX_AMOUNT)) {
            throw new InvalidEventException("props." + name, "'" + p.get(name) + "' is not a number from 0 to 1e9");
        }
    }

    private static double requiredNumber(Map<String, Object> p, String name) {
        Object v = p.get(name);
        if (v == null) {
            throw new InvalidEventException("props." + name, "is required");
        }
        if (!(v instanceof Number n)) {
            throw new InvalidEventException("props." + name, "'" + v + "' is not a number");
        }
        return n.doubleValue();
    }

    @Override
    public String toString() {
        return "Event[" + id + " " + contactId + " " + type + " " + at + " " + props + "]";
    }

}
