package dev.waymark.kafka;

import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.WaymarkException;
import dev.waymark.json.WaymarkJson;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Kafka serdes for Waymark's values, in the JSON formats of {@code dev.waymark.json.WaymarkJson} (UTF-8, one
 * JSON object, no newline): events and actions as the JSON lines of docs/events-and-actions.md, and whole contact states.
 *
 * <p>{@code null} serializes to {@code null} and back (a tombstone). A value that cannot be read throws
 * Kafka's {@link SerializationException} with Waymark's message (which names the bad field), so Kafka's
 * deserialization exception handlers apply. Every serde is stateless and thread-safe; each call returns a
 * new one.
 */
public final class WaymarkSerdes {

    private WaymarkSerdes() {
    }

    /** Events (docs/events-and-actions.md). Reading validates the event and names the offending field on failure. */
    public static Serde<Event> events() {
        return json(WaymarkJson::write, json -> WaymarkJson.readEvent(json, 0));
    }

    /** Actions (docs/events-and-actions.md), as produced to the actions topic. */
    public static Serde<Action> actions() {
        return json(WaymarkJson::write, WaymarkJson::readAction);
    }

    /** Contact states, as kept in the {@link WaymarkTopology#CONTACTS_STORE} store and its changelog. */
    public static Serde<ContactState> contactStates() {
        return json(WaymarkJson::write, WaymarkJson::readState);
    }

    private static <T> Serde<T> json(Function<T, String> writer, Function<String, T> reader) {
        return Serdes.serdeFrom(
                (topic, value) -> value == null ? null : writer.apply(value).getBytes(StandardCharsets.UTF_8),
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    try {
                        return reader.apply(new String(bytes, StandardCharsets.UTF_8));
                    } catch (WaymarkException e) {
                        throw new SerializationException(e.getMessage(), e);
                    }
                });
    }
}
