package dev.waymark.store;

import java.time.Duration;
import java.util.Locale;

/**
 * How a {@link ContactStore} is opened and runs its passes: an immutable value, built from
 * {@link #defaults()} with the {@code with…} methods, each of which rejects a bad value at once with an
 * {@link IllegalArgumentException} quoting it.
 *
 * <p>Contracts: never null fields except {@code user} and {@code password} (null: take them from the
 * PostgreSQL URL, or none); they are ignored for SQLite. {@link #toString()} never shows the password.
 * Thread-safe (immutable).
 *
 * @param busyTimeout how long an operation waits for another process holding the store (SQLite's
 *                    {@code busy_timeout} and the store lock) before failing with
 *                    {@link StoreException.Reason#BUSY}; 0 to 1 hour
 * @param fullSync    SQLite {@code synchronous=FULL} instead of {@code NORMAL}: with NORMAL (the default) in
 *                    WAL mode a power cut may lose the last committed transactions, never consistency; a
 *                    process crash loses nothing either way
 * @param batchSize   contacts evaluated and committed per transaction in a due pass, 1 to 10,000
 * @param parallelism threads evaluating rules, 1 to 256
 * @param user        PostgreSQL user, or null
 * @param password    PostgreSQL password, or null
 */
public record StoreOptions(Duration busyTimeout, boolean fullSync, int batchSize, int parallelism, String user,
                           String password) {

    public StoreOptions {
        if (busyTimeout == null) {
            throw new IllegalArgumentException("busyTimeout: null is not a duration");
        }
        if (busyTimeout.isNegative() || busyTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("busyTimeout: '" + busyTimeout + "' is not between 0 and 1 hour");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batchSize: " + batchSize + " is not between 1 and 10,000");
        }
        if (parallelism < 1 || parallelism > 256) {
            throw new IllegalArgumentException("parallelism: " + parallelism + " is not between 1 and 256");
        }
        if (user != null && user.isEmpty()) {
            throw new IllegalArgumentException("user: '' is empty (pass null for none)");
        }
    }

    /**
     * Busy timeout 5 s, {@code synchronous=NORMAL}, batches of 1,000 contacts, one evaluating thread per
     * available processor, no credentials.
     */
    public static StoreOptions defaults() {
        return new StoreOptions(Duration.ofSeconds(5), false, 1_000,
                Math.max(1, Math.min(256, Runtime.getRuntime().availableProcessors())), null, null);
    }

    /** These options with another busy timeout. */
    public StoreOptions withBusyTimeout(Duration timeout) {
        return new StoreOptions(timeout, fullSync, batchSize, parallelism, user, password);
    }

    /** These options with {@code synchronous=FULL} (true) or {@code NORMAL} (false). */
    public StoreOptions withFullSync(boolean full) {
        return new StoreOptions(busyTimeout, full, batchSize, parallelism, user, password);
    }

    /** These options with another batch size. */
    public StoreOptions withBatchSize(int contacts) {
        return new StoreOptions(busyTimeout, fullSync, contacts, parallelism, user, password);
    }

    /** These options with another number of evaluating threads. */
    public StoreOptions withParallelism(int threads) {
        return new StoreOptions(busyTimeout, fullSync, batchSize, threads, user, password);
    }

    /** These options with PostgreSQL credentials (either may be null). */
    public StoreOptions withCredentials(String user, String password) {
        return new StoreOptions(busyTimeout, fullSync, batchSize, parallelism, user, password);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "StoreOptions[busyTimeout=%s, fullSync=%s, batchSize=%d, parallelism=%d, user=%s, password=%s]",
                busyTimeout, fullSync, batchSize, parallelism, user, password == null ? null : "***");
    }
}
