package dev.waymark.bench;

import dev.waymark.Contact;
import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import dev.waymark.core.Folding;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast are events folded into contact state? Throughput; the figure that counts is the secondary metric
 * {@code events} (events folded per second, from an {@link AuxCounters} counter), the primary one counts
 * contacts. Events are built and validated beforehand: this is folding, not JSON parsing.
 *
 * <ul>
 *   <li>{@code foldHistory}: a new contact receives its whole history (about 21 events on average, see
 *       {@link Dataset}) with {@link ContactState#withEvents} and folds it with {@link Folding#advance}: a
 *       bulk load or backfill.</li>
 *   <li>{@code foldHistoryDraftOnly}: the baseline, the same events applied straight to a {@link Folding#foldInOrder}
 *       and frozen, without the state's pending list and remembered event ids: the cost of the folding logic
 *       alone.</li>
 *   <li>{@code foldOneEvent}: a contact's state as the previous run left it receives one new event and folds it
 *       (with any event still pending): what a live stream costs per event.</li>
 *   <li>{@code foldAdversarialContact} (average time per fold, ms): one contact receives {@code size} events of one
 *       {@code kind} at once — reviews of distinct orders, distinct skus in one cart, distinct carts, distinct
 *       orders, distinct tags — and folds them: the cost must grow as n log n at most (10k against 100k about
 *       10–13×), past the state's limits too.</li>
 * </ul>
 *
 * <p>Before timing, {@code @Setup} checks that {@code foldHistory} and {@code foldHistoryDraftOnly} produce equal
 * facts for every contact.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar IngestBenchmark}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g"})
@Threads(1)
@State(Scope.Benchmark)
public class IngestBenchmark {

    /** Contacts cycled through; enough that their events do not all sit in the CPU caches. */
    static final int CONTACTS = 8192;

    private String[] ids;
    private List<List<Event>> histories;
    private List<ContactState> previous;
    private List<List<Event>> live;
    private int[] liveFolded;

    /** Counts events folded; JMH reports it per second next to the contacts per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Events {
        /** Events folded in this iteration. */
        public long events;
        private int cursor;

        /** Counters start from zero every iteration. */
        @Setup(Level.Iteration)
        public void reset() {
            events = 0;
        }

        int next() {
            int i = cursor;
            cursor = i + 1 == CONTACTS ? 0 : i + 1;
            return i;
        }
    }

    /** Generates the histories, and the states of the previous run with one live event each. */
    @Setup(Level.Trial)
    public void setUp() {
        ids = new String[CONTACTS];
        histories = new ArrayList<>(CONTACTS);
        live = new ArrayList<>(CONTACTS);
        liveFolded = new int[CONTACTS];
        for (int i = 0; i < CONTACTS; i++) {
            ids[i] = Dataset.contactId(i);
            histories.add(List.copyOf(Dataset.history(Dataset.SEED, i)));
            live.add(List.of(Dataset.liveEvent(Dataset.SEED, i)));
        }
        previous = Dataset.states(Waymark.builder().settings(Settings.defaults()).build(), CONTACTS, Dataset.SEED, 1);
        for (int i = 0; i < CONTACTS; i++) {
            liveFolded[i] = previous.get(i).pending().size() + 1; // every pending event is due at NOW
        }
        for (int i = 0; i < CONTACTS; i++) {
            Contact viaState = Folding.advance(ContactState.empty(ids[i]).withEvents(histories.get(i)), Dataset.NOW).contact();
            Contact viaDraft = draft(ids[i], histories.get(i));
            if (!viaState.equals(viaDraft)) {
                throw new IllegalStateException("folding through the state and through the draft differ for " + ids[i]
                        + ":\n  " + viaState + "\n  " + viaDraft);
            }
        }
    }

    /** A whole history into a new contact's state. */
    @Benchmark
    public ContactState foldHistory(Events counter) {
        int i = counter.next();
        List<Event> events = histories.get(i);
        counter.events += events.size();
        return Folding.advance(ContactState.empty(ids[i]).withEvents(events), Dataset.NOW);
    }

    /** The same events straight into a draft: the folding logic alone. */
    @Benchmark
    public Contact foldHistoryDraftOnly(Events counter) {
        int i = counter.next();
        List<Event> events = histories.get(i);
        counter.events += events.size();
        return draft(ids[i], events);
    }

    /** One live event into an existing state. */
    @Benchmark
    public ContactState foldOneEvent(Events counter) {
        int i = counter.next();
        counter.events += liveFolded[i];
        return Folding.advance(previous.get(i).withEvents(live.get(i)), Dataset.NOW);
    }

    /** One contact's hostile history: {@code size} events of one {@code kind}, one second apart. */
    @State(Scope.Benchmark)
    public static class Adversarial {
        /** What the events grow. */
        @Param({"reviews", "skus", "carts", "orders", "tags"})
        public String kind;

        /** How many events. */
        @Param({"10000", "100000"})
        public int size;

        List<Event> events;

        /** Builds the events. */
        @Setup(Level.Trial)
        public void setUp() {
            events = new ArrayList<>(size);
            java.time.Instant t0 = Dataset.NOW.minus(java.time.Duration.ofDays(3));
            for (int i = 0; i < size; i++) {
                java.time.Instant at = t0.plusSeconds(i);
                events.add(switch (kind) {
                    case "reviews" -> new Event("e" + i, "c-adv", Event.REVIEW_SUBMITTED, at, java.util.Map.of("orderId", "o" + i, "rating", 1L + i % 5));
                    case "skus" -> new Event("e" + i, "c-adv", Event.CART_ITEM_ADDED, at, java.util.Map.of("cartId", "k", "sku", "s" + i, "price", 1.5));
                    case "carts" -> new Event("e" + i, "c-adv", Event.CART_ITEM_ADDED, at, java.util.Map.of("cartId", "k" + i, "sku", "s", "price", 1.5));
                    case "orders" -> new Event("e" + i, "c-adv", Event.ORDER_PLACED, at, java.util.Map.of("orderId", "o" + i, "amount", 9.99, "cartId", "k" + i));
                    case "tags" -> new Event("e" + i, "c-adv", Event.TAG_ADDED, at, java.util.Map.of("tag", "t" + i));
                    default -> throw new IllegalArgumentException("kind " + kind);
                });
            }
        }
    }

    /** A hostile history into a new contact's state, in one fold. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public ContactState foldAdversarialContact(Adversarial a) {
        return Folding.advance(ContactState.empty("c-adv").withEvents(a.events), Dataset.NOW);
    }

    // The histories are in time order, as Folding.advance would sort them.
    private static Contact draft(String id, List<Event> events) {
        return Folding.foldInOrder(Contact.empty(id), events, Dataset.NOW);
    }
}
