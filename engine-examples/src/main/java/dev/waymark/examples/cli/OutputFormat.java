package dev.waymark.examples.cli;

/** What {@code --format} asks {@code report} and {@code explain} to print: a table for a person, or JSON for a program. */
public enum OutputFormat {
    /** Aligned plain text (the default). */
    TEXT,
    /** One JSON object. */
    JSON;

    /** The {@code --format} of {@code o}, {@link #TEXT} when absent; any other value is bad usage naming it. */
    public static OutputFormat of(Options o) {
        String v = o.value("--format");
        if (v == null) {
            return TEXT;
        }
        return switch (v) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw CliException.usage(o.command() + ": --format: '" + v + "' is not a format (known: text, json)");
        };
    }
}
