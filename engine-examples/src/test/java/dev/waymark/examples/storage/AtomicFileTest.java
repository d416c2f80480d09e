package dev.waymark.examples.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file is replaced all at once, or not at all. */
class AtomicFileTest {

    @TempDir
    Path dir;

    @Test
    void write_replacesTheWholeFileAndLeavesNoTempFile() throws IOException {
        Path target = dir.resolve("state.jsonl");
        Files.writeString(target, "old\n");
        new AtomicFile(target).write(out -> out.write("new content\n"));
        assertThat(target).hasContent("new content");
        assertThat(dir.resolve("state.jsonl.tmp")).doesNotExist();
    }

    @Test
    void crashBetweenTempWriteAndRename_leavesTheOldFileWhole() throws IOException {
        Path target = dir.resolve("state.jsonl");
        Files.writeString(target, "old state\n");
        AtomicFile file = new AtomicFile(target, () -> {
            // The moment a crash would hurt most: new content fully on disk, not yet renamed.
            assertThat(dir.resolve("state.jsonl.tmp")).hasContent("new state");
            throw new IllegalStateException("simulated crash before rename");
        });
        assertThatThrownBy(() -> file.write(out -> out.write("new state\n"))).hasMessageContaining("simulated crash");
        assertThat(target).hasContent("old state");
    }

    @Test
    void failingContent_leavesTheOldFileAndRemovesTheTempFile() throws IOException {
        Path target = dir.resolve("state.jsonl");
        Files.writeString(target, "old state\n");
        assertThatThrownBy(() -> new AtomicFile(target).write(out -> {
            out.write("half a state");
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(target).hasContent("old state");
        assertThat(dir.resolve("state.jsonl.tmp")).doesNotExist();
    }

    @Test
    void leftoverTempFileOfAKilledRun_isReplacedByTheNextWrite() throws IOException {
        Path target = dir.resolve("state.jsonl");
        Files.writeString(dir.resolve("state.jsonl.tmp"), "half written by a killed run");
        AtomicBoolean renamed = new AtomicBoolean();
        new AtomicFile(target, () -> renamed.set(true)).write(out -> out.write("complete\n"));
        assertThat(renamed).isTrue();
        assertThat(target).hasContent("complete");
        assertThat(dir.resolve("state.jsonl.tmp")).doesNotExist();
    }
}
