package dev.waymark.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
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
import java.io.InputStream;
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

    private static final ObjectMapper MAPPER = base().build();

    /**
     * Reads contact states strictly: every field the writer writes must be there (a missing one is an
     * error, not a zero or an empty collection), no null for a number or flag, no number in quotes or
     * fraction for an integer. Fields added after the first state format are filled in before binding.
     */
    private static final ObjectMapper STATE_MAPPER = base()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    /**
     * Fields of a contact ({@code contact.*}) that states written by earlier versions lack: absent means
     * none. Every other field of a state line is required. A field added to the state later belongs here.
     */
    private static final List<String> OPTIONAL_CONTACT_FIELDS = List.of("conversions", "journeys", "reviewTimes",
            "lateBefore", "closedCartOrders", "cartMarks");

    private static JsonMapper.Builder base() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

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

    /**
     * Reads a state written by {@link #write(ContactState)}, strictly: a missing field (other than those a
     * state of an earlier version lacks, {@code contact.conversions} and {@code contact.journeys}), an unknown
     * field or a value of the wrong kind throws naming the field, for example {@code contact.orderCount}.
     */
    public static ContactState readState(String json) {
        JsonNode node;
        try {
            node = STATE_MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new WaymarkException("not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new WaymarkException("a contact state must be a JSON object");
        }
        if (node.get("contact") instanceof ObjectNode contact) {
            for (String field : OPTIONAL_CONTACT_FIELDS) {
                if (!contact.has(field)) {
                    contact.putNull(field);
                }
            }
        }
        try {
            return STATE_MAPPER.treeToValue(node, ContactState.class);
        } catch (JsonProcessingException e) {
            throw new WaymarkException(describe(e), e);
        } catch (IllegalArgumentException e) {
            throw new WaymarkException("not a valid contact state: " + e.getMessage(), e);
        }
    }

    /** A binding error as {@code field.path: what is wrong}. */
    private static String describe(JsonProcessingException e) {
        StringBuilder path = new StringBuilder();
        if (e instanceof JsonMappingException m) {
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    path.append('[').append(r.getIndex()).append(']');
                }
            }
        }
        String message = e.getOriginalMessage();
        java.util.regex.Matcher missing = MISSING.matcher(message);
        if (e instanceof UnrecognizedPropertyException) {
            return path + ": unknown field";
        } else if (missing.find()) {
            // Jackson's path already ends at the missing property
            return (path.isEmpty() ? missing.group(1) : path) + ": missing (every state line has it)";
        }
        // Jackson's own words up to its hint about features, which means nothing to a person with a state file
        int hint = message.indexOf("; `");
        return (path.isEmpty() ? "" : path + ": ") + (hint > 0 ? message.substring(0, hint) : message);
    }

    private static final java.util.regex.Pattern MISSING = java.util.regex.Pattern.compile("Missing creator property '([^']*)'");

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
        forEachLine(in, "state", (line, number) -> states.add(readStateLine(line, number)));
        return states;
    }

    /**
     * Reads a JSONL state file from its bytes, each line decoded as UTF-8 on its own: a line that is not
     * UTF-8, or not a valid state (see {@link #readState}), throws {@link WaymarkException} naming its number.
     *
     * @throws UncheckedIOException when {@code in} cannot be read
     */
    public static List<ContactState> readStates(InputStream in) {
        List<ContactState> states = new ArrayList<>();
        forEachLine(in, l -> {
            if (l.utf8Problem() != null) {
                throw new WaymarkException("state line " + l.number() + ": " + l.utf8Problem());
            }
            if (!l.text().isBlank()) {
                states.add(readStateLine(l.text(), l.number()));
            }
        });
        return states;
    }

    private static ContactState readStateLine(String line, int number) {
        try {
            return readState(line);
        } catch (WaymarkException e) {
            throw new WaymarkException("state line " + number + ": " + e.getMessage(), e);
        }
    }

    /**
     * One line of a JSONL input, decoded on its own.
     *
     * @param number      its 1-based number
     * @param text        its text without the line end, or {@code null} when its bytes are not UTF-8
     * @param utf8Problem {@code null}, or where its bytes stop being UTF-8 (then {@code text} is null)
     */
    public record Line(int number, String text, String utf8Problem) {
        public Line {
            if ((text == null) == (utf8Problem == null)) {
                throw new IllegalArgumentException("a line has either text or a UTF-8 problem");
            }
        }
    }

    /**
     * Hands every line of {@code in} (blank ones too) to {@code action} in order, each decoded as UTF-8 on
     * its own and strictly, so that a line with bytes that are not UTF-8 is reported as that line (see
     * {@link Line#utf8Problem()}) and the lines after it are read as usual. A byte order mark before the
     * first line is skipped; a {@code \r} before a line end is dropped. Does not close {@code in}.
     *
     * @throws UncheckedIOException when {@code in} cannot be read
     */
    public static void forEachLine(InputStream in, java.util.function.Consumer<Line> action) {
        try {
            Utf8Lines.read(in, action);
        } catch (IOException e) {
            throw new UncheckedIOException("reading input: " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #readEvents(BufferedReader)}, from the input's bytes: a line that is not UTF-8 is a bad
     * line like any other, an {@link InvalidEventException} naming its number.
     *
     * @throws UncheckedIOException when {@code in} cannot be read
     */
    public static EventLines readEvents(InputStream in) {
        List<Event> events = new ArrayList<>();
        List<InvalidEventException> errors = new ArrayList<>();
        forEachLine(in, l -> {
            if (l.utf8Problem() != null) {
                errors.add(new InvalidEventException(l.number(), "", l.utf8Problem()));
            } else if (!l.text().isBlank()) {
                try {
                    events.add(readEvent(l.text(), l.number()));
                } catch (InvalidEventException e) {
                    errors.add(e);
                }
            }
        });
        return new EventLines(events, errors);
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
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            throw new InvalidSettingsException("(file)", (at == null || at.getLineNr() < 1 ? ""
                    : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ") + "not valid JSON: " + e.getOriginalMessage());
        }
        // An empty file or a bare null is more likely a truncated or mistaken file than a wish for the
        // defaults, which {} says plainly.
        if (root == null || root.isMissingNode()) {
            throw new InvalidSettingsException("(file)", "empty; settings are a JSON object, {} for the defaults");
        }
        if (!root.isObject()) {
            throw new InvalidSettingsException("(file)", "settings must be a JSON object ({} for the defaults), was "
                    + (root.isNull() ? "null" : root.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
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
            b.rule(id); // named, even with nothing set: the engine checks the ruleset has it
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
                    String like = dev.waymark.internal.Suggest.closest(id, StandardRules.ids());
                    throw new InvalidSettingsException(key, "'" + id + "' is no standard rule"
                            + (like == null ? "" : " (did you mean " + like + "?)") + "; standard rules: "
                            + String.join(", ", StandardRules.ids()) + "; a custom rule takes only 'enabled'");
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
