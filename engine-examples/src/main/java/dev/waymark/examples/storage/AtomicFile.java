package dev.waymark.examples.storage;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Replaces a file all at once: the content goes to {@code <name>.tmp} in the same folder, is flushed to
 * disk ({@code fsync}), then renamed over the target with an atomic move. Whatever happens before the
 * rename — an error, a kill, a power cut — the target keeps its previous content byte for byte; after it,
 * the target has the whole new content.
 *
 * <p>The temp name is fixed, so a run killed midway leaves at most one {@code .tmp} behind and the next
 * write replaces it. Two processes must not write the same target at once: a writer that may meet another
 * holds {@link #tryLock()} for as long as it reads and writes the target. Not thread-safe.
 */
public final class AtomicFile {

    /**
     * An operating-system lock on {@code <name>.lock} beside the target, held until closed or until the
     * process ends, however it ends (the system releases it with the process, a {@code kill -9} too). The
     * lock is on a file of its own because the target itself is replaced by rename: a lock on it would stay
     * on the old file. The lock file is left in place when released; it is empty, and deleting it while
     * another process waits on it could let two hold a lock each.
     */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final java.nio.channels.FileLock lock;

        private Lock(FileChannel channel, java.nio.channels.FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        /** Releases the lock. */
        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }

    /** The lock file of {@link #tryLock()}. */
    public Path lockFile() {
        return target.resolveSibling(target.getFileName() + ".lock");
    }

    /**
     * Takes the target's lock without waiting: the lock, or empty when another process holds it (or this
     * one, through another {@code AtomicFile}).
     *
     * @throws IOException when the lock file cannot be created or the file system cannot lock
     */
    public java.util.Optional<Lock> tryLock() throws IOException {
        FileChannel channel = FileChannel.open(lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            java.nio.channels.FileLock lock = channel.tryLock();
            if (lock != null) {
                return java.util.Optional.of(new Lock(channel, lock));
            }
        } catch (java.nio.channels.OverlappingFileLockException e) {
            // held by this JVM already: taken, as far as this caller is concerned
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        channel.close();
        return java.util.Optional.empty();
    }

    /** Writes a file's content. */
    @FunctionalInterface
    public interface Content {
        /** Writes everything to {@code out}; need not flush or close it. */
        void writeTo(Writer out) throws IOException;
    }

    private final Path target;
    private final Runnable beforeMove;

    /** An atomic writer for {@code target}. */
    public AtomicFile(Path target) {
        this(target, () -> { });
    }

    /** As {@link #AtomicFile(Path)}, running {@code beforeMove} between the synced temp file and the rename (a test seam). */
    AtomicFile(Path target, Runnable beforeMove) {
        this.target = target.toAbsolutePath();
        this.beforeMove = Objects.requireNonNull(beforeMove, "beforeMove");
    }

    /** The temp file the content is written to before the rename. */
    public Path tempFile() {
        return target.resolveSibling(target.getFileName() + ".tmp");
    }

    /**
     * Writes {@code content} and puts it in place. On an exception the target is untouched and the temp
     * file removed.
     */
    public void write(Content content) throws IOException {
        Pending pending = begin();
        try {
            content.writeTo(pending.writer());
        } catch (IOException | RuntimeException | Error e) {
            pending.abort(e);
            throw e;
        }
        pending.commit();
    }

    /**
     * Starts writing the temp file; the target changes only when {@link Pending#commit()} returns. For a
     * writer that must know the content is in place before it goes on (the store marks actions written).
     */
    public Pending begin() throws IOException {
        Path tmp = tempFile();
        FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        return new Pending(tmp, channel);
    }

    /** A write under way: the temp file and its writer. Not thread-safe. */
    public final class Pending {
        private final Path tmp;
        private final FileChannel channel;
        private final Writer out;

        private Pending(Path tmp, FileChannel channel) {
            this.tmp = tmp;
            this.channel = channel;
            // Not closed before force(): closing the writer would close the channel.
            this.out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8), 1 << 16);
        }

        /** Where the content goes; need not be flushed or closed. */
        public Writer writer() {
            return out;
        }

        /** Flushes the content to disk and renames it over the target; on failure the target is untouched. */
        public void commit() throws IOException {
            try {
                out.flush();
                channel.force(true);
                channel.close();
                beforeMove.run();
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | RuntimeException | Error e) {
                abort(e);
                throw e;
            }
            syncFolder(target.getParent());
        }

        /** Gives up: the temp file is removed, the target untouched; problems doing so are added to {@code cause}. */
        public void abort(Throwable cause) {
            try {
                channel.close();
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                cause.addSuppressed(suppressed);
            }
        }
    }

    // The rename itself lives in the folder's entry table; syncing the folder makes it survive a power cut.
    // Not every platform can open a folder for this (Windows cannot): there the rename is all we can do.
    private static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort, see above
        }
    }
}
