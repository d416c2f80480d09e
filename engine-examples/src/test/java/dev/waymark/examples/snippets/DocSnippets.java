package dev.waymark.examples.snippets;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.ConversionReport;
import dev.waymark.Event;
import dev.waymark.Explanation;
import dev.waymark.InvalidEventException;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import dev.waymark.drools.testing.JourneyScenario;
import dev.waymark.json.WaymarkJson;
import dev.waymark.store.ContactStore;
import dev.waymark.store.PassSummary;
import dev.waymark.store.StoreOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Java blocks of docs/*.md, each between {@code // snippet:NAME} and {@code // end:NAME}: compiled with the
 * tests, run by {@link SnippetsRunTest}, and compared with the documents by {@link DocSnippetsTest}. A block that
 * no longer compiles fails the build; one edited in a document but not here (or the other way round) fails
 * {@link DocSnippetsTest}.
 */
final class DocSnippets {
    private DocSnippets() {
    }

    /** docs/events-and-actions.md: an event built in Java. */
    static Event buildEvent() {
        // snippet:event-in-java
        Event added = new Event("e-2", "c-42", "cart.item_added", Instant.parse("2026-11-20T10:00:00Z"),
                Map.of("cartId", "k-1", "sku", "MUG-1", "price", 12.5, "qty", 2));
        Event opened = new Event("e-3", "c-42", "email.opened", Instant.parse("2026-11-20T11:00:00Z"),
                Map.of("campaignId", "nov-sale"));
        Event custom = new Event("e-4", "c-42", "wishlist.added", Instant.parse("2026-11-20T12:00:00Z"));  // no props
        // end:event-in-java
        return opened.at().isBefore(custom.at()) ? added : custom;
    }

    /** docs/events-and-actions.md: reading a JSONL export, bad lines collected. */
    static List<Event> readExport(Path file, PrintStream err) throws IOException {
        // snippet:read-events
        WaymarkJson.EventLines read;
        try (InputStream in = Files.newInputStream(file)) {
            read = WaymarkJson.readEvents(in);                   // bytes: each line decoded as UTF-8 on its own
        }
        for (InvalidEventException bad : read.errors()) {
            err.println(file + ": " + bad.getMessage());          // e.g. "line 3: props.price: '-3' is not a number from 0 to 1e9"
        }
        List<Event> events = read.events();                      // the valid lines, in input order
        // end:read-events
        return events;
    }

    /** docs/settings-and-policies.md: settings read from JSON and given to the builder. */
    static JourneyEngine engineWithSettings(Path settingsFile) throws IOException {
        // snippet:settings
        Settings settings = WaymarkJson.readSettings(Files.readString(settingsFile));  // InvalidSettingsException names the key
        JourneyEngine engine = Waymark.builder().settings(settings).build();
        // end:settings
        return engine;
    }

    /** docs/settings-and-policies.md: the conversion report and an explanation from Java. */
    static List<String> reportAndExplain(JourneyEngine engine, List<ContactState> states, ContactState state) {
        List<String> out = new ArrayList<>();
        // snippet:report-and-explain
        ConversionReport report = ConversionReport.of(states, engine.settings());   // adds up the states' tallies
        for (ConversionReport.Row row : report.rows("abandoned-cart")) {
            out.add(row.arm() + ": " + row.converted() + "/" + row.reached() + " converted");
        }

        Explanation why = engine.explain(state, Instant.parse("2026-11-01T09:00:00Z")); // changes nothing
        Explanation.Outcome outcome = why.rule("abandoned-cart").outcome();  // FIRES, HOLDOUT, WITHHELD, NOT_DUE, …
        // end:report-and-explain
        out.add(outcome.name());
        return out;
    }

    /** docs/templates.md: an engine that renders message bodies. */
    static JourneyEngine engineWithTemplates(Path templatesDir) {
        // snippet:templates
        JourneyEngine engine = Waymark.builder()
                .templates(templatesDir)          // every T.mvel in it compiles now; an error names file and line
                .build();
        // end:templates
        return engine;
    }

    /** docs/journeys.md: a journey loaded beside the rules, and its test. */
    static List<Action> journeyScenario() {
        // snippet:journey-test
        JourneyScenario s = JourneyScenario.withJourneys(Path.of("samples/journeys/cart-recovery.json"))
                .event("subscribed", "2026-11-20T08:00:00Z", "channel", "email")
                .event("cart.item_added", "2026-11-20T10:00:00Z", "cartId", "k-1", "sku", "MUG", "price", 12.5);
        s.evaluateAt("2026-11-20T13:59:59Z").ofRule("cart-recovery").expectNothing();
        s.evaluateAt("2026-11-20T14:00:00Z").ofRule("cart-recovery")
                .expectExactly("email.send 2026-11-20T10:00:00Z/email-1");
        // end:journey-test
        return s.state().contact().ledger().isEmpty() ? List.of() : List.of();
    }

    /** docs/journeys.md: journeys given to the builder. */
    static JourneyEngine engineWithJourneys() {
        // snippet:journey-builder
        JourneyEngine engine = Waymark.builder()
                .journeys(Path.of("samples/journeys/cart-recovery.json"),
                          Path.of("samples/journeys/post-purchase.json"))
                .build();                         // a journey that is not valid: RuleCompilationException naming file and step
        // end:journey-builder
        return engine;
    }

    /** docs/contact-store.md: one scheduled run on the store, from Java. */
    static PassSummary storeRun(String location, JourneyEngine engine, List<Event> events, Instant now,
                                Consumer<String> mailer) throws IOException {
        // snippet:store-run
        try (ContactStore store = ContactStore.open(location, StoreOptions.defaults())) {  // a file, or a jdbc:postgresql: URL
            store.receive(events);                               // idempotent, one transaction
            PassSummary pass = store.pass(engine, now);          // the due contacts only; pass.late(), pass.failures()
            store.relay(now, (id, json) -> mailer.accept(json)); // committed, unwritten actions; then marked written
            return pass;
        }
        // end:store-run
    }
}
