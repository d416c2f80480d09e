package dev.waymark.examples.cli;

import dev.waymark.ContactState;
import dev.waymark.store.ContactStore;
import dev.waymark.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code waymark import --state FILE --store PATH} (docs/contact-store.md): loads a state file into a store (created when
 * absent), in one transaction, replacing the stored state of any contact the file holds. The state file is
 * only read. A file that is not a state file is invalid input (exit 3) and changes nothing.
 */
final class ImportCommand {
    static final Map<String, Options.Arity> OPTIONS = Map.of(
            "--state", Options.Arity.ONE,
            "--store", Options.Arity.ONE);

    private final PrintStream stdout;

    ImportCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    void run(Options o) throws IOException {
        Path stateFile = InputFiles.readableFile("--state", o.required("--state"));
        String location = StoreAccess.location(o.required("--store"), false);
        TreeMap<String, ContactState> states = StateFile.read(stateFile);
        long n;
        try (ContactStore store = StoreAccess.open(location)) {
            n = store.importStates(states.values());
        } catch (StoreException e) {
            throw StoreAccess.failure(e);
        }
        stdout.println("imported " + n + (n == 1 ? " contact" : " contacts") + " from " + o.value("--state")
                + " into " + o.value("--store"));
        stdout.flush();
    }
}
