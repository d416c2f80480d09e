package dev.waymark.examples.cli;

/** The one of {@code --state FILE} and {@code --store PATH} that a reading command was given. */
final class StateOrStore {
    private StateOrStore() {
    }

    /** The value of whichever was given; both or neither is bad usage. */
    static String source(java.nio.file.Path state, String store, String command) {
        if (state != null && store != null) {
            throw CliException.usage(command + ": --state and --store are mutually exclusive (give one)");
        }
        if (state == null && store == null) {
            throw CliException.usage(command + ": --state FILE or --store PATH is required (see waymark " + command + " --help)");
        }
        return state != null ? state.toString() : store;
    }
}
