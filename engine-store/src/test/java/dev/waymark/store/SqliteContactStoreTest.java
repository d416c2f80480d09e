package dev.waymark.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on SQLite, plus what only a file can get wrong. */
class SqliteContactStoreTest extends ContactStoreContract {
    @TempDir
    Path dir;
    private final AtomicInteger n = new AtomicInteger();

    @Override
    String newLocation() {
        return dir.resolve("store-" + n.incrementAndGet() + ".db").toString();
    }

    @Override
    Connection jdbc(String location) throws SQLException {
        return sqlite(location);
    }

    @Test
    void refusesAFileThatIsNotADatabaseAndLeavesItAsItIs() throws IOException {
        Path file = dir.resolve("events.jsonl");
        Files.writeString(file, "{\"id\":\"e-1\"}\n", StandardCharsets.UTF_8);
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> open(file.toString()))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.NOT_A_STORE))
                .hasMessageContaining("not an SQLite database");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(Files.list(dir)).containsExactly(file);
    }

    @Test
    void refusesAForeignSqliteDatabaseAndLeavesItAsItIs() throws Exception {
        Path file = dir.resolve("crm.db");
        try (Connection c = sqlite(file.toString()); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT)");
            st.execute("INSERT INTO customers VALUES ('1', 'Ada')");
        }
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> open(file.toString()))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.NOT_A_STORE))
                .hasMessageContaining("other tables (customers)");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(Files.exists(dir.resolve("crm.db-wal"))).isFalse();
    }

    @Test
    void refusesADamagedDatabase() throws Exception {
        Path file = dir.resolve("damaged.db");
        open(file.toString()).close();
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 100; i < bytes.length; i++) {
            bytes[i] = (byte) 0xA5;
        }
        Files.write(file, bytes);
        assertThatThrownBy(() -> open(file.toString()))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.NOT_A_STORE));
    }

    @Test
    void aStoredStateMissingAField_isRefusedNamingTheContactAndTheField() throws Exception {
        String location = newLocation();
        try (ContactStore store = open(location)) {
            store.importStates(java.util.List.of(dev.waymark.ContactState.empty("c-1")));
        }
        try (Connection c = sqlite(location); Statement st = c.createStatement()) {
            // the state as a damaged or hand-edited row would hold it: orderCount gone, which must not read as 0
            st.execute("UPDATE waymark_contacts SET state = replace(state, '\"orderCount\":0,', '') WHERE id = 'c-1'");
        }
        try (ContactStore store = open(location)) {
            assertThatThrownBy(() -> store.state("c-1"))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.NOT_A_STORE))
                    .hasMessageEndingWith("the state of contact c-1 is not a Waymark contact state: contact.orderCount: missing (every state line has it)");
        }
    }

    @Test
    void usesTheWalJournal() throws Exception {
        String location = newLocation();
        open(location).close();
        try (Connection c = sqlite(location); Statement st = c.createStatement(); var rs = st.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("wal");
        }
    }
}
