package dev.waymark.bench;

import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import dev.waymark.json.WaymarkJson;
import dev.waymark.store.ContactStore;
import dev.waymark.store.PassSummary;
import dev.waymark.store.StoreOptions;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What does a run cost on the contact store, as the stored contacts grow and the due ones stay the same?
 *
 * <ul>
 *   <li>{@code storePass}: a run on an SQLite store of {@code size} contacts (100k, 1M) in which the same
 *       {@value #DUE} contacts are due (each received one new event since the last run): receive is done in
 *       the invocation's setup, the op is the due pass plus the relay of its actions. Time per pass; due
 *       contacts per second is {@value #DUE} / that time. The question is the ratio 1M / 100k (target ≤ 1.3).</li>
 *   <li>{@code stateFile} (the baseline): the same run through a {@code --state} file, as {@code run --state}
 *       does it: read every state, receive the events, evaluate every contact, write every state back
 *       (temp file and rename).</li>
 *   <li>{@code ingest}: events received into an SQLite store's inbox per second, {@value #INGEST} per call in
 *       one transaction (target ≥ 50k/s).</li>
 * </ul>
 *
 * <p>The contacts are cheap copies: 2,000 states from {@link Dataset} (ledgers, stages, wake-ups), of the
 * scenarios with nothing due at {@link Dataset#NOW}, cloned under new ids and imported once per trial through
 * {@link ContactStore#importStates}, and written once to a state file for the baseline. The due contacts are
 * spread over the id space (every {@code size / 10,000}th).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar StoreBenchmark -f 1 -wi 2 -i 3}
 * (the 1M base needs about 12 GB of heap for the baseline and 6 GB of disk in the temp folder).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms12g", "-Xmx12g"})
public class StoreBenchmark {

    static final int DUE = 10_000;
    static final int INGEST = 50_000;
    static final Instant NOW = Dataset.NOW;

    /** A base of {@code size} contacts in a store and in a state file, and the engine. */
    @State(Scope.Benchmark)
    public static class Base {
        @Param({"100000", "1000000"})
        public int size;

        JourneyEngine engine;
        Path dir;
        ContactStore store;
        Path stateFile;
        List<Event> live;
        int invocation;

        @Setup(Level.Trial)
        public void build() throws IOException {
            engine = Waymark.builder().build();
            List<String> templates = new ArrayList<>();
            for (ContactState s : Dataset.states(engine, 0, 2_000, Dataset.SEED, 2)) {
                if (s.pending().isEmpty() && s.wakeUp().map(w -> w.isAfter(NOW.plus(Duration.ofHours(2)))).orElse(true)) {
                    templates.add(WaymarkJson.write(s).replace("\"" + s.contactId() + "\"", "\"@ID@\""));
                }
            }
            dir = Files.createTempDirectory("waymark-store-bench");
            stateFile = dir.resolve("state.jsonl");
            try (BufferedWriter w = Files.newBufferedWriter(stateFile, StandardCharsets.UTF_8)) {
                for (int i = 0; i < size; i++) {
                    w.write(copy(templates, i));
                    w.write('\n');
                }
            }
            store = ContactStore.open(dir.resolve("waymark.db").toString(), StoreOptions.defaults());
            Iterable<ContactState> states = () -> new Iterator<>() {
                private int i;

                @Override
                public boolean hasNext() {
                    return i < size;
                }

                @Override
                public ContactState next() {
                    return WaymarkJson.readState(copy(templates, i++));
                }
            };
            long started = System.nanoTime();
            store.importStates(states);
            System.out.printf("%nstore of %,d contacts imported in %.1f s (%,d templates); %,d MB on disk%n", size,
                    (System.nanoTime() - started) / 1e9, templates.size(), Files.size(dir.resolve("waymark.db")) >> 20);
            PassSummary first = store.pass(engine, NOW);
            System.out.printf("first pass at NOW: %,d due (expected 0)%n", first.due());
        }

        static String copy(List<String> templates, int i) {
            return templates.get(i % templates.size()).replace("\"@ID@\"", "\"" + id(i) + "\"");
        }

        static String id(int i) {
            return String.format("s-%07d", i);
        }

        /** One new event for each of the {@value #DUE} due contacts, with ids not seen before. */
        List<Event> liveEvents() {
            int step = size / DUE;
            List<Event> events = new ArrayList<>(DUE);
            int n = invocation++;
            for (int k = 0; k < DUE; k++) {
                events.add(new Event("live-" + n + "-" + k, id(k * step), "page.viewed", NOW.minus(Duration.ofMinutes(10)),
                        Map.of("url", "/p/" + k)));
            }
            return events;
        }

        @Setup(Level.Invocation)
        public void receive() {
            live = liveEvents();
            store.receive(live);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            closeAndDelete(store, dir);
        }
    }

    /** Closes a store and removes its folder (the database, its WAL and lock files, a state file). */
    static void closeAndDelete(ContactStore store, Path dir) throws IOException {
        store.close();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public long storePass(Base b, Blackhole bh) throws IOException {
        PassSummary pass = b.store.pass(b.engine, NOW);
        if (pass.due() != DUE) {
            throw new IllegalStateException(pass.due() + " contacts due, not " + DUE);
        }
        return b.store.relay(NOW, (id, json) -> bh.consume(json));
    }

    @Benchmark
    public long stateFile(Base b, Blackhole bh) throws IOException {
        TreeMap<String, ContactState> states = new TreeMap<>();
        try (BufferedReader r = Files.newBufferedReader(b.stateFile, StandardCharsets.UTF_8)) {
            for (ContactState s : WaymarkJson.readStates(r)) {
                states.put(s.contactId(), s);
            }
        }
        TreeMap<String, List<Event>> byContact = new TreeMap<>();
        for (Event e : b.live) {
            byContact.computeIfAbsent(e.contactId(), id -> new ArrayList<>()).add(e);
        }
        byContact.forEach((id, evs) -> states.put(id, states.get(id).withEvents(evs)));
        Path tmp = b.stateFile.resolveSibling("state.jsonl.tmp");
        long[] actions = new long[1];
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            b.engine.evaluateAll(states.values(), NOW, ev -> {
                ev.actions().forEach(a -> bh.consume(WaymarkJson.write(a)));
                actions[0] += ev.actions().size();
                try {
                    w.write(WaymarkJson.write(ev.state()));
                    w.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, Math.max(1, Runtime.getRuntime().availableProcessors()));
        }
        Files.move(tmp, b.stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return actions[0];
    }

    /** An empty store and a fresh batch of events per call. */
    @State(Scope.Benchmark)
    public static class Inbox {
        Path dir;
        ContactStore store;
        List<Event> batch;
        int invocation;

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("waymark-ingest-bench");
            store = ContactStore.open(dir.resolve("ingest.db").toString(), StoreOptions.defaults());
        }

        @Setup(Level.Invocation)
        public void events() {
            int n = invocation++;
            batch = new ArrayList<>(INGEST);
            for (int i = 0; i < INGEST; i++) {
                Event e = Dataset.liveEvent(n, i % 200_000);
                batch.add(new Event(n + "-" + i, e.contactId(), e.type(), e.at(), e.props()));
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            closeAndDelete(store, dir);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(INGEST)
    @Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
    public long ingest(Inbox in) {
        return in.store.receive(in.batch);
    }
}
