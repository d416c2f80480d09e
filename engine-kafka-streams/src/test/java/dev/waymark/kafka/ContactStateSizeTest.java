package dev.waymark.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.json.WaymarkJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one contact costs in the state store: the serialized {@link ContactState} of typical contacts, with
 * UUID event ids as real shops send them. The figures logged here are the ones quoted in README-scaling.md.
 */
class ContactStateSizeTest {

    private static final Logger LOG = LoggerFactory.getLogger("dev.waymark.kafka.test");
    static final Instant T0 = Instant.parse("2026-09-01T08:00:00Z");

    private final Random rnd = new Random(5);
    private final List<Event> events = new ArrayList<>();

    @Test
    void typicalContacts_serializeToAFewKilobytes() {
        int browser = size(browser());
        int shopper = size(shopper());
        int regular = size(regular());
        LOG.info("serialized ContactState, bytes: browser {}, one-order shopper {}, regular customer {}",
                browser, shopper, regular);
        assertThat(browser).isLessThan(2560); // 2.1 KB, of which ~0.2 KB are its welcome emails kept open to convert
        assertThat(shopper).isLessThan(4096);
        assertThat(regular).isLessThan(8192);
    }

    /** Subscribed, set a name, looked at a few pages over a week. */
    private Instant browser() {
        add("subscribed", T0, "channel", "email");
        add("contact.updated", T0, "attributes", Map.of("email", "ann@example.com", "firstName", "Ann"));
        for (int i = 0; i < 6; i++) {
            add("page.viewed", T0.plus(Duration.ofHours(20L * i)), "url", "/products/" + i, "category", "kitchen");
        }
        return T0.plus(Duration.ofDays(8));
    }

    /** A month: subscription, browsing, a cart, an order, four campaigns and one open. */
    private Instant shopper() {
        browser();
        Instant t = T0.plus(Duration.ofDays(6));
        add("cart.item_added", t, "cartId", "k-1", "sku", "MUG-1", "price", 12.5, "qty", 2L, "category", "kitchen");
        add("cart.item_added", t.plusSeconds(60), "cartId", "k-1", "sku", "PLATE-3", "price", 30.0, "category", "kitchen");
        add("checkout.started", t.plusSeconds(300), "cartId", "k-1");
        add("order.placed", t.plusSeconds(400), "orderId", "o-1", "amount", 55.0, "cartId", "k-1");
        for (int i = 0; i < 4; i++) {
            add("email.sent", T0.plus(Duration.ofDays(7L * i + 2)), "campaignId", "autumn-" + i);
        }
        add("email.opened", T0.plus(Duration.ofDays(9)), "campaignId", "autumn-1");
        return T0.plus(Duration.ofDays(30));
    }

    /** Three months: 40 page views, 5 carts, 4 orders, a review, 12 campaigns, a few opens and clicks. */
    private Instant regular() {
        shopper();
        for (int i = 0; i < 34; i++) {
            add("page.viewed", T0.plus(Duration.ofHours(60L * i + 5)), "url", "/products/" + (i % 9), "category",
                    i % 2 == 0 ? "kitchen" : "garden");
        }
        for (int o = 2; o <= 5; o++) {
            Instant t = T0.plus(Duration.ofDays(17L * o));
            add("cart.item_added", t, "cartId", "k-" + o, "sku", "SKU-" + o, "price", 20.0 * o, "category", "garden");
            if (o < 5) {
                add("order.placed", t.plusSeconds(900), "orderId", "o-" + o, "amount", 20.0 * o, "cartId", "k-" + o);
            }
        }
        add("review.submitted", T0.plus(Duration.ofDays(40)), "orderId", "o-2", "rating", 5L);
        for (int i = 4; i < 12; i++) {
            add("email.sent", T0.plus(Duration.ofDays(7L * i + 2)), "campaignId", "season-" + i);
            if (i % 3 == 0) {
                add(i % 2 == 0 ? "email.opened" : "email.clicked", T0.plus(Duration.ofDays(7L * i + 3)), "campaignId", "season-" + i);
            }
        }
        return T0.plus(Duration.ofDays(90));
    }

    private void add(String type, Instant at, Object... props) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < props.length; i += 2) {
            p.put((String) props[i], props[i + 1]);
        }
        events.add(new Event(new UUID(rnd.nextLong(), rnd.nextLong()).toString(), "3f1c2b9e-contact-0042", type, at, p));
    }

    /** Evaluates the events gathered so far once a day, as the punctuator would, and measures the final state. */
    private int size(Instant end) {
        List<Event> all = new ArrayList<>(events);
        events.clear();
        ContactState state = ContactState.empty("3f1c2b9e-contact-0042");
        for (Instant t = T0; !t.isAfter(end); t = t.plus(Duration.ofDays(1))) {
            Instant now = t;
            List<Event> due = all.stream().filter(e -> !e.at().isAfter(now)).toList();
            all.removeAll(due);
            Evaluation e = Engines.standard().evaluate(state, due, now);
            assertThat(e.failures()).isEmpty();
            state = e.state();
        }
        return WaymarkJson.write(state).getBytes(StandardCharsets.UTF_8).length;
    }
}
