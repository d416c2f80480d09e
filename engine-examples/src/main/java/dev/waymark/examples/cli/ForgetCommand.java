package dev.waymark.examples.cli;

import dev.waymark.store.ContactStore;
import dev.waymark.store.StoreException;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code waymark forget --store PATH --contact ID} (docs/contact-store.md): erases a contact — its state, pending events,
 * ledger, received events and outbox rows — in one transaction. An event for it afterwards starts a new
 * contact. A contact the store does not hold is bad usage (exit 2) and changes nothing; store failures as
 * {@link StoreAccess} says.
 */
@Command(name = "forget", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        synopsisHeading = "usage: java -jar waymark.jar ",
        customSynopsis = {"forget --store PATH --contact ID"},
        header = {
            "Erases a contact from a store: its state, ledger, pending events and actions. An event",
            "for it afterwards starts a new contact. An unknown contact is bad usage."},
        description = {"",
            "Erases a contact from a store, in one transaction: its state, ledger, pending events and actions not "
                + "yet written. An event for it afterwards starts a new contact. A contact the store does not hold "
                + "is bad usage (exit 2) and changes nothing."},
        optionListHeading = "%noptions:%n")
final class ForgetCommand implements CliCommand {

    @Option(names = "--store", required = true, paramLabel = "PATH", converter = OptionTypes.Text.class,
            description = "the store (an SQLite file or a jdbc:postgresql: URL)")
    String storeArg;

    @Option(names = "--contact", required = true, paramLabel = "ID", converter = OptionTypes.Text.class,
            description = "the contact to erase")
    String contactId;

    private final PrintStream stdout;

    ForgetCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    @Override
    public void run() {
        String location = StoreAccess.location(storeArg, true);
        try (ContactStore store = StoreAccess.open(location)) {
            if (!store.forget(contactId)) {
                throw CliException.usage("forget: --contact: no contact '" + contactId + "' in " + storeArg
                        + "; nothing was changed");
            }
        } catch (StoreException e) {
            throw StoreAccess.failure(e);
        }
        stdout.println("forgot contact " + contactId + ": its state, ledger, pending events and actions are erased");
        stdout.flush();
    }
}
