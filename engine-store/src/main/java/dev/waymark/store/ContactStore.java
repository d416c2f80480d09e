package dev.waymark.store;

import dev.waymark.Action;
import dev.waymark.BulkSummary;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.WaymarkException;
import dev.waymark.json.WaymarkJson;
import dev.waymark.store.Schema.Meta;
import dev.waymark.store.StoreException.Reason;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * Waymark's contact store: every contact's state, an inbox of received events and an outbox of committed
 * actions, in one SQLite file or a PostgreSQL database, so that a run costs what is due, not what is stored,
 * and each action is committed exactly once together with the state that emitted it.
 *
 * <p>A host {@linkplain #open opens} it, {@linkplain #receive receives} events (idempotently: an event
 * already in the inbox is dropped, one already applied is ignored when folded), runs a {@linkplain #pass due
 * pass} at {@code now} — the contacts whose wake-up is at or before {@code now} or that received events,
 * every contact when the engine's ruleset differs from the last pass's — and {@linkplain #relay relays} the
 * outbox to whoever carries the actions out.
 *
 * <p>Contracts. Arguments are never null. Time comes only from the {@code now} passed in; the store never
 * reads the clock. Each pass batch (its contacts' new states, their actions and the removal of their folded
 * events) is one transaction, so a process killed at any point loses no received event and no action, and
 * commits no action twice: the next pass picks up the contacts not done, and the next relay writes what was
 * committed but not marked written (a relay killed between handing actions over and marking them repeats
 * them; action ids are deterministic, so a consumer can drop a repeat). One pass, receive, relay, import or
 * forget at a time holds the store lock (SQLite: an OS lock on {@code PATH.lock}, released when the process
 * dies; PostgreSQL: an advisory lock of the session); another process waits up to the busy timeout, then
 * fails with {@link StoreException.Reason#BUSY}, changing nothing. Reading ({@link #state}, {@link #states})
 * takes no lock. Failures are {@link StoreException}s naming the store; after one the store is as the last
 * committed transaction left it.
 *
 * <p>Thread-safety: an instance holds one database connection and is safe to share between threads; its
 * methods run one at a time.
 */
public final class ContactStore implements AutoCloseable {

    private static final int RECEIVE_CHUNK = 10_000;
    private static final int RELAY_PAGE = 10_000;
    private static final int IMPORT_CHUNK = 1_000;
    private static final int READ_PAGE = 1_000;
    /** The wake-up of a contact that must be looked at by the next pass, whatever its time. */
    static final long ALWAYS_DUE = Long.MIN_VALUE;

    /** Receives progress of a due pass, on the thread running it, after each committed batch. */
    @FunctionalInterface
    public interface Progress {
        /**
         * Called after each committed batch.
         *
         * @param done contacts of the pass committed so far
         * @param due  contacts the pass takes in all
         */
        void committed(long done, long due);
    }

    /** Takes the actions of a {@linkplain #relay relay}. */
    public interface OutboxWriter {
        /** Takes one action: its id and its JSON line (docs/events-and-actions.md, no newline), exactly as committed. */
        void write(String actionId, String actionJson) throws IOException;

        /** Called once after the last {@link #write}; when it returns, the actions written count as delivered. */
        default void flush() throws IOException {
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ContactStore.class);

    private final Db db;
    private final StoreOptions options;

    private ContactStore(Db db, StoreOptions options) {
        this.db = db;
        this.options = options;
    }

    /**
     * Opens the store at {@code pathOrJdbcUrl}: an SQLite file (created with the schema when absent or
     * empty), or a PostgreSQL database when it starts with {@code jdbc:postgresql:} (the tables are created in
     * its current schema when absent). Opens nothing half: on failure nothing was created or changed.
     *
     * @throws StoreException {@code NOT_A_STORE} for a file that is not a database, is damaged, or is a
     *                        database without Waymark's tables; {@code NEWER_SCHEMA} for a store of a newer
     *                        Waymark (both versions named); {@code UNREACHABLE} when PostgreSQL cannot be
     *                        reached or refuses the login; {@code BUSY}, {@code FAILED}
     * @throws IllegalArgumentException for a JDBC URL of another database
     */
    public static ContactStore open(String pathOrJdbcUrl, StoreOptions options) {
        Objects.requireNonNull(options, "options");
        Db db = Db.open(pathOrJdbcUrl, options);
        try {
            try {
                Schema.prepare(db);
                db.afterValidated();
            } catch (SQLException e) {
                String m = String.valueOf(e.getMessage());
                if (m.contains("SQLITE_NOTADB") || m.contains("SQLITE_CORRUPT") || m.contains("not a database")
                        || m.contains("malformed")) {
                    throw new StoreException(Reason.NOT_A_STORE, "store " + db.name
                            + " is not a Waymark store: the file is damaged or not a database (" + e.getMessage()
                            + "; it was left as it is)", e);
                }
                throw db.failure("opening", e);
            }
            return new ContactStore(db, options);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** The options the store was opened with. */
    public StoreOptions options() {
        return options;
    }

    // ---------------------------------------------------------------------------------------------- receive

    /** As {@link #receive(String, List, List)} with no source and no line numbers. */
    public synchronized long receive(Collection<Event> events) {
        return receive(null, List.copyOf(events), null);
    }

    /**
     * Puts {@code events} in the inbox, all in one transaction; an event whose (contact, id) is already there
     * is dropped, so receiving the same events twice changes nothing. They are folded into their contacts'
     * states by the next {@linkplain #pass pass}.
     *
     * @param source where they come from (a file name), kept for reporting late events; may be null
     * @param lines  the 1-based line of each event in {@code source}, or null when not known
     * @return the number of events new to the inbox
     */
    public synchronized long receive(String source, List<Event> events, List<Integer> lines) {
        Objects.requireNonNull(events, "events");
        if (lines != null && lines.size() != events.size()) {
            throw new IllegalArgumentException("lines: " + lines.size() + " line numbers for " + events.size() + " events");
        }
        if (events.isEmpty()) {
            return 0;
        }
        db.lock();
        try {
            return db.inTransaction(() -> {
                long seq = Long.parseLong(Meta.get(db, "inbox_seq"));
                long added = 0;
                try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO waymark_inbox"
                        + " (contact_id, event_id, event, source, line, seq) VALUES (?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (contact_id, event_id) DO NOTHING")) {
                    int pending = 0;
                    for (int i = 0; i < events.size(); i++) {
                        Event e = events.get(i);
                        ps.setString(1, e.contactId());
                        ps.setString(2, e.id());
                        ps.setString(3, WaymarkJson.write(e));
                        ps.setString(4, source);
                        ps.setInt(5, lines == null ? 0 : lines.get(i));
                        ps.setLong(6, ++seq);
                        ps.addBatch();
                        if (++pending == RECEIVE_CHUNK) {
                            added += count(ps.executeBatch());
                            pending = 0;
                        }
                    }
                    if (pending > 0) {
                        added += count(ps.executeBatch());
                    }
                }
                Meta.put(db, "inbox_seq", Long.toString(seq));
                return added;
            });
        } catch (SQLException e) {
            throw db.failure("receiving events", e);
        } finally {
            db.unlock();
        }
    }

    private static long count(int[] updates) {
        long n = 0;
        for (int u : updates) {
            if (u > 0) {
                n += u;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------------- pass

    /** As {@link #pass(JourneyEngine, Instant, Progress)} without progress reports. */
    public PassSummary pass(JourneyEngine engine, Instant now) {
        return pass(engine, now, (done, due) -> { });
    }

    /**
     * Evaluates the contacts due at {@code now} with {@code engine}: those whose stored wake-up is at or before
     * {@code now} or that have received events — every contact when {@code engine.rulesetId()} differs from
     * the store's last pass, or {@code now} is before an earlier pass's. Contacts are taken in contactId order
     * in batches of {@link StoreOptions#batchSize()}; each batch's new states, outbox rows and folded inbox
     * events are committed in one transaction. A contact whose evaluation failed keeps its events (the engine
     * rolled it back) and is due again at the next pass. Late events are dropped and listed in the summary.
     * The actions go to the outbox only: {@link #relay} hands them over. Reads only the due contacts' states.
     */
    public synchronized PassSummary pass(JourneyEngine engine, Instant now, Progress progress) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(progress, "progress");
        db.lock();
        try {
            PassSummary summary = new DuePass(db, options, engine, now, progress).run();
            LOG.debug("store {}: pass {} at {}: {} due{}, {} evaluated, {} actions, {} late events, {} rule failures",
                    db.name, summary.run(), now, summary.due(), summary.full() ? " (full: the ruleset changed)" : "",
                    summary.evaluated(), summary.actions(), summary.late().size(), summary.failures().size());
            return summary;
        } catch (SQLException e) {
            throw db.failure("running a due pass", e);
        } finally {
            db.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ relay

    /**
     * Hands every committed action not yet written to {@code writer} — an earlier pass's first, then by pass,
     * each pass's in the output order of docs/events-and-actions.md (contactId, rule, type, key) — calls its {@code flush}, and only then marks
     * them written at {@code now}. If the writer throws, nothing is marked and the next relay hands the same
     * actions over again.
     *
     * @return the number of actions handed over
     */
    public synchronized long relay(Instant now, OutboxWriter writer) throws IOException {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(writer, "writer");
        db.lock();
        try {
            long n = 0;
            long lastRun = Long.MIN_VALUE;
            long lastSeq = Long.MIN_VALUE;
            try (PreparedStatement ps = db.conn.prepareStatement("SELECT run, seq, id, action FROM waymark_outbox"
                    + " WHERE written_at IS NULL AND (run > ? OR (run = ? AND seq > ?)) ORDER BY run, seq LIMIT " + RELAY_PAGE)) {
                while (true) {
                    ps.setLong(1, lastRun);
                    ps.setLong(2, lastRun);
                    ps.setLong(3, lastSeq);
                    int page = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            lastRun = rs.getLong(1);
                            lastSeq = rs.getLong(2);
                            writer.write(rs.getString(3), rs.getString(4));
                            page++;
                        }
                    }
                    n += page;
                    if (page < RELAY_PAGE) {
                        break;
                    }
                }
            }
            writer.flush();
            LOG.debug("store {}: relayed {} actions", db.name, n);
            if (n > 0) {
                long run = lastRun;
                long seq = lastSeq;
                db.inTransaction(() -> {
                    try (PreparedStatement ps = db.conn.prepareStatement("UPDATE waymark_outbox SET written_at = ?"
                            + " WHERE written_at IS NULL AND (run < ? OR (run = ? AND seq <= ?))")) {
                        ps.setString(1, now.toString());
                        ps.setLong(2, run);
                        ps.setLong(3, run);
                        ps.setLong(4, seq);
                        return ps.executeUpdate();
                    }
                });
            }
            return n;
        } catch (SQLException e) {
            throw db.failure("relaying the outbox", e);
        } finally {
            db.unlock();
        }
    }

    // ---------------------------------------------------------------------------------- forget and import

    /**
     * Erases a contact: its state (facts, ledger, pending events), its received events and its outbox rows,
     * written or not, in one transaction. An event for it afterwards starts a new contact.
     *
     * @return whether the store held anything of the contact
     */
    public synchronized boolean forget(String contactId) {
        Objects.requireNonNull(contactId, "contactId");
        db.lock();
        try {
            return db.inTransaction(() -> {
                int n = 0;
                for (String sql : List.of("DELETE FROM waymark_contacts WHERE id = ?",
                        "DELETE FROM waymark_inbox WHERE contact_id = ?")) {
                    try (PreparedStatement ps = db.conn.prepareStatement(sql)) {
                        ps.setString(1, contactId);
                        n += ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = db.conn.prepareStatement("DELETE FROM waymark_outbox WHERE contact_id = ?")) {
                    ps.setString(1, contactId);
                    ps.executeUpdate();
                }
                return n > 0;
            });
        } catch (SQLException e) {
            throw db.failure("forgetting contact " + contactId, e);
        } finally {
            db.unlock();
        }
    }

    /**
     * Loads states (for example a {@code --state} file) into the store in one transaction, replacing the
     * stored state of a contact already there. A state's wake-up is trusted when its ruleset is the store's
     * (the store takes the first imported ruleset when it has none yet); any other is due at the next pass.
     *
     * @return the number of states written
     * @throws IllegalArgumentException naming the contact if one is given twice
     */
    public synchronized long importStates(Iterable<ContactState> states) {
        Objects.requireNonNull(states, "states");
        db.lock();
        try {
            return db.inTransaction(() -> {
                String ruleset = Meta.get(db, "ruleset");
                Instant maxNow = instantOrNull(Meta.get(db, "max_now"));
                java.util.Set<String> seen = new java.util.HashSet<>();
                long n = 0;
                try (PreparedStatement ps = db.conn.prepareStatement(DuePass.UPSERT)) {
                    int pending = 0;
                    for (ContactState s : states) {
                        if (!seen.add(s.contactId())) {
                            throw new IllegalArgumentException("contact " + s.contactId() + " is given twice");
                        }
                        if (ruleset == null && s.rulesetId() != null) {
                            ruleset = s.rulesetId();
                            Meta.put(db, "ruleset", ruleset);
                        }
                        if (s.evaluatedAt() != null && (maxNow == null || s.evaluatedAt().isAfter(maxNow))) {
                            maxNow = s.evaluatedAt();
                        }
                        DuePass.bindState(ps, s, ruleset);
                        ps.addBatch();
                        n++;
                        if (++pending == IMPORT_CHUNK) {
                            ps.executeBatch();
                            pending = 0;
                        }
                    }
                    if (pending > 0) {
                        ps.executeBatch();
                    }
                }
                if (maxNow != null) {
                    Meta.put(db, "max_now", maxNow.toString());
                }
                return n;
            });
        } catch (SQLException e) {
            throw db.failure("importing states", e);
        } finally {
            db.unlock();
        }
    }

    // -------------------------------------------------------------------------------------------- reading

    /** The stored state of a contact (events received and not yet folded by a pass are not in it). */
    public synchronized Optional<ContactState> state(String contactId) {
        Objects.requireNonNull(contactId, "contactId");
        try (PreparedStatement ps = db.conn.prepareStatement("SELECT state FROM waymark_contacts WHERE id = ?")) {
            ps.setString(1, contactId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(parse(contactId, rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw db.failure("reading contact " + contactId, e);
        }
    }

    /** How many contacts the store holds. */
    public synchronized long contacts() {
        try (Statement st = db.conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM waymark_contacts")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw db.failure("counting contacts", e);
        }
    }

    /**
     * Every stored state in contactId order, read lazily a page at a time (so a report over a million
     * contacts holds one page); each iteration reads the store afresh. Not a snapshot: a pass committing
     * meanwhile may show in later pages.
     */
    public Iterable<ContactState> states() {
        return () -> new Iterator<>() {
            private List<ContactState> page = List.of();
            private int at;
            private String after;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (at < page.size()) {
                    return true;
                }
                if (done) {
                    return false;
                }
                page = readPage(after);
                at = 0;
                if (page.size() < READ_PAGE) {
                    done = true;
                }
                if (!page.isEmpty()) {
                    after = page.get(page.size() - 1).contactId();
                }
                return !page.isEmpty();
            }

            @Override
            public ContactState next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.get(at++);
            }
        };
    }

    private synchronized List<ContactState> readPage(String after) {
        // Keyset paging on the primary key, in binary order of ids in both databases (see Schema).
        String sql = "SELECT id, state FROM waymark_contacts" + (after == null ? "" : " WHERE id > ?")
                + " ORDER BY id LIMIT " + READ_PAGE;
        try (PreparedStatement ps = db.conn.prepareStatement(sql)) {
            if (after != null) {
                ps.setString(1, after);
            }
            List<ContactState> out = new ArrayList<>(READ_PAGE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(parse(rs.getString(1), rs.getString(2)));
                }
            }
            return Collections.unmodifiableList(out);
        } catch (SQLException e) {
            throw db.failure("reading contacts", e);
        }
    }

    private ContactState parse(String contactId, String json) {
        try {
            return WaymarkJson.readState(json);
        } catch (WaymarkException e) {
            throw new StoreException(Reason.NOT_A_STORE, "store " + db.name + ": the state of contact " + contactId
                    + " is not a Waymark contact state: " + e.getMessage(), e);
        }
    }

    static Instant instantOrNull(String s) {
        return s == null ? null : Instant.parse(s);
    }

    /** Closes the connection. A pass or relay cut short by a close is as a killed one: it loses nothing. */
    @Override
    public synchronized void close() {
        db.close();
    }

    // ---------------------------------------------------------------------------------------------------

    /** One due pass. */
    static final class DuePass {
        static final String UPSERT = "INSERT INTO waymark_contacts (id, state, wake_at, version) VALUES (?, ?, ?, 1)"
                + " ON CONFLICT (id) DO UPDATE SET state = excluded.state, wake_at = excluded.wake_at,"
                + " version = waymark_contacts.version + 1";

        private final Db db;
        private final StoreOptions options;
        private final JourneyEngine engine;
        private final Instant now;
        private final Progress progress;
        private final List<dev.waymark.Evaluation.RuleFailure> failures = new ArrayList<>();
        private final List<dev.waymark.Evaluation.TemplateFailure> templateFailures = new ArrayList<>();
        private final List<dev.waymark.Evaluation.RejectedEvent> rejected = new ArrayList<>();
        private final List<PassSummary.LateEvent> late = new ArrayList<>();
        private final List<dev.waymark.Evaluation.LedgerFull> ledgerFull = new ArrayList<>();
        private long evaluated;
        private long skipped;
        private long actions;
        private long seq;

        DuePass(Db db, StoreOptions options, JourneyEngine engine, Instant now, Progress progress) {
            this.db = db;
            this.options = options;
            this.engine = engine;
            this.now = now;
            this.progress = progress;
        }

        PassSummary run() throws SQLException {
            String ruleset = engine.rulesetId();
            String lastRuleset = Meta.get(db, "ruleset");
            Instant maxNow = instantOrNull(Meta.get(db, "max_now"));
            boolean full = !ruleset.equals(lastRuleset) || (maxNow != null && now.isBefore(maxNow));
            long run = db.inTransaction(() -> {
                long id;
                try (Statement st = db.conn.createStatement();
                     ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) + 1 FROM waymark_runs")) {
                    rs.next();
                    id = rs.getLong(1);
                }
                try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO waymark_runs"
                        + " (id, now, ruleset, full_pass, due, finished) VALUES (?, ?, ?, ?, 0, 0)")) {
                    ps.setLong(1, id);
                    ps.setString(2, now.toString());
                    ps.setString(3, ruleset);
                    ps.setInt(4, full ? 1 : 0);
                    ps.executeUpdate();
                }
                return id;
            });
            List<String> ids = dueIds(full);
            int batch = options.batchSize();
            for (int from = 0; from < ids.size(); from += batch) {
                List<String> part = ids.subList(from, Math.min(ids.size(), from + batch));
                db.inTransaction(() -> {
                    batch(run, part, ruleset);
                    return null;
                });
                progress.committed(from + part.size(), ids.size());
            }
            db.inTransaction(() -> {
                Meta.put(db, "ruleset", ruleset);
                if (maxNow == null || now.isAfter(maxNow)) {
                    Meta.put(db, "max_now", now.toString());
                }
                try (PreparedStatement ps = db.conn.prepareStatement("UPDATE waymark_runs SET due = ?, finished = 1 WHERE id = ?")) {
                    ps.setLong(1, ids.size());
                    ps.setLong(2, run);
                    ps.executeUpdate();
                }
                return null;
            });
            return new PassSummary(run, now, full, ids.size(), evaluated, skipped, actions, failures, templateFailures, late,
                    ledgerFull, rejected);
        }

        /** The due contacts' ids, in Java's string order (the output order of docs/events-and-actions.md), each once. */
        private List<String> dueIds(boolean full) throws SQLException {
            List<String> ids = new ArrayList<>();
            String contacts = full ? "SELECT id FROM waymark_contacts" : "SELECT id FROM waymark_contacts WHERE wake_at <= ?";
            try (PreparedStatement ps = db.conn.prepareStatement(contacts)) {
                if (!full) {
                    ps.setLong(1, now.getEpochSecond());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            try (Statement st = db.conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT DISTINCT contact_id FROM waymark_inbox")) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            Collections.sort(ids);
            List<String> unique = new ArrayList<>(ids.size());
            String previous = null;
            for (String id : ids) {
                if (!id.equals(previous)) {
                    unique.add(id);
                }
                previous = id;
            }
            return unique;
        }

        private static String placeholders(int n) {
            StringBuilder sb = new StringBuilder(n * 3);
            for (int i = 0; i < n; i++) {
                sb.append(i == 0 ? "?" : ", ?");
            }
            return sb.toString();
        }

        private record Received(Event event, String source, int line) {
        }

        private void batch(long run, List<String> ids, String ruleset) throws SQLException {
            String in = placeholders(ids.size());
            Map<String, String> stored = new HashMap<>();
            try (PreparedStatement ps = db.conn.prepareStatement("SELECT id, state FROM waymark_contacts WHERE id IN (" + in + ")")) {
                for (int i = 0; i < ids.size(); i++) {
                    ps.setString(i + 1, ids.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stored.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            Map<String, List<Received>> inbox = new HashMap<>();
            long maxSeq = Long.MIN_VALUE;
            try (PreparedStatement ps = db.conn.prepareStatement("SELECT contact_id, event, source, line, seq FROM waymark_inbox"
                    + " WHERE contact_id IN (" + in + ") ORDER BY seq")) {
                for (int i = 0; i < ids.size(); i++) {
                    ps.setString(i + 1, ids.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String contact = rs.getString(1);
                        Event e;
                        try {
                            e = WaymarkJson.readEvent(rs.getString(2), 0);
                        } catch (WaymarkException ex) {
                            throw new StoreException(Reason.NOT_A_STORE, "store " + db.name + ": a received event of contact "
                                    + contact + " is not a Waymark event: " + ex.getMessage(), ex);
                        }
                        inbox.computeIfAbsent(contact, c -> new ArrayList<>()).add(new Received(e, rs.getString(3), rs.getInt(4)));
                        maxSeq = Math.max(maxSeq, rs.getLong(5));
                    }
                }
            }
            List<ContactState> input = new ArrayList<>(ids.size());
            boolean[] mustWrite = new boolean[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                String json = stored.get(id);
                ContactState s;
                if (json == null) {
                    s = ContactState.empty(id);
                    mustWrite[i] = true;
                } else {
                    try {
                        s = WaymarkJson.readState(json);
                    } catch (WaymarkException e) {
                        throw new StoreException(Reason.NOT_A_STORE, "store " + db.name + ": the state of contact " + id
                                + " is not a Waymark contact state: " + e.getMessage(), e);
                    }
                }
                List<Received> received = inbox.get(id);
                if (received != null) {
                    mustWrite[i] = true;
                    List<Event> events = new ArrayList<>(received.size());
                    for (Received r : received) {
                        if (!s.seenEventIds().containsKey(r.event().id()) && s.isLate(r.event())) {
                            late.add(new PassSummary.LateEvent(r.source(), r.line(), r.event().id(), id));
                        } else {
                            events.add(r.event());
                        }
                    }
                    s = s.withEvents(events);
                }
                input.add(s);
            }
            List<Evaluation> out = new ArrayList<>(ids.size());
            BulkSummary summary = engine.evaluateAll(input, now, out::add, options.parallelism());
            evaluated += summary.evaluated();
            skipped += summary.skipped();
            failures.addAll(summary.failures());
            templateFailures.addAll(summary.templateFailures());
            ledgerFull.addAll(summary.ledgerFull());
            rejected.addAll(summary.rejected());
            try (PreparedStatement up = db.conn.prepareStatement(UPSERT);
                 PreparedStatement ob = db.conn.prepareStatement("INSERT INTO waymark_outbox"
                         + " (id, contact_id, run, seq, action, written_at) VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT (id) DO NOTHING")) {
                int ups = 0;
                int obs = 0;
                for (int i = 0; i < out.size(); i++) {
                    Evaluation ev = out.get(i);
                    if (mustWrite[i] || ev.state() != input.get(i)) {
                        bindState(up, ev.state(), ruleset);
                        up.addBatch();
                        ups++;
                    }
                    for (Action a : ev.actions()) {
                        ob.setString(1, a.id());
                        ob.setString(2, a.contactId());
                        ob.setLong(3, run);
                        ob.setLong(4, ++seq);
                        ob.setString(5, WaymarkJson.write(a));
                        ob.addBatch();
                        obs++;
                        actions++;
                    }
                }
                if (ups > 0) {
                    up.executeBatch();
                }
                if (obs > 0) {
                    ob.executeBatch();
                }
            }
            if (!inbox.isEmpty()) {
                try (PreparedStatement del = db.conn.prepareStatement("DELETE FROM waymark_inbox WHERE contact_id IN ("
                        + in + ") AND seq <= ?")) {
                    for (int i = 0; i < ids.size(); i++) {
                        del.setString(i + 1, ids.get(i));
                    }
                    del.setLong(ids.size() + 1, maxSeq);
                    del.executeUpdate();
                }
            }
        }

        /** Binds (id, state, wake_at) of the upsert. */
        static void bindState(PreparedStatement ps, ContactState s, String storeRuleset) throws SQLException {
            ps.setString(1, s.contactId());
            ps.setString(2, WaymarkJson.write(s));
            Long wake = wakeAt(s, storeRuleset);
            if (wake == null) {
                ps.setNull(3, Types.BIGINT);
            } else {
                ps.setLong(3, wake);
            }
        }

        /**
         * The epoch second (floored, so never late) from which the contact must be looked at: its wake-up or
         * its earliest pending event, whichever comes first; at once when it was never evaluated or was by
         * another ruleset than the store's; null when nothing can happen without a new event.
         */
        static Long wakeAt(ContactState s, String storeRuleset) {
            if (s.evaluatedAt() == null || s.rulesetId() == null || !s.rulesetId().equals(storeRuleset)) {
                return ALWAYS_DUE;
            }
            Instant wake = s.nextWakeUp();
            for (Event e : s.pending()) {
                if (wake == null || e.at().isBefore(wake)) {
                    wake = e.at();
                }
            }
            return wake == null ? null : wake.getEpochSecond();
        }
    }
}
