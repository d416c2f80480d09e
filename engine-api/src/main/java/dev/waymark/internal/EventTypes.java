package dev.waymark.internal;

import java.util.Set;

/** The standard event types of SPEC §1. */
public final class EventTypes {
    private EventTypes() {
    }

    private static final Set<String> STANDARD = Set.of("contact.updated", "subscribed", "unsubscribed", "page.viewed",
            "cart.item_added", "cart.item_removed", "checkout.started", "order.placed", "email.sent", "email.opened",
            "email.clicked", "review.submitted", "referral.made", "tag.added", "tag.removed");

    private static final java.util.Map<String, String> CANONICAL = build();

    private static java.util.Map<String, String> build() {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        STANDARD.forEach(t -> m.put(t, t));
        return java.util.Map.copyOf(m);
    }

    public static boolean isStandard(String type) {
        return STANDARD.contains(type);
    }

    /**
     * The one shared instance of a standard type name, or {@code type} itself for a custom type. Every
     * contact keys its event counts by type; sharing the strings saves ~50 bytes per type per contact.
     */
    public static String canonical(String type) {
        return CANONICAL.getOrDefault(type, type);
    }
}
