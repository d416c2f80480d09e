package dev.waymark.examples.cli;

import dev.waymark.store.ContactStore;
import dev.waymark.store.StoreException;
import dev.waymark.store.StoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens the contact store of {@code --store PATH} (docs/contact-store.md) — an SQLite file path, or a {@code jdbc:postgresql:}
 * URL whose user and password come from the URL or from the environment variables {@code WAYMARK_STORE_USER}
 * and {@code WAYMARK_STORE_PASSWORD} — and turns a store failure into a {@code waymark:} message and exit code:
 *
 * <ul>
 *   <li>3 (invalid input): a file that is not a database, is damaged, or is not a Waymark store; a store of a
 *       newer schema than this Waymark knows;</li>
 *   <li>1 (other): PostgreSQL unreachable or refusing the login; another run holding the store longer than
 *       the busy timeout; any other database failure;</li>
 *   <li>2 (bad usage): a JDBC URL of another database, a missing folder, or (for commands that only read or
 *       erase) a store file that does not exist.</li>
 * </ul>
 * The store is left as it was in every case.
 */
final class StoreAccess {
    private StoreAccess() {
    }

    /** Checks the option's value before any work: its folder must exist; with {@code mustExist} the file too. */
    static String location(String value, boolean mustExist) {
        if (isUrl(value)) {
            if (!value.startsWith("jdbc:postgresql:")) {
                throw CliException.usage("--store: '" + value.replaceAll("(?i)(password=)[^&]*", "$1***")
                        + "' is a JDBC URL but not jdbc:postgresql: (a store is an SQLite file path or a PostgreSQL URL)");
            }
            return value;
        }
        Path p = InputFiles.writableFile("--store", value, true);
        if (mustExist && !Files.exists(p)) {
            throw CliException.usage("--store: no such store: " + value);
        }
        return value;
    }

    private static boolean isUrl(String value) {
        return value.startsWith("jdbc:");
    }

    /** Opens the store, with credentials from the environment for PostgreSQL when set. */
    static ContactStore open(String location) {
        StoreOptions options = StoreOptions.defaults();
        // Rules off this thread even on one processor, so the watchdog can end a run whose rule never returns.
        options = options.withParallelism(Math.max(2, options.parallelism()));
        if (isUrl(location)) {
            options = options.withCredentials(blankToNull(System.getenv("WAYMARK_STORE_USER")),
                    blankToNull(System.getenv("WAYMARK_STORE_PASSWORD")));
        }
        try {
            return ContactStore.open(location, options);
        } catch (StoreException e) {
            throw failure(e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The command-line failure for a store failure. */
    static CliException failure(StoreException e) {
        ExitStatus status = switch (e.reason()) {
            case NOT_A_STORE, NEWER_SCHEMA -> ExitStatus.INVALID_INPUT;
            case UNREACHABLE, BUSY, FAILED -> ExitStatus.FAILURE;
        };
        return new CliException(status, List.of("--store: " + e.getMessage()), e);
    }
}
