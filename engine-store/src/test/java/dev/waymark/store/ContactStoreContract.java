package dev.waymark.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import dev.waymark.json.WaymarkJson;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What every store must do, whatever the database: run once against SQLite and once against a real
 * PostgreSQL (see the subclasses).
 */
abstract class ContactStoreContract {

    static final JourneyEngine ENGINE = Waymark.builder().build();

    /** A location for a new, empty store. */
    abstract String newLocation();

    /** A JDBC connection to the store at {@code location}, for checking and tampering. */
    abstract Connection jdbc(String location) throws SQLException;

    ContactStore open(String location) {
        return ContactStore.open(location, StoreOptions.defaults().withBatchSize(97));
    }

    /** What the {@code --state} way gives: every contact's state with its events, evaluated at once. */
    static List<String> evaluateAllAtOnce(TreeMap<String, ContactState> states, List<Event> events, Instant now) {
        TreeMap<String, List<Event>> byContact = new TreeMap<>();
        for (Event e : events) {
            byContact.computeIfAbsent(e.contactId(), id -> new ArrayList<>()).add(e);
        }
        byContact.forEach((id, evs) -> states.put(id, states.getOrDefault(id, ContactState.empty(id)).withEvents(evs)));
        List<String> out = new ArrayList<>();
        List<ContactState> next = new ArrayList<>();
        ENGINE.evaluateAll(new ArrayList<>(states.values()), now, (Evaluation ev) -> {
            next.add(ev.state());
            ev.actions().forEach(a -> out.add(WaymarkJson.write(a)));
        }, 2);
        next.forEach(s -> states.put(s.contactId(), s));
        return out;
    }

    static List<String> relayAll(ContactStore store, Instant now) throws IOException {
        List<String> out = new ArrayList<>();
        store.relay(now, (id, json) -> out.add(json));
        return out;
    }

    @Test
    void emitsWhatEvaluatingEveryStateEmitsOverSeveralRuns() throws IOException {
        List<Event> events = Histories.shop(1, 300, 6, 20);
        String location = newLocation();
        TreeMap<String, ContactState> states = new TreeMap<>();
        long emitted = 0;
        try (ContactStore store = open(location)) {
            for (int day = 0; day < 30; day += 3) {
                Instant now = Histories.START.plus(Duration.ofDays(day)).plusSeconds(3600 * 13);
                List<Event> batch = day == 0 ? events : List.of();
                List<String> expected = evaluateAllAtOnce(states, batch, now);
                store.receive(batch);
                PassSummary summary = store.pass(ENGINE, now);
                List<String> actual = relayAll(store, now);
                assertThat(actual).as("day %d", day).containsExactlyElementsOf(expected);
                assertThat(summary.actions()).isEqualTo(expected.size());
                emitted += expected.size();
            }
            assertThat(emitted).as("the runs emitted something").isGreaterThan(100);
            for (ContactState s : states.values()) {
                assertThat(store.state(s.contactId())).get().extracting(ContactState::contact).isEqualTo(s.contact());
            }
            assertThat(store.contacts()).isEqualTo(300);
        }
    }

    @Test
    void aPassReadsOnlyTheDueContacts() {
        List<Event> events = Histories.shop(2, 200, 4, 10);
        try (ContactStore store = open(newLocation())) {
            Instant now = Histories.START.plus(Duration.ofDays(12));
            store.receive(events);
            PassSummary first = store.pass(ENGINE, now);
            assertThat(first.due()).isEqualTo(200);
            assertThat(first.full()).isTrue();
            PassSummary again = store.pass(ENGINE, now);
            assertThat(again.full()).isFalse();
            assertThat(again.due()).as("nothing is due again at the same instant").isZero();
            // One new event: one contact due.
            store.receive(List.of(new Event("new-1", "c-00007", "page.viewed", now.minusSeconds(60))));
            PassSummary one = store.pass(ENGINE, now.plusSeconds(1));
            assertThat(one.due()).isEqualTo(1);
        }
    }

    @Test
    void receivingTheSameEventsTwiceChangesNothing() throws Exception {
        List<Event> events = Histories.shop(3, 50, 5, 5);
        String a = newLocation();
        String b = newLocation();
        Instant now = Histories.START.plus(Duration.ofDays(8));
        try (ContactStore once = open(a); ContactStore twice = open(b)) {
            assertThat(once.receive(events)).isEqualTo(events.size());
            assertThat(twice.receive(events)).isEqualTo(events.size());
            assertThat(twice.receive(events)).isZero();
            once.pass(ENGINE, now);
            twice.pass(ENGINE, now);
            twice.receive(events); // after folding: the states remember the ids
            twice.pass(ENGINE, now);
            assertThat(relayAll(twice, now)).isEqualTo(relayAll(once, now));
            assertThat(states(twice)).isEqualTo(states(once));
        }
    }

    static List<String> states(ContactStore store) {
        List<String> out = new ArrayList<>();
        store.states().forEach(s -> out.add(WaymarkJson.write(s)));
        return out;
    }

    @Test
    void relayHandsOverEachActionOnceAndRepeatsAfterAFailedWriter() throws IOException {
        try (ContactStore store = open(newLocation())) {
            Instant now = Histories.START.plus(Duration.ofDays(15));
            store.receive(Histories.shop(4, 100, 6, 10));
            long committed = store.pass(ENGINE, now).actions();
            assertThat(committed).isPositive();
            assertThatThrownBy(() -> store.relay(now, new ContactStore.OutboxWriter() {
                @Override
                public void write(String id, String json) {
                }

                @Override
                public void flush() throws IOException {
                    throw new IOException("disk full");
                }
            })).isInstanceOf(IOException.class);
            List<String> first = relayAll(store, now);
            assertThat(first).hasSize((int) committed);
            assertThat(first.stream().map(j -> WaymarkJson.readAction(j)).toList())
                    .isSortedAccordingTo(Action.OUTPUT_ORDER);
            assertThat(relayAll(store, now)).isEmpty();
        }
    }

    @Test
    void earlierRunsActionsComeFirst() throws Exception {
        String location = newLocation();
        try (ContactStore store = open(location)) {
            Instant day1 = Histories.START.plus(Duration.ofDays(5));
            store.receive(Histories.shop(5, 60, 6, 4));
            long first = store.pass(ENGINE, day1).actions();
            Instant day2 = day1.plus(Duration.ofDays(10));
            long second = store.pass(ENGINE, day2).actions();
            assertThat(first).isPositive();
            assertThat(second).isPositive();
            List<String> out = relayAll(store, day2);
            assertThat(out).hasSize((int) (first + second));
            assertThat(out.subList(0, (int) first)).allMatch(j -> WaymarkJson.readAction(j).at().equals(day1));
            assertThat(out.subList((int) first, out.size())).allMatch(j -> WaymarkJson.readAction(j).at().equals(day2));
        }
    }

    @Test
    void forgetErasesStateInboxAndOutbox() throws Exception {
        String location = newLocation();
        try (ContactStore store = open(location)) {
            Instant now = Histories.START.plus(Duration.ofDays(12));
            List<Event> events = Histories.shop(6, 20, 8, 10);
            store.receive(events);
            store.pass(ENGINE, now);
            String someone = events.get(0).contactId();
            store.receive(List.of(new Event("later-1", someone, "page.viewed", now)));
            assertThat(store.forget(someone)).isTrue();
            assertThat(store.state(someone)).isEmpty();
            assertThat(store.forget(someone)).isFalse();
            assertThat(store.forget("nobody")).isFalse();
            assertThat(relayAll(store, now)).noneMatch(j -> j.contains("\"contactId\":\"" + someone + "\""));
            try (Connection c = jdbc(location); Statement st = c.createStatement()) {
                for (String table : List.of("waymark_inbox", "waymark_outbox")) {
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table + " WHERE contact_id = '" + someone + "'")) {
                        rs.next();
                        assertThat(rs.getLong(1)).as(table).isZero();
                    }
                }
            }
            // An event afterwards starts a new contact.
            store.receive(List.of(new Event("again-1", someone, "subscribed", now, Map.of("channel", "email"))));
            store.pass(ENGINE, now.plusSeconds(1));
            assertThat(store.state(someone)).get().satisfies(s -> assertThat(s.contact().orderCount()).isZero());
        }
    }

    @Test
    void importedStatesKeepTheirWakeUpsUnderTheSameRuleset() throws IOException {
        TreeMap<String, ContactState> states = new TreeMap<>();
        Instant now = Histories.START.plus(Duration.ofDays(10));
        List<Event> events = Histories.shop(7, 80, 6, 8);
        evaluateAllAtOnce(states, events, now);
        Instant later = now.plus(Duration.ofDays(9));
        TreeMap<String, ContactState> copy = new TreeMap<>(states);
        List<String> expected = evaluateAllAtOnce(copy, List.of(), later);
        try (ContactStore store = open(newLocation())) {
            assertThat(store.importStates(states.values())).isEqualTo(80);
            PassSummary pass = store.pass(ENGINE, later);
            assertThat(pass.full()).isFalse();
            assertThat(pass.due()).isLessThan(80);
            assertThat(relayAll(store, later)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aChangedRulesetEvaluatesEveryContact() {
        JourneyEngine other = Waymark.builder().settings(WaymarkJson.readSettings("{\"rules\":{\"win-back\":{\"days\":30}}}")).build();
        try (ContactStore store = open(newLocation())) {
            Instant now = Histories.START.plus(Duration.ofDays(10));
            store.receive(Histories.shop(8, 40, 4, 5));
            store.pass(ENGINE, now);
            assertThat(store.pass(ENGINE, now).due()).isZero();
            PassSummary changed = store.pass(other, now);
            assertThat(changed.full()).isTrue();
            assertThat(changed.due()).isEqualTo(40);
            assertThat(store.pass(other, now).due()).isZero();
        }
    }

    @Test
    void lateEventsAreReportedWithTheirLineAndNotApplied() {
        try (ContactStore store = open(newLocation())) {
            Instant now = Histories.START.plus(Duration.ofDays(30));
            store.receive(List.of(new Event("e-1", "c-1", "page.viewed", now.minus(Duration.ofDays(1)))));
            store.pass(ENGINE, now);
            Event late = new Event("e-old", "c-1", "order.placed", now.minus(Duration.ofDays(20)),
                    Map.of("orderId", "o-1", "amount", 10.0));
            Event fine = new Event("e-2", "c-1", "page.viewed", now.minus(Duration.ofDays(2)));
            store.receive("events.jsonl", List.of(fine, late), List.of(11, 12));
            PassSummary pass = store.pass(ENGINE, now.plusSeconds(1));
            assertThat(pass.late()).containsExactly(new PassSummary.LateEvent("events.jsonl", 12, "e-old", "c-1"));
            assertThat(store.state("c-1")).get().satisfies(s -> {
                assertThat(s.contact().orderCount()).isZero();
                assertThat(s.seenEventIds()).containsKey("e-2").doesNotContainKey("e-old");
            });
        }
    }

    @Test
    void aFailingRuleKeepsTheContactsEventsForTheNextPass() {
        String drl = """
                package test.rules;
                import dev.waymark.Contact;
                global dev.waymark.drools.RuleContext waymark;
                rule "explodes" @dueTimes
                when
                    $c : Contact( count("boom") > 0 )
                then
                    throw new IllegalStateException("boom for " + $c.id());
                end
                """;
        JourneyEngine failing = Waymark.builder().rules("explodes.drl", drl).build();
        try (ContactStore store = open(newLocation())) {
            Instant now = Histories.START.plus(Duration.ofDays(1));
            store.receive(List.of(new Event("b-1", "c-boom", "boom", now.minusSeconds(10)),
                    new Event("p-1", "c-fine", "page.viewed", now.minusSeconds(10))));
            PassSummary pass = store.pass(failing, now);
            assertThat(pass.failures()).extracting(f -> f.contactId()).containsExactly("c-boom");
            assertThat(store.state("c-boom")).get().satisfies(s -> assertThat(s.pending()).extracting(Event::id).containsExactly("b-1"));
            assertThat(store.state("c-fine")).get().satisfies(s -> assertThat(s.pending()).isEmpty());
            PassSummary again = store.pass(failing, now.plusSeconds(1));
            // c-fine may be due too: with custom rules its stage change wakes it at the next evaluation
            assertThat(again.failures()).as("the failed contact is retried").extracting(f -> f.contactId())
                    .containsExactly("c-boom");
        }
    }

    @Test
    void aSecondPassWhileOneRunsFailsClearlyAndChangesNothing() throws Exception {
        String location = newLocation();
        try (ContactStore first = open(location)) {
            first.receive(Histories.shop(9, 300, 3, 5));
        }
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Instant now = Histories.START.plus(Duration.ofDays(6));
        Thread runner = new Thread(() -> {
            try (ContactStore store = open(location)) {
                store.pass(ENGINE, now, (done, due) -> {
                    inside.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        runner.start();
        assertThat(inside.await(60, TimeUnit.SECONDS)).isTrue();
        try (ContactStore second = ContactStore.open(location, StoreOptions.defaults().withBusyTimeout(Duration.ofMillis(300)))) {
            assertThatThrownBy(() -> second.pass(ENGINE, now))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.BUSY))
                    .hasMessageContaining("in use by another run");
            assertThatThrownBy(() -> second.receive(List.of(new Event("x", "c-x", "page.viewed", now))))
                    .isInstanceOf(StoreException.class);
        } finally {
            release.countDown();
            runner.join();
        }
        assertThat(failure.get()).isNull();
        try (ContactStore store = open(location)) {
            assertThat(store.state("c-x")).isEmpty();
            assertThat(store.contacts()).isEqualTo(300);
            assertThat(store.pass(ENGINE, now).due()).isZero();
        }
    }

    @Test
    void refusesANewerSchemaNamingBothVersions() throws Exception {
        String location = newLocation();
        open(location).close();
        try (Connection c = jdbc(location); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE waymark_meta SET value = '7' WHERE key = 'schema_version'");
        }
        assertThatThrownBy(() -> open(location))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.NEWER_SCHEMA))
                .hasMessageContaining("schema version 7").hasMessageContaining("up to 1");
        try (Connection c = jdbc(location); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT value FROM waymark_meta WHERE key = 'schema_version'")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("7");
        }
    }

    @Test
    void optionsRejectBadValuesQuotingThem() {
        StoreOptions d = StoreOptions.defaults();
        assertThatThrownBy(() -> d.withBatchSize(0)).hasMessage("batchSize: 0 is not between 1 and 10,000");
        assertThatThrownBy(() -> d.withParallelism(999)).hasMessage("parallelism: 999 is not between 1 and 256");
        assertThatThrownBy(() -> d.withBusyTimeout(Duration.ofSeconds(-1))).hasMessageContaining("'PT-1S'");
        assertThat(d.withCredentials("u", "secret").toString()).doesNotContain("secret");
        Settings.defaults(); // the engine types stay usable beside the store
    }

    static Connection sqlite(String path) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + path);
    }
}
