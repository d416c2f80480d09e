package dev.waymark.store;

import dev.waymark.store.StoreException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * One database connection of a store and what differs between SQLite and PostgreSQL: how to connect,
 * how to recognise a foreign database, how a transaction begins, and the store lock. Not thread-safe:
 * {@link ContactStore} serialises every call.
 */
abstract class Db implements AutoCloseable {

    /** The schema version this code writes and reads. */
    static final int SCHEMA_VERSION = 1;

    /** SQLite's application_id of a Waymark store: "WYMK". */
    static final int APPLICATION_ID = 0x57594D4B;

    static final List<String> TABLES = List.of("waymark_meta", "waymark_contacts", "waymark_inbox", "waymark_outbox",
            "waymark_runs");

    final Connection conn;
    final String name;
    final long busyMillis;

    Db(Connection conn, String name, long busyMillis) {
        this.conn = conn;
        this.name = name;
        this.busyMillis = busyMillis;
    }

    static Db open(String pathOrUrl, StoreOptions options) {
        if (pathOrUrl == null || pathOrUrl.isBlank()) {
            throw new IllegalArgumentException("store: '" + pathOrUrl + "' is neither a file path nor a jdbc:postgresql: URL");
        }
        if (pathOrUrl.startsWith("jdbc:")) {
            if (!pathOrUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("store: '" + redact(pathOrUrl)
                        + "' is a JDBC URL but not jdbc:postgresql: (a store is an SQLite file path or a PostgreSQL URL)");
            }
            return Postgres.connect(pathOrUrl, options);
        }
        return Sqlite.connect(Path.of(pathOrUrl), options);
    }

    /** A URL without the value of any password parameter. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /** Runs {@code work} in one write transaction, committed when it returns, rolled back when it throws. */
    <T> T inTransaction(SqlWork<T> work) throws SQLException {
        begin();
        boolean done = false;
        try {
            T result = work.run();
            commit();
            done = true;
            return result;
        } finally {
            if (!done) {
                try {
                    rollback();
                } catch (SQLException suppressed) {
                    // the connection is broken; the database rolls back on its own
                }
            }
        }
    }

    abstract void begin() throws SQLException;

    abstract void commit() throws SQLException;

    abstract void rollback() throws SQLException;

    /** Takes the store lock (one pass, receive, import or forget at a time), waiting up to the busy timeout. */
    abstract void lock();

    abstract void unlock();

    /** Whether the named table exists. */
    abstract boolean tableExists(String table) throws SQLException;

    /** Marks a new database as a Waymark store (inside the schema transaction). */
    void markAsStore() throws SQLException {
    }

    /** Called after the schema is known good: settings that persist in the file, such as the WAL journal. */
    void afterValidated() throws SQLException {
    }

    /** The failure to report for an SQL exception during normal use. */
    StoreException failure(String what, SQLException e) {
        if (isBusy(e)) {
            return new StoreException(Reason.BUSY, "store " + name + " is busy: another process held it for more than "
                    + busyMillis + " ms while " + what + " (" + e.getMessage() + "); nothing was changed, try again", e);
        }
        return new StoreException(Reason.FAILED, "store " + name + ": " + what + " failed: " + e.getMessage(), e);
    }

    abstract boolean isBusy(SQLException e);

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // closing: nothing left to do
        }
    }

    /** A piece of work against the connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run() throws SQLException;
    }

    void exec(String sql) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        }
    }

    // ---------------------------------------------------------------------------------------------------

    /** The embedded store: one SQLite file, WAL journal, one writer, write transactions begun IMMEDIATE. */
    static final class Sqlite extends Db {
        private static final byte[] HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

        private final Path lockFile;
        private final boolean fullSync;
        private FileChannel lockChannel;
        private FileLock lock;

        private Sqlite(Connection conn, Path file, long busyMillis, boolean fullSync) {
            super(conn, file.toString(), busyMillis);
            this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
            this.fullSync = fullSync;
        }

        static Sqlite connect(Path file, StoreOptions options) {
            String name = file.toString();
            if (Files.isDirectory(file)) {
                throw new StoreException(Reason.NOT_A_STORE, "store " + name + " is a directory, not a Waymark store file", null);
            }
            Path dir = file.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new StoreException(Reason.FAILED, "store " + name + ": its folder does not exist", null);
            }
            if (Files.exists(file)) {
                checkHeader(file, name);
            }
            long busy = options.busyTimeout().toMillis();
            Properties props = new Properties();
            // Not the driver's own journal or transaction settings: nothing may be written to a file before it
            // is known to be a Waymark store (journal_mode=WAL persists in the file).
            props.setProperty("busy_timeout", Long.toString(busy));
            try {
                Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), props);
                Sqlite db = new Sqlite(c, file, busy, options.fullSync());
                db.exec("PRAGMA busy_timeout = " + busy);
                return db;
            } catch (SQLException e) {
                throw new StoreException(Reason.FAILED, "store " + name + ": cannot open it: " + e.getMessage(), e);
            }
        }

        private static void checkHeader(Path file, String name) {
            try (InputStream in = Files.newInputStream(file)) {
                byte[] head = in.readNBytes(HEADER.length);
                if (head.length == 0) {
                    return; // an empty file: SQLite treats it as an empty database, and so do we
                }
                if (!Arrays.equals(head, HEADER)) {
                    throw new StoreException(Reason.NOT_A_STORE, "store " + name
                            + " is not a Waymark store: it is not an SQLite database (it was left as it is)", null);
                }
            } catch (IOException e) {
                throw new StoreException(Reason.FAILED, "store " + name + ": cannot read it: " + e.getMessage(), e);
            }
        }

        @Override
        void begin() throws SQLException {
            exec("BEGIN IMMEDIATE");
        }

        @Override
        void commit() throws SQLException {
            exec("COMMIT");
        }

        @Override
        void rollback() throws SQLException {
            try {
                exec("ROLLBACK");
            } catch (SQLException e) {
                if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
                    throw e;
                }
            }
        }

        @Override
        boolean tableExists(String table) throws SQLException {
            try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        }

        /** Names of every table in the file, for recognising a foreign database. */
        List<String> tables() throws SQLException {
            List<String> names = new ArrayList<>();
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        }

        @Override
        void markAsStore() throws SQLException {
            exec("PRAGMA application_id = " + APPLICATION_ID);
        }

        @Override
        void afterValidated() throws SQLException {
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                rs.next();
            }
            exec("PRAGMA synchronous = " + (fullSync ? "FULL" : "NORMAL"));
        }

        @Override
        void lock() {
            long deadline = System.nanoTime() + busyMillis * 1_000_000L;
            try {
                lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                while (true) {
                    try {
                        lock = lockChannel.tryLock();
                    } catch (OverlappingFileLockException e) {
                        lock = null; // held by another ContactStore in this JVM
                    }
                    if (lock != null) {
                        return;
                    }
                    if (System.nanoTime() - deadline > 0) {
                        lockChannel.close();
                        lockChannel = null;
                        throw new StoreException(Reason.BUSY, "store " + name + " is in use by another run (it holds "
                                + lockFile.getFileName() + ") for more than " + busyMillis
                                + " ms; nothing was changed: run again when it has finished", null);
                    }
                    Thread.sleep(20);
                }
            } catch (IOException e) {
                throw new StoreException(Reason.FAILED, "store " + name + ": cannot lock " + lockFile + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException(Reason.BUSY, "store " + name + ": interrupted while waiting for another run", e);
            }
        }

        @Override
        void unlock() {
            try {
                if (lock != null) {
                    lock.release();
                }
                if (lockChannel != null) {
                    lockChannel.close();
                }
            } catch (IOException e) {
                // closing the channel releases the lock in any case
            } finally {
                lock = null;
                lockChannel = null;
            }
        }

        @Override
        boolean isBusy(SQLException e) {
            String m = String.valueOf(e.getMessage());
            return m.contains("SQLITE_BUSY") || m.contains("database is locked");
        }
    }

    // ---------------------------------------------------------------------------------------------------

    /** A store in PostgreSQL: the same tables, in the connection's current schema. */
    static final class Postgres extends Db {
        private boolean locked;

        private Postgres(Connection conn, String name, long busyMillis) {
            super(conn, name, busyMillis);
        }

        static Postgres connect(String url, StoreOptions options) {
            String name = redact(url);
            Properties props = new Properties();
            if (options.user() != null) {
                props.setProperty("user", options.user());
            }
            if (options.password() != null) {
                props.setProperty("password", options.password());
            }
            props.setProperty("connectTimeout", "10");
            props.setProperty("ApplicationName", "waymark");
            try {
                Connection c = DriverManager.getConnection(url, props);
                c.setAutoCommit(true);
                return new Postgres(c, name, options.busyTimeout().toMillis());
            } catch (SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                if (state.startsWith("08") || state.startsWith("28") || state.equals("3D000")) {
                    throw new StoreException(Reason.UNREACHABLE, "store " + name + ": cannot connect to PostgreSQL: "
                            + e.getMessage(), e);
                }
                throw new StoreException(Reason.FAILED, "store " + name + ": cannot open it: " + e.getMessage(), e);
            }
        }

        @Override
        void begin() throws SQLException {
            conn.setAutoCommit(false);
        }

        @Override
        void commit() throws SQLException {
            conn.commit();
            conn.setAutoCommit(true);
        }

        @Override
        void rollback() throws SQLException {
            if (!conn.getAutoCommit()) {
                conn.rollback();
                conn.setAutoCommit(true);
            }
        }

        @Override
        boolean tableExists(String table) throws SQLException {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        }

        @Override
        void lock() {
            long deadline = System.nanoTime() + busyMillis * 1_000_000L;
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT pg_try_advisory_lock(hashtext(current_schema() || '.waymark_store'))")) {
                while (true) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            locked = true;
                            return;
                        }
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw new StoreException(Reason.BUSY, "store " + name + " is in use by another run (it holds the"
                                + " store's advisory lock) for more than " + busyMillis
                                + " ms; nothing was changed: run again when it has finished", null);
                    }
                    Thread.sleep(50);
                }
            } catch (SQLException e) {
                throw failure("taking the store lock", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException(Reason.BUSY, "store " + name + ": interrupted while waiting for another run", e);
            }
        }

        @Override
        void unlock() {
            if (!locked) {
                return;
            }
            locked = false;
            try {
                rollback();
                exec("SELECT pg_advisory_unlock(hashtext(current_schema() || '.waymark_store'))");
            } catch (SQLException e) {
                // the lock goes with the session at the latest
            }
        }

        @Override
        boolean isBusy(SQLException e) {
            return "55P03".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
        }
    }
}
