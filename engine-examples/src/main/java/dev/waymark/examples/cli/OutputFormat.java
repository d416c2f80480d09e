package dev.waymark.examples.cli;

/**
 * What {@code --format} asks {@code report} and {@code explain} to print: a table for a person, or JSON for a
 * program. Parsed by {@link OptionTypes.FormatValue}; any other value is bad usage naming it.
 */
public enum OutputFormat {
    /** Aligned plain text (the default). */
    TEXT,
    /** One JSON object. */
    JSON
}
