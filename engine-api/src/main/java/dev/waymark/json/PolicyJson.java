package dev.waymark.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.waymark.Channel;
import dev.waymark.InvalidSettingsException;
import dev.waymark.Settings.Policies;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the {@code policies} object of settings (docs/settings-and-policies.md); every error names its key. */
final class PolicyJson {
    private PolicyJson() {
    }

    static Policies read(JsonNode node) {
        requireObject(node, "policies");
        Set<String> suppress = Set.of();
        Policies.QuietHours quiet = null;
        Map<Channel, Policies.FrequencyCap> caps = new EnumMap<>(Channel.class);
        List<String> priority = List.of();
        Map<String, Policies.Experiment> experiments = Map.of();
        Policies.Conversion conversion = Policies.Conversion.DEFAULT;
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = "policies." + e.getKey();
            switch (e.getKey()) {
                case "suppressTags" -> suppress = new LinkedHashSet<>(strings(e.getValue(), key));
                case "quietHours" -> quiet = quietHours(e.getValue(), key);
                case "frequencyCap" -> caps = caps(e.getValue(), key);
                case "priority" -> priority = strings(e.getValue(), key);
                case "experiments" -> experiments = experiments(e.getValue(), key);
                case "conversion" -> conversion = conversion(e.getValue(), key);
                default -> throw new InvalidSettingsException(key,
                        "unknown policy (known: suppressTags, quietHours, frequencyCap, priority, experiments, conversion)");
            }
        }
        return new Policies(suppress, quiet, caps, priority, experiments, conversion);
    }

    private static Map<String, Policies.Experiment> experiments(JsonNode node, String key) {
        requireObject(node, key);
        Map<String, Policies.Experiment> out = new java.util.TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = key + "." + e.getKey();
            requireObject(e.getValue(), k);
            double holdout = 0;
            List<Policies.Variant> variants = null;
            Iterator<Map.Entry<String, JsonNode>> f = e.getValue().fields();
            while (f.hasNext()) {
                Map.Entry<String, JsonNode> p = f.next();
                String pk = k + "." + p.getKey();
                switch (p.getKey()) {
                    case "holdoutPercent" -> {
                        JsonNode v = p.getValue();
                        if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 100) {
                            throw new InvalidSettingsException(pk, "must be a number from 0 to 100, was " + v);
                        }
                        holdout = v.asDouble();
                    }
                    case "variants" -> variants = variants(p.getValue(), pk);
                    default -> throw new InvalidSettingsException(pk, "unknown key (known: holdoutPercent, variants)");
                }
            }
            if (variants == null) {
                // Only a holdout: everyone else gets the rule's messages as before, under one arm.
                variants = List.of(new Policies.Variant("treatment", 1));
            }
            try {
                out.put(e.getKey(), new Policies.Experiment(holdout, variants));
            } catch (IllegalArgumentException ex) {
                throw new InvalidSettingsException(k + ".variants", ex.getMessage());
            }
        }
        return out;
    }

    private static List<Policies.Variant> variants(JsonNode node, String key) {
        if (!node.isArray() || node.isEmpty()) {
            throw new InvalidSettingsException(key, "must be a non-empty array of {\"name\": …, \"weight\": …}, was " + node);
        }
        List<Policies.Variant> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String k = key + "[" + i + "]";
            JsonNode v = node.get(i);
            requireObject(v, k);
            String name = null;
            double weight = 1;
            Iterator<Map.Entry<String, JsonNode>> f = v.fields();
            while (f.hasNext()) {
                Map.Entry<String, JsonNode> p = f.next();
                switch (p.getKey()) {
                    case "name" -> name = text(p.getValue(), k + ".name");
                    case "weight" -> {
                        if (!p.getValue().isNumber() || p.getValue().asDouble() < 0 || Double.isInfinite(p.getValue().asDouble())) {
                            throw new InvalidSettingsException(k + ".weight", "must be a number >= 0, was " + p.getValue());
                        }
                        weight = p.getValue().asDouble();
                    }
                    default -> throw new InvalidSettingsException(k + "." + p.getKey(), "unknown key (known: name, weight)");
                }
            }
            if (name == null) {
                throw new InvalidSettingsException(k + ".name", "is required");
            }
            try {
                out.add(new Policies.Variant(name, weight));
            } catch (IllegalArgumentException ex) {
                throw new InvalidSettingsException(k + ".name", ex.getMessage());
            }
        }
        return out;
    }

    private static Policies.Conversion conversion(JsonNode node, String key) {
        requireObject(node, key);
        String event = Policies.Conversion.DEFAULT.event();
        Duration window = Policies.Conversion.DEFAULT.window();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = key + "." + e.getKey();
            switch (e.getKey()) {
                case "event" -> {
                    event = text(e.getValue(), k);
                    if (event.isEmpty()) {
                        throw new InvalidSettingsException(k, "must be an event type like order.placed");
                    }
                }
                case "hours" -> window = hours(e.getValue(), k);
                default -> throw new InvalidSettingsException(k, "unknown key (known: event, hours)");
            }
        }
        return new Policies.Conversion(event, window);
    }

    private static Duration hours(JsonNode v, String key) {
        if (!v.isNumber() || v.asDouble() <= 0 || v.asDouble() > 24 * 366) {
            throw new InvalidSettingsException(key, "must be a number of hours > 0 (at most a year), was " + v);
        }
        return Duration.ofMillis(Math.round(v.asDouble() * 3_600_000));
    }

    private static Policies.QuietHours quietHours(JsonNode node, String key) {
        requireObject(node, key);
        LocalTime start = null;
        LocalTime end = null;
        ZoneId zone = ZoneId.of("UTC");
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = key + "." + e.getKey();
            switch (e.getKey()) {
                case "start" -> start = time(e.getValue(), k);
                case "end" -> end = time(e.getValue(), k);
                case "defaultZone" -> {
                    String z = text(e.getValue(), k);
                    try {
                        zone = ZoneId.of(z);
                    } catch (DateTimeException ex) {
                        throw new InvalidSettingsException(k, "'" + z + "' is not an IANA time zone id like Europe/Paris");
                    }
                }
                default -> throw new InvalidSettingsException(k, "unknown key (known: start, end, defaultZone)");
            }
        }
        if (start == null) {
            throw new InvalidSettingsException(key + ".start", "is required");
        }
        if (end == null) {
            throw new InvalidSettingsException(key + ".end", "is required");
        }
        return new Policies.QuietHours(start, end, zone);
    }

    private static Map<Channel, Policies.FrequencyCap> caps(JsonNode node, String key) {
        requireObject(node, key);
        Map<Channel, Policies.FrequencyCap> caps = new EnumMap<>(Channel.class);
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = key + "." + e.getKey();
            Channel channel = Channel.byId(e.getKey());
            if (channel == null) {
                throw new InvalidSettingsException(k, "unknown channel (known: email, sms, push)");
            }
            requireObject(e.getValue(), k);
            Integer max = null;
            Duration window = null;
            Iterator<Map.Entry<String, JsonNode>> f = e.getValue().fields();
            while (f.hasNext()) {
                Map.Entry<String, JsonNode> p = f.next();
                String pk = k + "." + p.getKey();
                JsonNode v = p.getValue();
                switch (p.getKey()) {
                    case "max" -> {
                        if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
                            throw new InvalidSettingsException(pk, "must be an integer >= 1, was " + v);
                        }
                        max = v.asInt();
                    }
                    case "hours" -> window = hours(v, pk);
                    default -> throw new InvalidSettingsException(pk, "unknown key (known: max, hours)");
                }
            }
            if (max == null) {
                throw new InvalidSettingsException(k + ".max", "is required");
            }
            if (window == null) {
                throw new InvalidSettingsException(k + ".hours", "is required");
            }
            caps.put(channel, new Policies.FrequencyCap(max, window));
        }
        return caps;
    }

    private static LocalTime time(JsonNode v, String key) {
        String s = text(v, key);
        try {
            if (!s.matches("\\d\\d:\\d\\d")) {
                throw new DateTimeParseException("not HH:MM", s, 0);
            }
            return LocalTime.parse(s);
        } catch (DateTimeParseException e) {
            throw new InvalidSettingsException(key, "'" + s + "' is not a local time HH:MM like 21:00");
        }
    }

    private static List<String> strings(JsonNode node, String key) {
        if (!node.isArray()) {
            throw new InvalidSettingsException(key, "must be an array of strings, was " + node);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode v = node.get(i);
            if (!v.isTextual() || v.asText().isEmpty()) {
                throw new InvalidSettingsException(key + "[" + i + "]", "must be a non-empty string, was " + v);
            }
            out.add(v.asText());
        }
        return out;
    }

    private static String text(JsonNode v, String key) {
        if (!v.isTextual()) {
            throw new InvalidSettingsException(key, "must be a string, was " + v);
        }
        return v.asText();
    }

    private static void requireObject(JsonNode node, String key) {
        if (!node.isObject()) {
            throw new InvalidSettingsException(key, "must be an object, was " + node);
        }
    }
}
