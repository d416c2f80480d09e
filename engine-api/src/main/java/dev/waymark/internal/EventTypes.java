package dev.waymark.internal;

import java.util.Set;

/** The standard event types of SPEC §1. */
public final class EventTypes {
    private EventTypes() {
    }

    private static final Set<String> STANDARD = Set.of("contact.updated", "subscribed", "unsubscribed", "page.viewed",
            "cart.item_added", "cart.item_removed", "checkout.started", "order.placed", "email.sent", "email.opened",
            "email.clicked", "review.submitted", "referral.made", "tag.added", "tag.removed");

    public static boolean isStandard(String type) {
        return STANDARD.contains(type);
    }
}
