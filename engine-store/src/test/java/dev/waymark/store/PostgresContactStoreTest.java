package dev.waymark.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL server that the test starts itself (no Docker). */
class PostgresContactStoreTest extends ContactStoreContract {

    @Override
    String newLocation() {
        return EmbeddedPostgresServer.get().newDatabase();
    }

    @Override
    Connection jdbc(String location) throws SQLException {
        return DriverManager.getConnection(location);
    }

    @Test
    void anUnreachableServerIsReportedAsSuch() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/waymark?password=hunter2";
        assertThatThrownBy(() -> ContactStore.open(url, StoreOptions.defaults()))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.UNREACHABLE))
                .hasMessageContaining("cannot connect to PostgreSQL")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void credentialsCanComeFromTheOptions() {
        String url = EmbeddedPostgresServer.get().newDatabase().replaceAll("\\?.*", "");
        try (ContactStore store = ContactStore.open(url, StoreOptions.defaults().withCredentials("postgres", "x"))) {
            assertThat(store.contacts()).isZero();
        }
    }
}
