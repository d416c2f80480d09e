package dev.waymark;

/** Settings that break the rules of docs/settings-and-policies.md: an unknown rule or parameter, or a value of the wrong kind or range. */
public final class InvalidSettingsException extends WaymarkException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public InvalidSettingsException(String key, String reason) {
        super("settings " + key + ": " + reason);
        this.key = key;
    }

    /** The dotted path of the offending key, for example {@code rules.win-back.days}. */
    public String key() {
        return key;
    }
}
