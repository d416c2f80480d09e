package dev.waymark;

import dev.waymark.internal.Sha256;

import dev.waymark.internal.JsonValues;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * Something the host should do for a contact because a rule fired (docs/events-and-actions.md): an immutable value.
 *
 * <p>The same firing — the same (contactId, rule, type, key) — always has the same {@link #id()}, so a
 * downstream consumer can deduplicate. Use {@link #of} to build one with its id computed. Instances
 * are immutable and safe to share between threads.
 *
 * @param id        lowercase hex of the first 16 bytes of SHA-256 over {@code contactId\nrule\ntype\nkey}
 * @param contactId the contact the action is for
 * @param rule      the id of the rule that emitted it
 * @param type      for example {@code email.send}, {@code tag.add}, or a custom type
 * @param key       the rule's dedup key
 * @param at        the evaluation time
 * @param params    type-specific parameters, unmodifiable
 */
public record Action(String id, String contactId, String rule, String type, String key, Instant at,
                     Map<String, Object> params) {

    /** the output order of docs/events-and-actions.md: contactId, then rule, then type, then key. */
    public static final Comparator<Action> OUTPUT_ORDER = Comparator.comparing(Action::contactId)
            .thenComparing(Action::rule)
            .thenComparing(Action::type)
            .thenComparing(Action::key);

    public Action {
        Objects.requireNonNull(id, "id");
        requireText("contactId", contactId);
        requireText("rule", rule);
        requireText("type", type);
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(at, "at");
        params = params == null ? Map.of() : JsonValues.copyMap(params, "params");
    }

    /** An action with its deterministic id. */
    public static Action of(String contactId, String rule, String type, String key, Instant at, Map<String, ?> params) {
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) (Map<String, ?>) (params == null ? Map.of() : params);
        return new Action(idOf(contactId, rule, type, key), contactId, rule, type, key, at, p); // the constructor copies
    }

    /** The deterministic id of a firing (docs/events-and-actions.md). */
    public static String idOf(String contactId, String rule, String type, String key) {
        byte[] digest = Sha256.of(contactId + "\n" + rule + "\n" + type + "\n" + key);
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    /** This action with {@code name} set to {@code value} in its params. */
    public Action withParam(String name, Object value) {
        java.util.LinkedHashMap<String, Object> p = new java.util.LinkedHashMap<>(params);
        p.put(name, value);
        return new Action(id, contactId, rule, type, key, at, p);
    }

    /** The channel of a message action, or {@code null} for other actions. */
    public Channel messageChannel() {
        return Channel.ofMessageType(type);
    }

    private static void requireText(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
    }
}
