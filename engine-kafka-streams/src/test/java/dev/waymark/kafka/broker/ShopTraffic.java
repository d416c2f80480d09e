package dev.waymark.kafka.broker;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.json.WaymarkJson;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded shop's traffic for the broker tests: per contact a few events of the usual mix (a subscription, page
 * views, a cart, for some an order for it, a campaign sent and opened, a profile update), stamped inside one hour
 * that ends {@code 2 hours} before the run, so each event's actions follow from the event itself and no timed
 * rule comes due while a test runs (the earliest, an abandoned cart, is due 4 hours after the cart).
 */
final class ShopTraffic {

    private ShopTraffic() {
    }

    /** Every contact's events in its own order; contacts {@code c-<seed>-<i>}. */
    static Map<String, List<Event>> contacts(long seed, int count, Instant runStart) {
        Random rnd = new Random(seed);
        Instant base = runStart.minus(Duration.ofHours(3));
        Map<String, List<Event>> out = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String c = "c-" + seed + "-" + i;
            List<Event> events = new ArrayList<>();
            Instant t = base.plusSeconds(rnd.nextInt(1800));
            int[] n = {0};
            if (rnd.nextInt(100) < 85) {
                events.add(event(c, n, "subscribed", t, "channel", "email"));
            }
            for (int v = rnd.nextInt(3); v >= 0; v--) {
                t = t.plusSeconds(5 + rnd.nextInt(60));
                events.add(event(c, n, "page.viewed", t, "url", "/p/" + rnd.nextInt(40), "category", "kitchen"));
            }
            if (rnd.nextInt(100) < 60) {
                String cart = "k-" + i;
                t = t.plusSeconds(5 + rnd.nextInt(60));
                events.add(event(c, n, "cart.item_added", t, "cartId", cart, "sku", "SKU-" + rnd.nextInt(9),
                        "price", (double) (5 + rnd.nextInt(90)), "qty", (long) (1 + rnd.nextInt(3))));
                if (rnd.nextInt(100) < 45) {
                    t = t.plusSeconds(5 + rnd.nextInt(60));
                    events.add(event(c, n, "order.placed", t, "orderId", "o-" + i, "amount",
                            (double) (10 + rnd.nextInt(200)), "cartId", cart));
                }
            } else if (rnd.nextInt(100) < 15) {
                t = t.plusSeconds(5 + rnd.nextInt(60));
                events.add(event(c, n, "order.placed", t, "orderId", "o-" + i, "amount", 42.0,
                        "categories", List.of("garden")));
            }
            if (rnd.nextInt(100) < 25) {
                t = t.plusSeconds(5 + rnd.nextInt(60));
                events.add(event(c, n, "email.sent", t, "campaignId", "camp-" + rnd.nextInt(5)));
                if (rnd.nextBoolean()) {
                    t = t.plusSeconds(5 + rnd.nextInt(60));
                    events.add(event(c, n, "email.opened", t, "campaignId", "camp-0"));
                }
            }
            if (rnd.nextInt(100) < 10) {
                t = t.plusSeconds(5 + rnd.nextInt(60));
                events.add(event(c, n, "contact.updated", t, "attributes", Map.of("firstName", "N" + i)));
            }
            out.put(c, events);
        }
        return out;
    }

    /** All events as (contactId, JSON) records, in event-time order across contacts (a contact's own order kept). */
    static List<Map.Entry<String, String>> records(Map<String, List<Event>> contacts) {
        List<Event> all = new ArrayList<>();
        contacts.values().forEach(all::addAll);
        all.sort(Comparator.comparing(Event::at)); // stable, and a contact's events are in time order
        List<Map.Entry<String, String>> out = new ArrayList<>(all.size());
        for (Event e : all) {
            out.add(new SimpleEntry<>(e.contactId(), WaymarkJson.write(e)));
        }
        return out;
    }

    /**
     * What identifies an action independently of when it was evaluated: rule, type and key, without the
     * evaluation instant that a stage change puts in its key ({@code new>subscriber@2026-...}). Its id hashes
     * that key, so a stage change evaluated a second later has another id; this identity is the same.
     */
    static String identity(Action a) {
        return a.rule() + "|" + a.type() + "|" + a.key().replaceFirst("@\\d{4}-\\d\\d-\\d\\dT[^@]*$", "");
    }

    /**
     * The actions ({@link #identity}) the plain engine emits for each contact, in order, receiving its events
     * one at a time and evaluating at {@code now} after each, as the topology does on each record.
     */
    static Map<String, List<String>> expectedActionIds(JourneyEngine engine, Map<String, List<Event>> contacts, Instant now) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        contacts.forEach((c, events) -> {
            ContactState s = ContactState.empty(c);
            List<String> ids = new ArrayList<>();
            for (Event e : events) {
                Evaluation ev = engine.evaluate(s, List.of(e), now);
                if (!ev.failures().isEmpty()) {
                    throw new IllegalStateException("rule failure in the reference run: " + ev.failures());
                }
                s = ev.state();
                ev.actions().forEach(a -> ids.add(identity(a)));
            }
            out.put(c, ids);
        });
        return out;
    }

    private static Event event(String contact, int[] n, String type, Instant at, Object... props) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < props.length; i += 2) {
            p.put((String) props[i], props[i + 1]);
        }
        return new Event("e-" + contact + "-" + n[0]++, contact, type, at, p);
    }
}
