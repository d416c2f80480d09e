package dev.waymark.kafka;

import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Engines shared by the tests (compiling rules takes about a second) and a shorthand for events. */
final class Engines {

    private Engines() {
    }

    /** The standard rules with default settings, built once on first use. */
    static JourneyEngine standard() {
        return Standard.ENGINE;
    }

    private static final class Standard {
        static final JourneyEngine ENGINE = Waymark.builder().build();
    }

    /** An event; {@code props} alternate name and value. */
    static Event event(String id, String contactId, String type, Instant at, Object... props) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < props.length; i += 2) {
            p.put((String) props[i], props[i + 1]);
        }
        return new Event(id, contactId, type, at, p);
    }
}
