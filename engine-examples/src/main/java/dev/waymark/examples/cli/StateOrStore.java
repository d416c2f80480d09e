package dev.waymark.examples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --state FILE} or {@code --store PATH} of a command that only reads them ({@code explain},
 * {@code report}): a picocli mixin, so both declare the two options once. Exactly one must be given.
 */
final class StateOrStore {

    @Option(names = "--state", paramLabel = "FILE", converter = OptionTypes.PathValue.class,
            description = "the state file the runs keep")
    Path stateArg;

    @Option(names = "--store", paramLabel = "PATH", converter = OptionTypes.Text.class,
            description = "the store the runs keep (an SQLite file or a jdbc:postgresql: URL)")
    String storeArg;

    /** The value of whichever was given; both or neither is bad usage for {@code command}. */
    String source(String command) {
        if (stateArg != null && storeArg != null) {
            throw CliException.usage(command + ": --state and --store are mutually exclusive (give one)");
        }
        if (stateArg == null && storeArg == null) {
            throw CliException.usage(command + ": --state FILE or --store PATH is required (see waymark " + command + " --help)");
        }
        return stateArg != null ? stateArg.toString() : storeArg;
    }
}
