package dev.waymark;

import java.util.Locale;

/** A journey stage (docs/standard-rules.md). A contact that was never seen has none ({@code null}). */
public enum Stage {
    AWARENESS, CONSIDERATION, PURCHASE, RETENTION, ADVOCACY, LAPSED;

    /** The lowercase id used in actions and JSON, for example {@code consideration}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stage with this id; throws {@link IllegalArgumentException} naming the value otherwise. */
    public static Stage byId(String id) {
        for (Stage s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown stage '" + id + "'");
    }
}
