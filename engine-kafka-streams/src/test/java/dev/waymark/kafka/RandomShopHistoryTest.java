package dev.waymark.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import dev.waymark.json.WaymarkJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded random shop history through the topology gives exactly the actions of the plain engine evaluated at
 * the same instants — the engine without its own skipping, evaluating every contact at every punctuation — so
 * the due-time index evaluates no contact too early and forgets none.
 */
class RandomShopHistoryTest {

    private static final Logger LOG = LoggerFactory.getLogger("dev.waymark.kafka.test");

    static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    static final Duration STEP = Duration.ofHours(1);
    static final int DAYS = 10;
    static final int TAIL_DAYS = 4;
    static final int CONTACTS = 30;

    /** Short delays so that every standard rule gets a chance inside two weeks. */
    static final String SETTINGS = """
            {"rules":{"win-back":{"days":3},"review-request":{"afterDays":1,"windowDays":2},
                      "cross-sell":{"afterDays":2},"loyalty-reward":{"minOrders":2},
                      "unopened-campaigns":{"streak":3},"stage-progression":{"lapseDays":6},
                      "churn-risk":{"lapseDays":8}}""";

    @TempDir(factory = RamTempDirFactory.class)
    Path stateDir;

    @Test
    void randomShopHistory_givesTheActionsOfThePlainEngineAtTheSameInstants() {
        Settings settings = WaymarkJson.readSettings(SETTINGS + "}");
        compareWithPlainEngine(settings, 7L);
    }

    @Test
    void randomShopHistory_withDeliveryPolicies_givesTheActionsOfThePlainEngine() {
        // Quiet hours and a frequency cap withhold messages and set wake-ups of their own.
        Settings settings = WaymarkJson.readSettings(SETTINGS + """
                ,"policies":{"quietHours":{"start":"21:00","end":"08:00","defaultZone":"UTC"},
                             "frequencyCap":{"email":{"max":2,"hours":24}}}}""");
        compareWithPlainEngine(settings, 11L);
    }

    private void compareWithPlainEngine(Settings settings, long seed) {
        List<Arrival> arrivals = history(new Random(seed));
        CountingEngine engine = new CountingEngine(Waymark.builder().settings(settings).build());
        JourneyEngine plain = Waymark.builder().settings(settings).skipNotDue(false).build();

        Map<String, ContactState> reference = new TreeMap<>();
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        int plainEvaluations = 0;
        int next = 0;
        int lastStep = (int) (Duration.ofDays(DAYS + TAIL_DAYS).toMinutes() / STEP.toMinutes());
        try (Harness h = new Harness(engine, stateDir, T0, STEP)) {
            for (int step = 1; step <= lastStep; step++) {
                Instant t = T0.plus(STEP.multipliedBy(step));
                h.advanceTo(t); // the punctuation of this step runs at exactly t

                List<ContactState> all = new ArrayList<>(reference.values());
                plainEvaluations += all.size();
                plain.evaluateAll(all, t, e -> record(e, reference, expected), 1);

                while (next < arrivals.size() && arrivals.get(next).step() == step) {
                    Event e = arrivals.get(next++).event();
                    h.send(e);
                    ContactState s = reference.getOrDefault(e.contactId(), ContactState.empty(e.contactId()));
                    plainEvaluations++;
                    record(plain.evaluate(s, List.of(e), t), reference, expected);
                }
                h.actions().forEach(a -> actual.add(WaymarkJson.write(a)));
            }
            assertThat(h.deadLetters()).isEmpty();
            logStateSizes(h);
        }
        assertThat(next).isEqualTo(arrivals.size());
        Comparator<String> byAction = Comparator.comparing((String json) -> {
            Action a = WaymarkJson.readAction(json);
            return a.at() + " " + a.contactId() + " " + a.rule() + " " + a.type() + " " + a.key();
        });
        actual.sort(byAction);
        expected.sort(byAction);
        TreeSet<String> rules = new TreeSet<>();
        expected.forEach(json -> rules.add(WaymarkJson.readAction(json).rule()));
        LOG.info("seed {}: {} events, {} actions from rules {}; the topology evaluated {} times, the plain engine {}",
                seed, arrivals.size(), expected.size(), rules, engine.calls().size(), plainEvaluations);

        assertThat(arrivals).hasSizeBetween(200, 600);
        assertThat(rules).hasSizeGreaterThanOrEqualTo(7);
        assertThat(actual).containsExactlyElementsOf(expected);
        // A wake-up never comes too early. (An event can be skipped: a redelivered one, or one stamped in the future.)
        assertThat(engine.calls()).filteredOn(CountingEngine.Call::bulk).isNotEmpty().noneMatch(CountingEngine.Call::skipped);
    }

    private static void record(Evaluation e, Map<String, ContactState> reference, List<String> expected) {
        assertThat(e.failures()).isEmpty();
        reference.put(e.state().contactId(), e.state());
        e.actions().forEach(a -> expected.add(WaymarkJson.write(a)));
    }

    private static void logStateSizes(Harness h) {
        List<Integer> sizes = new ArrayList<>();
        try (KeyValueIterator<String, ContactState> it = h.contacts().all()) {
            while (it.hasNext()) {
                KeyValue<String, ContactState> kv = it.next();
                sizes.add(WaymarkJson.write(kv.value).getBytes(StandardCharsets.UTF_8).length);
            }
        }
        sizes.sort(null);
        LOG.info("serialized contact states after two weeks, bytes: min {}, median {}, p90 {}, max {}", sizes.get(0),
                sizes.get(sizes.size() / 2), sizes.get(sizes.size() * 9 / 10), sizes.get(sizes.size() - 1));
        assertThat(sizes.get(sizes.size() - 1)).isLessThan(16 * 1024);
    }

    // ---- the history --------------------------------------------------------------------------------------

    /**
     * An event and the punctuation step after which it is produced.
     *
     * @param step  the event reaches the processor right after the punctuation at {@code T0 + step * STEP}
     * @param event the event
     */
    record Arrival(int step, Event event) {
    }

    /**
     * About ten events per contact over {@link #DAYS} days: consent, browsing, carts, orders, campaigns, reviews.
     * Most arrive on time; some late (up to 30 hours, so older than what the contact already holds), some early
     * (stamped up to 6 hours in the future, so they wait in the state), and some twice (redelivery).
     */
    static List<Arrival> history(Random rnd) {
        List<Arrival> out = new ArrayList<>();
        int[] ids = {0};
        Instant end = T0.plus(Duration.ofDays(DAYS));
        String[] categories = {"kitchen", "garden", "books", "toys"};
        for (int c = 0; c < CONTACTS; c++) {
            String contact = "c-" + c;
            Instant t = T0.plus(Duration.ofMinutes(rnd.nextInt(2 * 24 * 60)));
            List<Event> events = new ArrayList<>();
            if (rnd.nextInt(100) < 80) {
                events.add(event(ids, contact, "subscribed", t, "channel", "email"));
            }
            String openCart = null;
            int carts = 0;
            List<String> orders = new ArrayList<>();
            List<String> campaigns = new ArrayList<>();
            while (true) {
                t = t.plus(Duration.ofMinutes(30 + rnd.nextInt(36 * 60)));
                if (t.isAfter(end)) {
                    break;
                }
                int roll = rnd.nextInt(100);
                String category = categories[rnd.nextInt(categories.length)];
                if (roll < 25) {
                    events.add(event(ids, contact, "page.viewed", t, "url", "/p/" + rnd.nextInt(50), "category", category));
                } else if (roll < 47) {
                    if (openCart == null) {
                        openCart = "k-" + c + "-" + carts++;
                    }
                    events.add(event(ids, contact, "cart.item_added", t, "cartId", openCart, "sku", "SKU-" + rnd.nextInt(8),
                            "price", (double) (5 + rnd.nextInt(120)), "qty", (long) (1 + rnd.nextInt(3)), "category", category));
                } else if (roll < 51 && openCart != null) {
                    events.add(event(ids, contact, "cart.item_removed", t, "cartId", openCart, "sku", "SKU-" + rnd.nextInt(8)));
                } else if (roll < 56 && openCart != null) {
                    events.add(event(ids, contact, "checkout.started", t, "cartId", openCart));
                } else if (roll < 70) {
                    String order = "o-" + c + "-" + orders.size();
                    orders.add(order);
                    if (openCart != null && rnd.nextBoolean()) {
                        events.add(event(ids, contact, "order.placed", t, "orderId", order,
                                "amount", (double) (10 + rnd.nextInt(400)), "cartId", openCart));
                        openCart = null;
                    } else {
                        events.add(event(ids, contact, "order.placed", t, "orderId", order,
                                "amount", (double) (10 + rnd.nextInt(400)), "categories", List.of(category)));
                    }
                } else if (roll < 82) {
                    String campaign = "camp-" + rnd.nextInt(12);
                    campaigns.add(campaign);
                    events.add(event(ids, contact, "email.sent", t, "campaignId", campaign));
                } else if (roll < 87 && !campaigns.isEmpty()) {
                    events.add(event(ids, contact, rnd.nextBoolean() ? "email.opened" : "email.clicked", t,
                            "campaignId", campaigns.get(rnd.nextInt(campaigns.size()))));
                } else if (roll < 90 && !orders.isEmpty()) {
                    events.add(event(ids, contact, "review.submitted", t, "orderId", orders.get(rnd.nextInt(orders.size())),
                            "rating", (long) (1 + rnd.nextInt(5))));
                } else if (roll < 92) {
                    events.add(event(ids, contact, rnd.nextInt(3) == 0 ? "unsubscribed" : "subscribed", t, "channel", "email"));
                } else if (roll < 94) {
                    events.add(event(ids, contact, "contact.updated", t, "attributes",
                            Map.of("firstName", "N" + c, "timezone", rnd.nextBoolean() ? "Europe/Paris" : "America/New_York")));
                } else if (roll < 96) {
                    events.add(event(ids, contact, "tag.added", t, "tag", "vip"));
                } else if (roll < 98) {
                    events.add(event(ids, contact, "referral.made", t, "referredContactId", "c-" + rnd.nextInt(CONTACTS)));
                } else {
                    events.add(event(ids, contact, "wishlist.added", t, "sku", "SKU-" + rnd.nextInt(8)));
                }
            }
            for (Event e : events) {
                int delay = rnd.nextInt(100);
                Instant arrives;
                if (delay < 8) {
                    arrives = e.at().plus(Duration.ofMinutes(rnd.nextInt(30 * 60))); // late
                } else if (delay < 15) {
                    arrives = e.at().minus(Duration.ofMinutes(rnd.nextInt(6 * 60))); // early: stamped in the future
                } else {
                    arrives = e.at().plus(Duration.ofMinutes(rnd.nextInt(5)));
                }
                out.add(new Arrival(stepOf(arrives), e));
                if (rnd.nextInt(100) < 3) {
                    out.add(new Arrival(stepOf(arrives) + 1 + rnd.nextInt(24), e)); // delivered again
                }
            }
        }
        // Stable: within a step, a contact's events keep their order (one partition keeps a key's order).
        out.sort(Comparator.comparingInt(Arrival::step));
        return out;
    }

    private static int stepOf(Instant arrives) {
        long minutes = Duration.between(T0, arrives).toMinutes();
        long steps = Math.max(1, (minutes + STEP.toMinutes() - 1) / STEP.toMinutes());
        return (int) Math.min(steps, Duration.ofDays(DAYS).toMinutes() / STEP.toMinutes());
    }

    private static Event event(int[] ids, String contact, String type, Instant at, Object... props) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < props.length; i += 2) {
            p.put((String) props[i], props[i + 1]);
        }
        return new Event("e-" + ids[0]++, contact, type, at, p);
    }
}
