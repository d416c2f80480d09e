package dev.waymark.store;

import dev.waymark.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random shop histories for the tests: subscriptions, page views, carts, orders, campaigns. */
final class Histories {
    static final Instant START = Instant.parse("2026-10-01T00:00:00Z");

    private Histories() {
    }

    /** About {@code perContact} events for each of {@code contacts} contacts over {@code days} days from {@link #START}. */
    static List<Event> shop(long seed, int contacts, int perContact, int days) {
        Random r = new Random(seed);
        List<Event> events = new ArrayList<>();
        int n = 0;
        for (int c = 0; c < contacts; c++) {
            String contact = String.format("c-%05d", c);
            Instant at = START.plusSeconds(r.nextInt(days * 86_400));
            int count = 1 + r.nextInt(Math.max(1, perContact * 2));
            int carts = 0;
            int orders = 0;
            for (int i = 0; i < count; i++) {
                String id = "e-" + seed + "-" + (n++);
                at = at.plus(Duration.ofMinutes(1 + r.nextInt(60 * 30)));
                Event e = switch (r.nextInt(8)) {
                    case 0 -> new Event(id, contact, "subscribed", at, Map.of("channel", "email"));
                    case 1 -> new Event(id, contact, "contact.updated", at,
                            Map.of("attributes", Map.of("email", contact + "@example.com", "firstName", "N" + c)));
                    case 2 -> new Event(id, contact, "page.viewed", at, Map.of("url", "/p/" + r.nextInt(50), "category", "kitchen"));
                    case 3, 4 -> new Event(id, contact, "cart.item_added", at, Map.of("cartId", contact + "-k" + carts,
                            "sku", "SKU-" + r.nextInt(20), "price", 5.0 + r.nextInt(100), "category", r.nextBoolean() ? "kitchen" : "garden"));
                    case 5 -> new Event(id, contact, "order.placed", at, Map.of("orderId", contact + "-o" + (orders++),
                            "amount", 10.0 + r.nextInt(400), "cartId", contact + "-k" + (carts++)));
                    case 6 -> new Event(id, contact, "email.sent", at, Map.of("campaignId", "camp-" + r.nextInt(12)));
                    default -> new Event(id, contact, "email.opened", at, Map.of("campaignId", "camp-" + r.nextInt(12)));
                };
                events.add(e);
            }
        }
        return events;
    }
}
