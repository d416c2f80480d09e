package dev.waymark.examples.snippets;

// The README's "Embedding in Java" example, whole: the README block is the region below, and
// SnippetsRunTest runs main() and checks what it prints.
// snippet:embed
import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import dev.waymark.json.WaymarkJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;

public class Embed {
    public static void main(String[] args) {
        // Build once (it compiles the rules), then share it across threads.
        JourneyEngine engine = Waymark.builder().build();          // the ten standard rules, default settings

        // new Event(id, contactId, type, at, props): validated at once (InvalidEventException names the field).
        List<Event> events = List.of(
                new Event("e-1", "c-42", "subscribed", Instant.parse("2026-11-20T09:00:00Z"),
                        Map.of("channel", "email")),
                new Event("e-2", "c-42", "cart.item_added", Instant.parse("2026-11-20T10:00:00Z"),
                        Map.of("cartId", "k-1", "sku", "MUG-1", "price", 12.5, "qty", 2)));

        ContactState state = ContactState.empty("c-42");           // or WaymarkJson.readState(what you saved)
        Evaluation result = engine.evaluate(state, events, Instant.parse("2026-11-20T14:00:00Z"));

        for (Action action : result.actions()) {                   // each (contact, rule, type, key) once, ever
            System.out.println(WaymarkJson.write(action));          // hand it to your mailer, CRM, ad platform…
        }
        String saved = WaymarkJson.write(result.state());          // keep it: facts, ledger, pending events
        System.out.println(saved.length() + " characters of state; next wake-up "
                + result.nextWakeUp().map(Instant::toString).orElse("none"));
    }
}
// end:embed
