package dev.waymark.examples.cli;

import dev.waymark.examples.storage.AtomicFile;
import dev.waymark.ContactState;
import dev.waymark.WaymarkException;
import dev.waymark.json.WaymarkJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads a {@code --state} file (contacts and their ledgers, one JSON line each) for {@code run},
 * {@code report} and {@code explain}. Only reads: writing it back is {@code run}'s job, through
 * {@link AtomicFile}. A line that is not a contact state, or a contact held twice, is invalid input (exit 3)
 * naming the line or the contact.
 */
public final class StateFile {
    private StateFile() {
    }

    /**
     * The contacts in {@code file} by id; empty when {@code file} is null or does not exist (a first
     * {@code run} starts without one).
     */
    public static TreeMap<String, ContactState> read(Path file) throws IOException {
        TreeMap<String, ContactState> states = new TreeMap<>();
        if (file == null || !Files.exists(file)) {
            return states;
        }
        List<ContactState> read;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            read = WaymarkJson.readStates(reader);
        } catch (WaymarkException e) {
            throw new CliException(ExitStatus.INVALID_INPUT, List.of("--state: " + file + " is not a Waymark state file: "
                    + e.getMessage() + " (it was left as it is)"), e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (ContactState s : read) {
            if (states.put(s.contactId(), s) != null) {
                throw new CliException(ExitStatus.INVALID_INPUT, "--state: " + file + " holds contact " + s.contactId()
                        + " twice (it was left as it is)");
            }
        }
        return states;
    }
}
