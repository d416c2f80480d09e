package dev.waymark.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.InvalidEventException;
import dev.waymark.InvalidSettingsException;
import dev.waymark.Settings;
import dev.waymark.WaymarkException;
import dev.waymark.internal.StandardRules;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Waymark's JSON formats (docs/events-and-actions.md, docs/settings-and-policies.md) and the persisted contact state, kept apart from the domain
 * types so no Jackson type appears in them. All methods are thread-safe; the class holds no mutable state.
 *
 * <p>Errors are exceptions naming the place: {@link InvalidEventException} with line and field for event
 * lines, {@link InvalidSettingsException} with the key for settings, {@link WaymarkException} with the
 * line for a state file.
 */
public final class WaymarkJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final Set<String> EVENT_FIELDS = Set.of("id", "contactId", "type", "at", "props");

    private WaymarkJson() {
    }

    /**
     * Event lines read from a JSONL input: every valid event, in input order, and one error per bad line
     * (blank lines are skipped).
     */
    public record EventLines(List<Event> events, List<InvalidEventException> errors) {
        public EventLines {
            events = List.copyOf(events);
            errors = List.copyOf(errors);
        }
    }

    /** Reads every line of a JSONL event input; bad lines are collected, not thrown, so nothing valid is lost. */
    public static EventLines readEvents(BufferedReader in) {
        List<Event> events = new ArrayList<>();
        List<InvalidEventException> errors = new ArrayList<>();
        forEachLine(in, "events", (line, number) -> {
            try {
                events.add(readEvent(line, number));
            } catch (InvalidEventException e) {
                errors.add(e);
            }
        });
        return new EventLines(events, errors);
    }

    /** Calls {@code action} with each non-blank line and its 1-based number. */
    private static void forEachLine(BufferedReader in, String what, java.util.function.ObjIntConsumer<String> action) {
        try {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    action.accept(line, number);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + what + ": " + e.getMessage(), e);
        }
    }

    /** Parses one event line; {@code line} is its 1-based number, used in errors. */
    public static Event readEvent(String json, int line) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(line, "", "not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidEventException(line, "", "an event must be a JSON object");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!EVENT_FIELDS.contains(name)) {
                throw new InvalidEventException(line, name, "unknown field (allowed: id, contactId, type, at, props)");
            }
        }
        try {
            String id = text(node, "id");
            String contactId = text(node, "contactId");
            String type = text(node, "type");
            Instant at = instant(node, "at");
            Map<String, Object> props = Map.of();
            JsonNode p = node.get("props");
            if (p != null && !p.isNull()) {
                if (!p.isObject()) {
                    throw new InvalidEventException("props", "must be an object");
                }
                props = toMap(p);
            }
            return new Event(id, contactId, type, at, props);
        } catch (InvalidEventException e) {
            throw e.atLine(line);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toMap(JsonNode node) {
        return MAPPER.convertValue(node, Map.class);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidEventException(field, "is required");
        }
        if (!v.isTextual()) {
            throw new InvalidEventException(field, "must be a string, was " + v);
        }
        return v.asText();
    }

    private static Instant instant(JsonNode node, String field) {
        String s = text(node, field);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new InvalidEventException(field, "'" + s + "' is not an ISO-8601 instant like 2026-11-20T10:00:00Z");
        }
    }

    /** One event as a JSON line (no newline). */
    public static String write(Event e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", e.id());
        n.put("contactId", e.contactId());
        n.put("type", e.type());
        n.put("at", e.at().toString());
        if (!e.props().isEmpty()) {
            n.set("props", MAPPER.valueToTree(e.props()));
        }
        return n.toString();
    }

    /** One action as a JSON line (no newline), fields in the order of docs/events-and-actions.md. */
    public static String write(Action a) {
        try {
            return MAPPER.writeValueAsString(a);
        } catch (JsonProcessingException e) {
            throw new WaymarkException("cannot write action " + a.id() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Writes actions as JSONL, one per line. */
    public static void writeActions(Iterable<Action> actions, Writer out) {
        try {
            for (Action a : actions) {
                out.write(write(a));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing actions: " + e.getMessage(), e);
        }
    }

    /** Parses one action line. */
    public static Action readAction(String json) {
        try {
            return MAPPER.readValue(json, Action.class);
        } catch (JsonProcessingException e) {
            throw new WaymarkException("not a valid action: " + e.getOriginalMessage(), e);
        }
    }

    /** One contact's whole state as a JSON line (no newline): enough to restart without repeating an action. */
    public static String write(ContactState state) {
        try {
            return MAPPER.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new WaymarkException("cannot write state of " + state.contactId() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Reads a state written by {@link #write(ContactState)}. */
    public static ContactState readState(String json) {
        try {
            return MAPPER.readValue(json, ContactState.class);
        } catch (JsonProcessingException e) {
            throw new WaymarkException("not a valid contact state: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new WaymarkException("not a valid contact state: " + e.getMessage(), e);
        }
    }

    /** Writes states as JSONL, one contact per line. */
    public static void writeStates(Iterable<ContactState> states, Writer out) {
        try {
            for (ContactState s : states) {
                out.write(write(s));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing state: " + e.getMessage(), e);
        }
    }

    /** Reads a JSONL state file; an unreadable line throws naming its number. */
    public static List<ContactState> readStates(BufferedReader in) {
        List<ContactState> states = new ArrayList<>();
        forEachLine(in, "state", (line, number) -> {
            try {
                states.add(readState(line));
            } catch (WaymarkException e) {
                throw new WaymarkException("state line " + number + ": " + e.getMessage(), e);
            }
        });
        return states;
    }

    /**
     * Reads settings (docs/settings-and-policies.md). Every key is optional; an unknown key, rule parameter, or a value of the
     * wrong kind or range throws {@link InvalidSettingsException} naming it.
     */
    public static Settings readSettings(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidSettingsException("(file)", "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return Settings.defaults();
        }
        if (!root.isObject()) {
            throw new InvalidSettingsException("(file)", "settings must be a JSON object");
        }
        Settings.Builder b = Settings.builder();
        Iterator<Map.Entry<String, JsonNode>> top = root.fields();
        while (top.hasNext()) {
            Map.Entry<String, JsonNode> e = top.next();
            switch (e.getKey()) {
                case "rules" -> readRules(e.getValue(), b);
                case "policies" -> b.policies(PolicyJson.read(e.getValue()));
                default -> throw new InvalidSettingsException(e.getKey(), "unknown key (known: rules, policies)");
            }
        }
        return b.build();
    }

    private static void readRules(JsonNode rules, Settings.Builder b) {
        if (!rules.isObject()) {
            throw new InvalidSettingsException("rules", "must be an object of rule id to rule settings");
        }
        Iterator<Map.Entry<String, JsonNode>> it = rules.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> rule = it.next();
            String id = rule.getKey();
            if (!rule.getValue().isObject()) {
                throw new InvalidSettingsException("rules." + id, "must be an object");
            }
            Iterator<Map.Entry<String, JsonNode>> params = rule.getValue().fields();
            while (params.hasNext()) {
                Map.Entry<String, JsonNode> p = params.next();
                String key = "rules." + id + "." + p.getKey();
                if (p.getKey().equals("enabled")) {
                    if (!p.getValue().isBoolean()) {
                        throw new InvalidSettingsException(key, "must be true or false, was " + p.getValue());
                    }
                    b.enabled(id, p.getValue().booleanValue());
                } else if (StandardRules.isStandard(id)) {
                    b.param(id, p.getKey(), value(p.getValue()));
                } else {
                    throw new InvalidSettingsException(key, "'" + id + "' is no standard rule (those are: "
                            + String.join(", ", StandardRules.ids()) + "); a custom rule takes only 'enabled'");
                }
            }
        }
    }

    private static Object value(JsonNode v) {
        if (v.isNumber()) {
            return v.numberValue();
        }
        if (v.isArray()) {
            List<Object> out = new ArrayList<>();
            v.forEach(x -> out.add(value(x)));
            return out;
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isNull()) {
            return null;
        }
        return v.toString();
    }
}
