package dev.waymark.examples.cli;

import dev.waymark.ContactState;
import dev.waymark.store.ContactStore;
import dev.waymark.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code waymark import --state FILE --store PATH} (docs/contact-store.md): loads a state file into a store (created when
 * absent), in one transaction, replacing the stored state of any contact the file holds. The state file is
 * only read. A file that is not a state file is invalid input (exit 3) and changes nothing.
 */
@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        synopsisHeading = "usage: java -jar waymark.jar ",
        customSynopsis = {"import --state FILE --store PATH"},
        header = {
            "Loads a state file into a store (created when absent), replacing the contacts the file",
            "holds; the state file is only read."},
        description = {"",
            "Loads a state file into a store (created when absent), in one transaction, replacing the stored state "
                + "of every contact the file holds. The state file is only read. A file that is not a state file is "
                + "invalid input (exit 3) and changes nothing."},
        optionListHeading = "%noptions:%n")
final class ImportCommand implements CliCommand {

    @Option(names = "--state", required = true, paramLabel = "FILE", converter = OptionTypes.PathValue.class,
            description = "the state file to load")
    Path stateArg;

    @Option(names = "--store", required = true, paramLabel = "PATH", converter = OptionTypes.Text.class,
            description = "the store to load it into (an SQLite file, created when absent, or a jdbc:postgresql: URL)")
    String storeArg;

    private final PrintStream stdout;

    ImportCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    @Override
    public void run() throws IOException {
        Path stateFile = InputFiles.readableFile("--state", stateArg.toString());
        String location = StoreAccess.location(storeArg, false);
        TreeMap<String, ContactState> states = StateFile.read(stateFile);
        long n;
        try (ContactStore store = StoreAccess.open(location)) {
            n = store.importStates(states.values());
        } catch (StoreException e) {
            throw StoreAccess.failure(e);
        }
        stdout.println("imported " + n + (n == 1 ? " contact" : " contacts") + " from " + stateArg
                + " into " + storeArg);
        stdout.flush();
    }
}
