package dev.waymark.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.waymark.RuleCompilationException;
import dev.waymark.core.JourneyDefinition.Arm;
import dev.waymark.core.JourneyDefinition.If;
import dev.waymark.core.JourneyDefinition.Reentry;
import dev.waymark.core.JourneyDefinition.Send;
import dev.waymark.core.JourneyDefinition.Split;
import dev.waymark.core.JourneyDefinition.Step;
import dev.waymark.core.JourneyDefinition.Wait;
import dev.waymark.core.JourneyDefinition.WaitFor;
import dev.waymark.core.JourneyDefinition.WaitUntil;
import dev.waymark.internal.ExperimentBuckets;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates one journey file. Every error is a {@link RuleCompilationException} naming the file
 * and the field (a JSON path such as {@code steps[2].waitFor.hours}) or the step. Stateless.
 */
final class JourneyParser {
    private JourneyParser() {
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Pattern JOURNEY_ID = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Pattern STEP_ID = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
    private static final Pattern HH_MM = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
    private static final Set<String> TOP = Set.of("journey", "entry", "exit", "reentry", "staleHours", "defaultZone", "steps");
    private static final List<String> KINDS = List.of("wait", "waitUntil", "waitFor", "if", "split", "send");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "wait", Set.of("id", "wait", "next"),
            "waitUntil", Set.of("id", "waitUntil", "next"),
            "waitFor", Set.of("id", "waitFor", "next", "timeout"),
            "if", Set.of("id", "if", "then", "else"),
            "split", Set.of("id", "split"),
            "send", Set.of("id", "send", "next"));
    private static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY,
            "wed", DayOfWeek.WEDNESDAY, "thu", DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY,
            "sat", DayOfWeek.SATURDAY, "sun", DayOfWeek.SUNDAY);

    /** An error at one place of one file. */
    private static RuleCompilationException error(String file, String where, String message) {
        return new RuleCompilationException(List.of(new RuleCompilationException.Problem(file, 0,
                where.isEmpty() ? message : where + ": " + message)));
    }

    static JourneyDefinition parse(String file, String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
            int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
            throw new RuleCompilationException(List.of(new RuleCompilationException.Problem(file, line,
                    (column > 0 ? "column " + column + ": " : "") + "not valid JSON: " + e.getOriginalMessage())));
        }
        if (root == null || !root.isObject()) {
            throw error(file, "", "a journey file must hold one JSON object");
        }
        Reader r = new Reader(file);
        r.only(root, "", TOP);
        String id = r.text(root, "journey", true);
        if (!JOURNEY_ID.matcher(id).matches()) {
            throw error(file, "journey", "'" + id + "' is no valid journey id (lowercase letters, digits and '-', starting with a letter)");
        }

        JsonNode entry = r.object(root, "entry", true);
        r.only(entry, "entry", Set.of("event", "where", "when"));
        String entryEvent = null;
        JourneyCondition entryWhere = null;
        JourneyCondition entryWhen = null;
        if (entry.has("event") == entry.has("when")) {
            throw error(file, "entry", "needs either \"event\" (with an optional \"where\") or \"when\"");
        }
        if (entry.has("event")) {
            entryEvent = r.eventType(entry, "entry", "event");
            entryWhere = r.condition(entry, "entry", "where", true);
        } else {
            if (entry.has("where")) {
                throw error(file, "entry.where", "only goes with \"event\"; a \"when\" entry is a condition itself");
            }
            entryWhen = r.condition(entry, "entry", "when", false);
        }

        String exitEvent = null;
        JourneyCondition exitWhen = null;
        if (root.has("exit")) {
            JsonNode exit = r.object(root, "exit", true);
            r.only(exit, "exit", Set.of("event", "when"));
            if (!exit.has("event") && !exit.has("when")) {
                throw error(file, "exit", "needs \"event\" and/or \"when\"");
            }
            if (exit.has("event")) {
                exitEvent = r.eventType(exit, "exit", "event");
            }
            exitWhen = r.condition(exit, "exit", "when", false);
        }

        Reentry reentry = Reentry.NEVER;
        Duration reentryAfter = null;
        JsonNode re = root.get("reentry");
        if (re != null) {
            if (re.isTextual() && re.asText().equals("never")) {
                reentry = Reentry.NEVER;
            } else if (re.isTextual() && re.asText().equals("always")) {
                reentry = Reentry.ALWAYS;
            } else if (re.isObject()) {
                r.only(re, "reentry", Set.of("afterHours"));
                reentry = Reentry.AFTER_HOURS;
                reentryAfter = r.hours(re, "reentry", "afterHours", true, true);
            } else {
                throw error(file, "reentry", "must be \"never\", \"always\" or {\"afterHours\":H}, was " + re);
            }
        }
        Duration stale = root.has("staleHours") ? r.hours(root, "", "staleHours", true, false) : null;
        ZoneId zone = ZoneOffset.UTC;
        if (root.has("defaultZone")) {
            String z = r.text(root, "defaultZone", true);
            try {
                zone = ZoneId.of(z);
            } catch (DateTimeException e) {
                throw error(file, "defaultZone", "'" + z + "' is no IANA zone id (like Europe/Berlin)");
            }
        }

        JsonNode stepsNode = root.get("steps");
        if (stepsNode == null || !stepsNode.isArray() || stepsNode.isEmpty()) {
            throw error(file, "steps", "must be a non-empty list of steps");
        }
        // First the ids, so a step may name one that follows it.
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < stepsNode.size(); i++) {
            JsonNode s = stepsNode.get(i);
            String where = "steps[" + i + "]";
            if (!s.isObject()) {
                throw error(file, where, "a step must be an object");
            }
            String stepId = r.text(s, where, "id");
            if (stepId.equals(JourneyDefinition.END)) {
                throw error(file, where + ".id", "'end' is reserved: it ends the journey and cannot be a step id");
            }
            if (!STEP_ID.matcher(stepId).matches()) {
                throw error(file, where + ".id", "'" + stepId + "' is no valid step id (lowercase letters, digits and '-')");
            }
            if (ids.contains(stepId)) {
                throw error(file, where + ".id", "step '" + stepId + "' is defined twice");
            }
            ids.add(stepId);
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < stepsNode.size(); i++) {
            String following = i + 1 < ids.size() ? ids.get(i + 1) : JourneyDefinition.END;
            steps.add(r.step(stepsNode.get(i), "steps[" + i + "] (" + ids.get(i) + ")", ids, following));
        }
        Map<String, Step> byId = new HashMap<>();
        steps.forEach(s -> byId.put(s.id(), s));
        checkGraph(file, steps, byId);
        return new JourneyDefinition(id, file, json, entryEvent, entryWhere, entryWhen, exitEvent, exitWhen, reentry,
                reentryAfter, stale, zone, steps, byId);
    }

    /** The successors of a step, {@code end} left out. */
    static List<String> successors(Step s) {
        List<String> out = new ArrayList<>();
        if (s instanceof Wait w) {
            out.add(w.next());
        } else if (s instanceof WaitUntil w) {
            out.add(w.next());
        } else if (s instanceof WaitFor w) {
            out.add(w.next());
            out.add(w.timeout());
        } else if (s instanceof If f) {
            out.add(f.then());
            out.add(f.otherwise());
        } else if (s instanceof Split sp) {
            sp.arms().forEach(a -> out.add(a.next()));
        } else if (s instanceof Send se) {
            out.add(se.next());
        }
        out.removeIf(JourneyDefinition.END::equals);
        return out;
    }

    /** Every step reachable from the first, and no cycle. */
    private static void checkGraph(String file, List<Step> steps, Map<String, Step> byId) {
        Set<String> seen = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(steps.get(0).id()));
        while (!todo.isEmpty()) {
            String s = todo.poll();
            if (seen.add(s)) {
                todo.addAll(successors(byId.get(s)));
            }
        }
        for (int i = 0; i < steps.size(); i++) {
            if (!seen.contains(steps.get(i).id())) {
                throw error(file, "steps[" + i + "] (" + steps.get(i).id() + ")", "no path from the first step reaches this step");
            }
        }
        // Depth-first, colouring: a step met again while still on the path closes a cycle.
        Map<String, Integer> colour = new HashMap<>();
        for (Step s : steps) {
            List<String> cycle = cycleFrom(s.id(), byId, colour, new ArrayList<>());
            if (cycle != null) {
                throw error(file, "steps", "the steps form a cycle: " + String.join(" -> ", cycle));
            }
        }
    }

    private static List<String> cycleFrom(String id, Map<String, Step> byId, Map<String, Integer> colour, List<String> path) {
        Integer c = colour.get(id);
        if (c != null && c == 2) {
            return null;
        }
        if (c != null && c == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
            cycle.add(id);
            return cycle;
        }
        colour.put(id, 1);
        path.add(id);
        for (String next : successors(byId.get(id))) {
            List<String> cycle = cycleFrom(next, byId, colour, path);
            if (cycle != null) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        colour.put(id, 2);
        return null;
    }

    /** Field readers that name the file and place in their errors. */
    private record Reader(String file) {

        void only(JsonNode node, String where, Set<String> allowed) {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!allowed.contains(name)) {
                    throw error(file, join(where, name), "unknown field (allowed: " + String.join(", ", sorted(allowed)) + ")");
                }
            }
        }

        String text(JsonNode node, String field, boolean required) {
            return text(node, "", field);
        }

        String text(JsonNode node, String where, String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                throw error(file, join(where, field), "is required");
            }
            if (!v.isTextual() || v.asText().isEmpty()) {
                throw error(file, join(where, field), "must be a non-empty string, was " + v);
            }
            return v.asText();
        }

        JsonNode object(JsonNode node, String field, boolean required) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                throw error(file, field, "is required");
            }
            if (!v.isObject()) {
                throw error(file, field, "must be an object, was " + v);
            }
            return v;
        }

        String eventType(JsonNode node, String where, String field) {
            String t = text(node, where, field);
            if (!EVENT_TYPE.matcher(t).matches()) {
                throw error(file, join(where, field), "'" + t + "' is no valid event type (like cart.item_added)");
            }
            return t;
        }

        /** The condition in {@code field}, compiled; {@code null} when absent. */
        JourneyCondition condition(JsonNode node, String where, String field, boolean withEvent) {
            if (!node.has(field)) {
                return null;
            }
            String text = text(node, where, field);
            try {
                return JourneyCondition.compile(text, withEvent);
            } catch (IllegalArgumentException e) {
                throw error(file, join(where, field), e.getMessage());
            }
        }

        Duration hours(JsonNode node, String where, String field, boolean required, boolean zeroAllowed) {
            return duration(node, where, field, Duration.ofHours(1), zeroAllowed);
        }

        Duration duration(JsonNode node, String where, String field, Duration unit, boolean zeroAllowed) {
            JsonNode v = node.get(field);
            String key = join(where, field);
            if (v == null || !v.isNumber()) {
                throw error(file, key, "must be a number, was " + (v == null ? "missing" : v));
            }
            double n = v.asDouble();
            if (!(n >= 0) || (!zeroAllowed && n == 0) || n > 100_000) {
                throw error(file, key, "must be " + (zeroAllowed ? "at least 0" : "greater than 0") + " and at most 100000, was " + v);
            }
            return Duration.ofMillis(Math.round(n * unit.toMillis()));
        }

        String successor(JsonNode node, String where, String field, List<String> ids, String byDefault) {
            if (!node.has(field)) {
                return byDefault;
            }
            String target = text(node, where, field);
            if (!target.equals(JourneyDefinition.END) && !ids.contains(target)) {
                throw error(file, join(where, field), "no step '" + target + "' (steps: " + String.join(", ", ids) + ", or end)");
            }
            return target;
        }

        Step step(JsonNode s, String where, List<String> ids, String following) {
            String id = s.get("id").asText();
            List<String> kinds = new ArrayList<>();
            for (String k : KINDS) {
                if (s.has(k)) {
                    kinds.add(k);
                }
            }
            if (kinds.size() != 1) {
                only(s, where, allFields());
                throw error(file, where, kinds.isEmpty() ? "a step needs one of " + String.join(", ", KINDS)
                        : "a step is one kind only, this one has " + String.join(" and ", kinds));
            }
            String kind = kinds.get(0);
            only(s, where, FIELDS.get(kind));
            JsonNode body = s.get(kind);
            String at = where + "." + kind;
            return switch (kind) {
                case "wait" -> {
                    requireObject(body, at);
                    only(body, at, Set.of("hours", "days"));
                    if (body.has("hours") == body.has("days")) {
                        throw error(file, at, "needs either \"hours\" or \"days\"");
                    }
                    Duration d = body.has("hours") ? duration(body, at, "hours", Duration.ofHours(1), true)
                            : duration(body, at, "days", Duration.ofDays(1), true);
                    yield new Wait(id, d, successor(s, where, "next", ids, following));
                }
                case "waitUntil" -> {
                    requireObject(body, at);
                    only(body, at, Set.of("time", "days"));
                    String time = text(body, at, "time");
                    if (!HH_MM.matcher(time).matches()) {
                        throw error(file, at + ".time", "'" + time + "' is no local time HH:MM (00:00 to 23:59)");
                    }
                    Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
                    if (body.has("days")) {
                        JsonNode list = body.get("days");
                        if (!list.isArray() || list.isEmpty()) {
                            throw error(file, at + ".days", "must be a non-empty list of mon, tue, wed, thu, fri, sat, sun");
                        }
                        days = EnumSet.noneOf(DayOfWeek.class);
                        for (int i = 0; i < list.size(); i++) {
                            DayOfWeek d = list.get(i).isTextual() ? DAYS.get(list.get(i).asText()) : null;
                            if (d == null) {
                                throw error(file, at + ".days[" + i + "]", list.get(i) + " is no day (mon, tue, wed, thu, fri, sat, sun)");
                            }
                            days.add(d);
                        }
                    }
                    yield new WaitUntil(id, LocalTime.parse(time), days, successor(s, where, "next", ids, following));
                }
                case "waitFor" -> {
                    requireObject(body, at);
                    only(body, at, Set.of("event", "hours", "where"));
                    String event = eventType(body, at, "event");
                    Duration window = duration(body, at, "hours", Duration.ofHours(1), false);
                    JourneyCondition where2 = condition(body, at, "where", true);
                    yield new WaitFor(id, event, window, where2, successor(s, where, "next", ids, following),
                            successor(s, where, "timeout", ids, JourneyDefinition.END));
                }
                case "if" -> {
                    JourneyCondition c = condition(s, where, "if", false);
                    yield new If(id, c, successor(s, where, "then", ids, following), successor(s, where, "else", ids, following));
                }
                case "split" -> split(s, body, where, id, ids);
                case "send" -> {
                    requireObject(body, at);
                    only(body, at, Set.of("type", "params"));
                    String type = eventType(body, at, "type");
                    Map<String, Object> params = new LinkedHashMap<>();
                    JsonNode p = body.get("params");
                    if (p != null) {
                        if (!p.isObject()) {
                            throw error(file, at + ".params", "must be an object, was " + p);
                        }
                        @SuppressWarnings("unchecked")
                        Map<String, Object> m = MAPPER.convertValue(p, Map.class);
                        params.putAll(m);
                    }
                    if (params.containsKey("step")) {
                        throw error(file, at + ".params.step", "is set by the journey (the step id); choose another name");
                    }
                    params.put("step", id);
                    // A deep, immutable copy: the definition is shared by every thread that evaluates.
                    yield new Send(id, type, dev.waymark.internal.JsonValues.copyMap(params, at + ".params"),
                            successor(s, where, "next", ids, following));
                }
                default -> throw new IllegalStateException(kind);
            };
        }

        private Split split(JsonNode s, JsonNode body, String where, String id, List<String> ids) {
            String at = where + ".split";
            if (!body.isArray() || body.isEmpty()) {
                throw error(file, at, "must be a non-empty list of {\"name\",\"weight\",\"next\"}");
            }
            List<Arm> arms = new ArrayList<>();
            Set<String> names = new LinkedHashSet<>();
            double total = 0;
            for (int i = 0; i < body.size(); i++) {
                JsonNode arm = body.get(i);
                String armAt = at + "[" + i + "]";
                if (!arm.isObject()) {
                    throw error(file, armAt, "must be an object {\"name\",\"weight\",\"next\"}");
                }
                only(arm, armAt, Set.of("name", "weight", "next"));
                String name = text(arm, armAt, "name");
                if (!names.add(name)) {
                    throw error(file, armAt + ".name", "arm '" + name + "' is named twice");
                }
                JsonNode w = arm.get("weight");
                if (w == null || !w.isNumber() || !(w.asDouble() >= 0)) {
                    throw error(file, armAt + ".weight", "must be a number >= 0, was " + (w == null ? "missing" : w));
                }
                total += w.asDouble();
                if (!arm.has("next")) {
                    throw error(file, armAt + ".next", "is required");
                }
                arms.add(new Arm(name, w.asDouble(), successor(arm, armAt, "next", ids, null)));
            }
            if (!(total > 0)) {
                throw error(file, at, "the weights must add up to more than 0");
            }
            ExperimentBuckets buckets = ExperimentBuckets.of(0, arms.stream().map(Arm::name).toList(),
                    arms.stream().map(Arm::weight).toList());
            return new Split(id, List.copyOf(arms), buckets);
        }

        private void requireObject(JsonNode body, String at) {
            if (!body.isObject()) {
                throw error(file, at, "must be an object, was " + body);
            }
        }

        private static Set<String> allFields() {
            Set<String> all = new HashSet<>();
            FIELDS.values().forEach(all::addAll);
            return all;
        }

        private static List<String> sorted(Set<String> s) {
            return s.stream().sorted().toList();
        }

        private static String join(String where, String field) {
            return where.isEmpty() ? field : where + "." + field;
        }
    }
}
