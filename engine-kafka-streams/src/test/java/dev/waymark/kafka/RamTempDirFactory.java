package dev.waymark.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Temporary state directories in RAM ({@code /dev/shm}) where the machine has it, else in the default temp
 * folder. {@code TopologyTestDriver} commits after every record, and each commit flushes the RocksDB stores to
 * new files with a sync; on a disk that makes a test of a few hundred records take tens of seconds, in RAM a
 * second or two. The stores are still real persistent (RocksDB) stores.
 */
public final class RamTempDirFactory implements TempDirFactory {

    private static final Path RAM = Path.of("/dev/shm");

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws Exception {
        if (Files.isDirectory(RAM) && Files.isWritable(RAM)) {
            return Files.createTempDirectory(RAM, "waymark-streams-test-");
        }
        return Files.createTempDirectory("waymark-streams-test-");
    }
}
