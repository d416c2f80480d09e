package dev.waymark.examples.storage;

import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.json.WaymarkJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The host's side of Waymark's contract: it keeps every contact's {@link ContactState} (the engine keeps
 * none), receives events into them, picks the contacts due for evaluation, and persists them. Here an
 * in-memory map saved to a JSONL file with {@link WaymarkJson}; a real host would use its database, one
 * row per contact. Not thread-safe: one scheduler thread owns it.
 */
public final class InMemoryContactStore {

    private final TreeMap<String, ContactState> states = new TreeMap<>();

    /** The store saved in {@code file}, or an empty one when the file does not exist. */
    public static InMemoryContactStore restore(Path file) throws IOException {
        InMemoryContactStore store = new InMemoryContactStore();
        if (Files.exists(file) && Files.size(file) > 0) {
            try (InputStream in = Files.newInputStream(file)) {
                for (ContactState s : WaymarkJson.readStates(in)) {
                    store.states.put(s.contactId(), s);
                }
            }
        }
        return store;
    }

    /** Saves every contact to {@code file}, replacing it atomically (a crash keeps the previous save). */
    public void save(Path file) throws IOException {
        new AtomicFile(file).write(out -> WaymarkJson.writeStates(states.values(), out));
    }

    /**
     * Receives events: each waits in its contact's state until an evaluation reaches its time. An event
     * delivered twice (same id) is ignored by the state, so an at-least-once queue is fine.
     */
    public void receive(Collection<Event> events) {
        Map<String, List<Event>> byContact = new TreeMap<>();
        for (Event e : events) {
            byContact.computeIfAbsent(e.contactId(), id -> new ArrayList<>()).add(e);
        }
        byContact.forEach((id, list) -> {
            ContactState s = states.getOrDefault(id, ContactState.empty(id));
            states.put(id, s.withEvents(list));
        });
    }

    /**
     * The contacts to evaluate at {@code now}, by contact id: never evaluated, holding an event whose time
     * has come, or whose wake-up has come. Everyone else has nothing due (the engine would skip them too;
     * not loading them is the host's saving). A contact rolled back by a rule failure still holds its
     * events, so it is retried.
     */
    public List<ContactState> due(Instant now) {
        List<ContactState> due = new ArrayList<>();
        for (ContactState s : states.values()) {
            if (isDue(s, now)) {
                due.add(s);
            }
        }
        return due;
    }

    /** Whether a contact may have something to do at {@code now}; see {@link #due(Instant)}. */
    public static boolean isDue(ContactState s, Instant now) {
        if (s.evaluatedAt() == null || s.wakeUp().map(w -> !w.isAfter(now)).orElse(false)) {
            return true;
        }
        for (Event e : s.pending()) {
            if (!e.at().isAfter(now)) {
                return true;
            }
        }
        return false;
    }

    /** Keeps a contact's state after an evaluation. */
    public void update(ContactState state) {
        states.put(state.contactId(), state);
    }

    /** The state of one contact, or {@code null} if the store has never seen it. */
    public ContactState get(String contactId) {
        return states.get(contactId);
    }

    /** How many contacts the store holds. */
    public int size() {
        return states.size();
    }
}
