package dev.waymark.store;

import dev.waymark.WaymarkException;

/**
 * A contact store that cannot be opened or used, with the {@link Reason} a host needs to react (the
 * command line maps it to an exit code). The message names the store (a path, or a PostgreSQL URL
 * without its password) and what is wrong. When thrown, the store is as it was: nothing was half done.
 */
public final class StoreException extends WaymarkException {
    private static final long serialVersionUID = 1L;

    /** Why the store failed. */
    public enum Reason {
        /** The file is not a database, is damaged, or is a database that is not a Waymark store. */
        NOT_A_STORE,
        /** The store was written by a newer Waymark: its schema version is higher than this one knows. */
        NEWER_SCHEMA,
        /** The PostgreSQL server cannot be reached or refused the login. */
        UNREACHABLE,
        /** Another process holds the store (a pass running) for longer than the busy timeout. */
        BUSY,
        /** Any other database failure. */
        FAILED
    }

    private final Reason reason;

    /** A failure for {@code reason}. */
    public StoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Why the store failed. */
    public Reason reason() {
        return reason;
    }
}
