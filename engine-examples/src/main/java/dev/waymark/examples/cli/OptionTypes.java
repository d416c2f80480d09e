package dev.waymark.examples.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The typed values of the command line's options, as picocli converters. Each rejects a value it cannot
 * take with a message that quotes the value and shows the expected form; {@link Cli} puts the command and
 * the option in front of it ({@code run: --now: 'yesterday' is not an ISO-8601 instant ...}), exit 2.
 * Converters only check the form: whether a file exists and can be read is the command's to check, so that
 * a missing file is reported as such, naming the option.
 */
final class OptionTypes {
    private OptionTypes() {
    }

    /** An ISO-8601 instant, {@code 2026-11-20T10:00:00Z}. */
    static final class InstantValue implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not an ISO-8601 instant like 2026-11-20T10:00:00Z");
            }
        }
    }

    /** A file or folder path, not empty; it need not exist. */
    static final class PathValue implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            if (value.isEmpty()) {
                throw new TypeConversionException("the value is empty (give a path)");
            }
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new TypeConversionException("'" + value + "' is not a valid path: " + e.getReason());
            }
        }
    }

    /** Any text but the empty one (a contact id, a store location). */
    static final class Text implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.isEmpty()) {
                throw new TypeConversionException("the value is empty");
            }
            return value;
        }
    }

    /** A whole number in {@code long} range; the command checks its own bounds. */
    static final class WholeNumber implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number");
            }
        }
    }

    /** {@code text} or {@code json}. */
    static final class FormatValue implements ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            return switch (value) {
                case "text" -> OutputFormat.TEXT;
                case "json" -> OutputFormat.JSON;
                default -> throw new TypeConversionException("'" + value + "' is not a format (known: text, json)");
            };
        }
    }
}
