package dev.waymark.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.ContactState;
import dev.waymark.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Over random histories, arrival chunks and run instants (in any order), a store's passes emit exactly what
 * evaluating every state with {@code evaluateAll} emits; receiving a batch twice changes nothing; receiving in
 * bulk equals receiving one by one.
 */
class StoreRunnerProperties {
    private static final AtomicLong EMITTED = new AtomicLong();

    @AfterContainer
    static void somethingWasEmitted() {
        assertThat(EMITTED.get()).as("actions emitted across the tries (the property is not vacuous)").isGreaterThan(50);
    }

    private static Path tempStore() throws IOException {
        Path dir = Files.createTempDirectory("waymark-prop");
        dir.toFile().deleteOnExit();
        return dir.resolve("store.db");
    }

    private static void delete(Path store) throws IOException {
        Path dir = store.getParent();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    @Property(tries = 25)
    void emitsWhatEvaluateAllEmits(@ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int contacts,
                                   @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 0, max = 40 * 24) Integer> runHours)
            throws IOException {
        List<Event> history = Histories.shop(seed, contacts, 5, 25);
        Random r = new Random(seed);
        List<List<Event>> chunks = new ArrayList<>();
        for (int i = 0; i < runHours.size(); i++) {
            chunks.add(new ArrayList<>());
        }
        for (Event e : history) {
            chunks.get(r.nextInt(chunks.size())).add(e);
        }
        Path path = tempStore();
        TreeMap<String, ContactState> states = new TreeMap<>();
        try (ContactStore store = ContactStore.open(path.toString(), StoreOptions.defaults().withBatchSize(1 + r.nextInt(12)))) {
            for (int i = 0; i < runHours.size(); i++) {
                Instant now = Histories.START.plus(Duration.ofHours(runHours.get(i)));
                List<String> expected = ContactStoreContract.evaluateAllAtOnce(states, chunks.get(i), now);
                store.receive(chunks.get(i));
                store.pass(ContactStoreContract.ENGINE, now);
                assertThat(ContactStoreContract.relayAll(store, now)).as("run %d at %s", i, now).isEqualTo(expected);
                EMITTED.addAndGet(expected.size());
            }
            for (ContactState s : states.values()) {
                assertThat(store.state(s.contactId())).get().extracting(ContactState::contact).isEqualTo(s.contact());
            }
        } finally {
            delete(path);
        }
    }

    @Property(tries = 15)
    void receivingABatchTwiceChangesNothing(@ForAll long seed, @ForAll @IntRange(min = 1, max = 20) int contacts,
                                            @ForAll @IntRange(min = 0, max = 30 * 24) int hours) throws IOException {
        List<Event> events = Histories.shop(seed, contacts, 4, 20);
        Instant now = Histories.START.plus(Duration.ofHours(hours));
        assertSameOutcome(now, once -> {
            once.receive(events);
            once.pass(ContactStoreContract.ENGINE, now);
        }, twice -> {
            twice.receive(events);
            assertThat(twice.receive(events)).isZero();
            twice.pass(ContactStoreContract.ENGINE, now);
            twice.receive(events); // after folding: the states remember the ids
            twice.pass(ContactStoreContract.ENGINE, now);
        });
    }

    @Property(tries = 15)
    void bulkReceiveEqualsOneByOne(@ForAll long seed, @ForAll @IntRange(min = 1, max = 15) int contacts,
                                   @ForAll @IntRange(min = 0, max = 30 * 24) int hours) throws IOException {
        List<Event> events = new ArrayList<>(Histories.shop(seed, contacts, 4, 20));
        events.sort(Comparator.comparing(Event::id)); // another arrival order than generated
        Instant now = Histories.START.plus(Duration.ofHours(hours));
        assertSameOutcome(now, bulk -> {
            bulk.receive(events);
            bulk.pass(ContactStoreContract.ENGINE, now);
        }, single -> {
            for (Event e : events) {
                single.receive(List.of(e));
            }
            single.pass(ContactStoreContract.ENGINE, now);
        });
    }

    /** Runs {@code a} and {@code b} on two new stores: they must relay the same actions and hold the same states. */
    private static void assertSameOutcome(Instant now, Consumer<ContactStore> a, Consumer<ContactStore> b) throws IOException {
        Path pa = tempStore();
        Path pb = tempStore();
        try (ContactStore sa = ContactStore.open(pa.toString(), StoreOptions.defaults());
             ContactStore sb = ContactStore.open(pb.toString(), StoreOptions.defaults())) {
            a.accept(sa);
            b.accept(sb);
            assertThat(ContactStoreContract.relayAll(sb, now)).isEqualTo(ContactStoreContract.relayAll(sa, now));
            assertThat(ContactStoreContract.states(sb)).isEqualTo(ContactStoreContract.states(sa));
        } finally {
            delete(pa);
            delete(pb);
        }
    }
}
