package dev.waymark.examples.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Checks the files and folders named on the command line before any work starts, so a typo is reported
 * as bad usage (exit 2) naming the option and the path, not as a failure halfway through.
 */
public final class InputFiles {
    private InputFiles() {
    }

    /** A path from an option value; an unusable string is bad usage. */
    public static Path path(String option, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw CliException.usage(option + ": '" + value + "' is not a valid path: " + e.getReason());
        }
    }

    /** An existing, readable regular file. */
    public static Path readableFile(String option, String value) {
        Path p = path(option, value);
        if (!Files.exists(p)) {
            throw CliException.usage(option + ": no such file: " + value);
        }
        if (Files.isDirectory(p)) {
            throw CliException.usage(option + ": " + value + " is a directory, not a file");
        }
        if (!Files.isReadable(p)) {
            throw CliException.usage(option + ": cannot read " + value + " (permission denied)");
        }
        return p;
    }

    /** An existing directory. */
    public static Path directory(String option, String value) {
        Path p = path(option, value);
        if (!Files.isDirectory(p)) {
            throw CliException.usage(option + ": " + (Files.exists(p) ? value + " is not a directory" : "no such directory: " + value));
        }
        return p;
    }

    /**
     * A file the command will write (it may exist): its folder must exist and it must not be a directory;
     * an existing one must be readable when {@code readBack} (a state file is read, then replaced).
     */
    public static Path writableFile(String option, String value, boolean readBack) {
        Path p = path(option, value);
        if (Files.isDirectory(p)) {
            throw CliException.usage(option + ": " + value + " is a directory, not a file");
        }
        Path dir = p.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw CliException.usage(option + ": the folder of " + value + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw CliException.usage(option + ": cannot write in the folder of " + value + " (permission denied)");
        }
        if (readBack && Files.exists(p) && !Files.isReadable(p)) {
            throw CliException.usage(option + ": cannot read " + value + " (permission denied)");
        }
        return p;
    }
}
