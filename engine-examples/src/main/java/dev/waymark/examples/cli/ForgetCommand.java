package dev.waymark.examples.cli;

import dev.waymark.store.ContactStore;
import dev.waymark.store.StoreException;
import java.io.PrintStream;
import java.util.Map;

/**
 * {@code waymark forget --store PATH --contact ID} (docs/contact-store.md): erases a contact — its state, pending events,
 * ledger, received events and outbox rows — in one transaction. An event for it afterwards starts a new
 * contact. A contact the store does not hold is bad usage (exit 2) and changes nothing; store failures as
 * {@link StoreAccess} says.
 */
final class ForgetCommand {
    static final Map<String, Options.Arity> OPTIONS = Map.of(
            "--store", Options.Arity.ONE,
            "--contact", Options.Arity.ONE);

    private final PrintStream stdout;

    ForgetCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    void run(Options o) {
        String location = StoreAccess.location(o.required("--store"), true);
        String contactId = o.required("--contact");
        try (ContactStore store = StoreAccess.open(location)) {
            if (!store.forget(contactId)) {
                throw CliException.usage("forget: --contact: no contact '" + contactId + "' in " + o.value("--store")
                        + "; nothing was changed");
            }
        } catch (StoreException e) {
            throw StoreAccess.failure(e);
        }
        stdout.println("forgot contact " + contactId + ": its state, ledger, pending events and actions are erased");
        stdout.flush();
    }
}
