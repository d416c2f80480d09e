package dev.waymark.examples.cli;

/** The one of {@code --state FILE} and {@code --store PATH} that a reading command was given. */
final class StateOrStore {
    private StateOrStore() {
    }

    /** The value of whichever was given; both or neither is bad usage. */
    static String source(Options o, String command) {
        if (o.has("--state") && o.has("--store")) {
            throw CliException.usage(command + ": --state and --store are mutually exclusive (give one)");
        }
        if (!o.has("--state") && !o.has("--store")) {
            throw CliException.usage(command + ": --state FILE or --store PATH is required (see waymark --help)");
        }
        return o.has("--state") ? o.value("--state") : o.value("--store");
    }
}
