package dev.waymark.examples.cli;

import dev.waymark.examples.storage.AtomicFile;
import dev.waymark.ContactState;
import dev.waymark.WaymarkException;
import dev.waymark.json.WaymarkJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads a {@code --state} file (contacts and their ledgers, one JSON line each) for {@code run},
 * {@code report} and {@code explain}. Only reads: writing it back is {@code run}'s job, through
 * {@link AtomicFile}. A line that is not a contact state — not UTF-8, not JSON, a field missing or unknown —
 * or a contact held twice, is invalid input (exit 3) naming the file and the line (and field) or the contact.
 */
public final class StateFile {
    private StateFile() {
    }

    /**
     * Locks the state file of a {@code run} for the whole run, so two runs on one state cannot both emit
     * the same actions: returns the lock to close when the run is done (the system releases it if the
     * process dies), or {@code null} when {@code file} is null. Another run holding it is a failure (exit 1)
     * before anything is read, emitted or written.
     */
    public static AtomicFile.Lock lock(Path file) throws IOException {
        if (file == null) {
            return null;
        }
        AtomicFile atomic = new AtomicFile(file);
        java.util.Optional<AtomicFile.Lock> lock;
        try {
            lock = atomic.tryLock();
        } catch (IOException e) {
            throw new CliException(ExitStatus.FAILURE, List.of("--state: cannot lock " + file + " (through "
                    + atomic.lockFile().getFileName() + "): " + EngineSetup.describe(e)), e);
        }
        return lock.orElseThrow(() -> new CliException(ExitStatus.FAILURE, "--state: another run holds " + file
                + " (it is locked through " + atomic.lockFile().getFileName() + " until that run ends); nothing was done"));
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
        // Bytes, not a Reader: each line is decoded on its own, so a line that is not UTF-8 is named.
        try (InputStream in = Files.newInputStream(file)) {
            read = WaymarkJson.readStates(in);
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
