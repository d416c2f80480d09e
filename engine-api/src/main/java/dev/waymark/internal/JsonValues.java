package dev.waymark.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Canonical JSON-like values for props and params: String, Boolean, Long, Double, BigInteger, List, Map
 * and null, deep-copied and unmodifiable. One canonical form means an event built in Java and the same
 * event read back from JSON are equal.
 */
public final class JsonValues {
    private JsonValues() {
    }


    /** A deep, unmodifiable, canonical copy of {@code map}; keys keep their order. */
    public static Map<String, Object> copyMap(Map<String, ?> map, String where) {
        if (map.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>(map.size() * 2);
        for (Map.Entry<String, ?> e : map.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException(where + ": null key");
            }
            out.put(e.getKey(), canonical(e.getValue(), where + "." + e.getKey()));
        }
        return Collections.unmodifiableMap(out);
    }

    @SuppressWarnings("unchecked")
    static Object canonical(Object v, String where) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float) {
            return ((Float) v).doubleValue();
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        if (v instanceof BigDecimal d) {
            return d.doubleValue();
        }
        if (v instanceof Map<?, ?> m) {
            return copyMap((Map<String, ?>) m, where);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                out.add(canonical(l.get(i), where + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (v instanceof Enum<?> en) {
            return en.name().toLowerCase(java.util.Locale.ROOT);
        }
        if (v instanceof java.time.Instant || v instanceof CharSequence) {
            return v.toString();
        }
        throw new IllegalArgumentException(where + ": unsupported value type " + v.getClass().getName());
    }

    /**
     * About how many characters {@code v} (a canonical value) takes as JSON text, strings counted without
     * escapes; stops counting once past {@code cap}, so a huge value costs no more than a small one.
     */
    public static long jsonLength(Object v, long cap) {
        if (v == null) {
            return 4;
        }
        if (v instanceof String s) {
            return s.length() + 2L;
        }
        if (v instanceof Map<?, ?> m) {
            long n = 2;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                n += String.valueOf(e.getKey()).length() + 4L + jsonLength(e.getValue(), cap - n);
                if (n > cap) {
                    return n;
                }
            }
            return n;
        }
        if (v instanceof List<?> l) {
            long n = 2;
            for (Object x : l) {
                n += 1 + jsonLength(x, cap - n);
                if (n > cap) {
                    return n;
                }
            }
            return n;
        }
        return String.valueOf(v).length();
    }
}
