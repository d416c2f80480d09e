package com.example.shop;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.InvalidEventException;
import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import dev.waymark.json.WaymarkJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Embeds Waymark in a program: reads shop events (one JSON object per line), evaluates every contact at
 * the given instant with the ten standard rules, and prints the actions as JSON lines.
 *
 * <pre>{@code java com.example.shop.Main EVENTS.jsonl NOW}</pre>
 *
 * <p>A real host keeps each contact's {@link ContactState} between runs (for example
 * {@code WaymarkJson.write(state)} in a database) and hands it back with the new events; here every contact
 * starts empty, so the program shows one evaluation.
 */
public final class Main {
    private Main() {
    }

    /**
     * Runs the example.
     *
     * @param args the events file and the evaluation instant (ISO-8601, for example 2026-11-21T09:00:00Z)
     * @throws IOException when the events file cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: Main EVENTS.jsonl NOW");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        Instant now = Instant.parse(args[1]);

        // 1. Events in: every valid line; each bad one is reported with its line and field, not thrown.
        WaymarkJson.EventLines read;
        try (BufferedReader in = Files.newBufferedReader(file)) {
            read = WaymarkJson.readEvents(in);
        }
        for (InvalidEventException bad : read.errors()) {
            System.err.println(file + ": " + bad.getMessage());
        }
        Map<String, List<Event>> byContact = new TreeMap<>();
        for (Event e : read.events()) {
            byContact.computeIfAbsent(e.contactId(), id -> new ArrayList<>()).add(e);
        }

        // 2. One engine for the whole program: building compiles the rules; it is immutable and thread-safe.
        JourneyEngine engine = Waymark.builder().build();

        // 3. Actions out: each (contact, rule, type, key) at most once in a contact's life, with a stable id.
        int actions = 0;
        for (Map.Entry<String, List<Event>> contact : byContact.entrySet()) {
            ContactState state = ContactState.empty(contact.getKey());
            Evaluation result = engine.evaluate(state, contact.getValue(), now);
            for (Action action : result.actions()) {
                System.out.println(WaymarkJson.write(action));
                actions++;
            }
            if (!result.failures().isEmpty()) {
                System.err.println("rule failure: " + result.failures());
            }
            // A host would now save result.state() and schedule the contact for result.nextWakeUp().
        }
        System.err.println(read.events().size() + " events, " + byContact.size() + " contacts, " + actions
                + " actions, " + read.errors().size() + " bad lines");
        if (!read.errors().isEmpty()) {
            System.exit(3);
        }
    }
}
