package dev.waymark.store;

import dev.waymark.store.StoreException.Reason;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates, recognises and (in later versions) migrates the store's tables. The same DDL for both databases,
 * but for the collation of contact ids.
 */
final class Schema {
    private Schema() {
    }

    private static final List<String> V1 = List.of(
            "CREATE TABLE waymark_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            // state: WaymarkJson.write(ContactState); wake_at: epoch second (floored) at or after which the
            // contact must be looked at, null for never
            "CREATE TABLE waymark_contacts (id {ID} PRIMARY KEY, state TEXT NOT NULL, wake_at BIGINT, version BIGINT NOT NULL)",
            "CREATE INDEX waymark_contacts_wake ON waymark_contacts (wake_at)",
            // received events not yet folded into their contact's state; seq: arrival order
            "CREATE TABLE waymark_inbox (contact_id TEXT NOT NULL, event_id TEXT NOT NULL, event TEXT NOT NULL,"
                    + " source TEXT, line INTEGER NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (contact_id, event_id))",
            // committed actions; run and seq: the order they are written in; written_at: null until relayed
            "CREATE TABLE waymark_outbox (id TEXT PRIMARY KEY, contact_id TEXT NOT NULL, run BIGINT NOT NULL,"
                    + " seq BIGINT NOT NULL, action TEXT NOT NULL, written_at TEXT)",
            "CREATE INDEX waymark_outbox_unwritten ON waymark_outbox (run, seq) WHERE written_at IS NULL",
            "CREATE INDEX waymark_outbox_contact ON waymark_outbox (contact_id)",
            "CREATE TABLE waymark_runs (id BIGINT PRIMARY KEY, now TEXT NOT NULL, ruleset TEXT NOT NULL,"
                    + " full_pass INTEGER NOT NULL, due BIGINT NOT NULL, finished INTEGER NOT NULL)");

    /** Makes {@code db} a store of the current version, or throws naming what it is instead. Takes no lock itself. */
    static void prepare(Db db) throws SQLException {
        if (db.tableExists("waymark_meta")) {
            int version = version(db);
            if (version > Db.SCHEMA_VERSION) {
                throw new StoreException(Reason.NEWER_SCHEMA, "store " + db.name + " has schema version " + version
                        + ", newer than this Waymark knows (up to " + Db.SCHEMA_VERSION
                        + "): use the Waymark that wrote it, or a newer one (the store was left as it is)", null);
            }
            if (version < 1) {
                throw notAStore(db, "its schema version is " + version);
            }
            for (String t : Db.TABLES) {
                if (!db.tableExists(t)) {
                    throw notAStore(db, "table " + t + " is missing");
                }
            }
            return; // version 1 is the only one so far: nothing to migrate
        }
        List<String> foreign = new ArrayList<>();
        if (db instanceof Db.Sqlite sqlite) {
            foreign.addAll(sqlite.tables());
        } else {
            for (String t : Db.TABLES) {
                if (db.tableExists(t)) {
                    foreign.add(t);
                }
            }
        }
        if (!foreign.isEmpty()) {
            throw notAStore(db, "it is a database with other tables (" + String.join(", ",
                    foreign.subList(0, Math.min(5, foreign.size()))) + (foreign.size() > 5 ? ", …" : "")
                    + ") and no waymark_meta");
        }
        db.inTransaction(() -> {
            if (db.tableExists("waymark_meta")) {
                return null; // another process created it while this one waited for the write lock
            }
            for (String ddl : V1) {
                // Ids in binary order in both databases (PostgreSQL's default collation follows the locale), so
                // paging through contacts by id uses the primary key.
                db.exec(ddl.replace("{ID}", db instanceof Db.Postgres ? "TEXT COLLATE \"C\"" : "TEXT"));
            }
            db.markAsStore();
            Meta.put(db, "store", "waymark");
            Meta.put(db, "schema_version", Integer.toString(Db.SCHEMA_VERSION));
            Meta.put(db, "inbox_seq", "0");
            return null;
        });
    }

    private static int version(Db db) throws SQLException {
        String v = Meta.get(db, "schema_version");
        String marker = Meta.get(db, "store");
        if (v == null || !"waymark".equals(marker)) {
            throw notAStore(db, "its waymark_meta names no Waymark schema version");
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw notAStore(db, "its schema version is '" + v + "'");
        }
    }

    private static StoreException notAStore(Db db, String why) {
        return new StoreException(Reason.NOT_A_STORE, "store " + db.name + " is not a Waymark store: " + why
                + " (it was left as it is)", null);
    }

    /** The key/value table: schema version, the last pass's ruleset, the latest {@code now}, counters. */
    static final class Meta {
        private Meta() {
        }

        static String get(Db db, String key) throws SQLException {
            try (PreparedStatement ps = db.conn.prepareStatement("SELECT value FROM waymark_meta WHERE key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        }

        static void put(Db db, String key, String value) throws SQLException {
            try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO waymark_meta (key, value) VALUES (?, ?)"
                    + " ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
                ps.setString(1, key);
                ps.setString(2, value);
                ps.executeUpdate();
            }
        }

        static void delete(Db db, String key) throws SQLException {
            try (PreparedStatement ps = db.conn.prepareStatement("DELETE FROM waymark_meta WHERE key = ?")) {
                ps.setString(1, key);
                ps.executeUpdate();
            }
        }
    }
}
