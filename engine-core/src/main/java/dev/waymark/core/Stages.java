package dev.waymark.core;

import dev.waymark.Contact;
import dev.waymark.Event;
import dev.waymark.Stage;
import java.time.Duration;
import java.time.Instant;

/** Computes a contact's journey stage at an instant (docs/standard-rules.md, stage-progression): first match wins. */
public final class Stages {
    private Stages() {
    }

    /**
     * The stage at {@code now}, or {@code null} for a contact never seen. When the contact has orders and is
     * not lapsed yet, {@code dueAt} receives the instant it will lapse.
     */
    public static Stage compute(Contact c, Instant now, Duration lapse, java.util.function.Consumer<Instant> dueAt) {
        if (!c.seen()) {
            return null;
        }
        if (c.orderCount() >= 1) {
            Instant lapsesAt = c.lastOrderAt().plus(lapse);
            if (!now.isBefore(lapsesAt)) {
                return Stage.LAPSED;
            }
            dueAt.accept(lapsesAt);
        }
        if (c.positiveReview() || c.count(Event.REFERRAL_MADE) > 0) {
            return Stage.ADVOCACY;
        }
        if (c.orderCount() >= 2) {
            return Stage.RETENTION;
        }
        if (c.orderCount() == 1) {
            return Stage.PURCHASE;
        }
        if (c.count(Event.CART_ITEM_ADDED) > 0 || c.count(Event.CHECKOUT_STARTED) > 0 || c.count(Event.SUBSCRIBED) > 0
                || c.count(Event.PAGE_VIEWED) >= 3) {
            return Stage.CONSIDERATION;
        }
        return Stage.AWARENESS;
    }
}
