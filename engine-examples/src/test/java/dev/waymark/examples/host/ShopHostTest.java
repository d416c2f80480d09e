package dev.waymark.examples.host;

import dev.waymark.examples.storage.InMemoryContactStore;
import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.ContactState;
import dev.waymark.json.WaymarkJson;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding example: it sends, survives a restart through its saved state, and ignores redelivery. */
class ShopHostTest {

    @TempDir
    Path dir;

    @Test
    void hostLoop_sendsActions_savesRestorableState_andIgnoresRedeliveredEvents() throws Exception {
        Path state = dir.resolve("host.state.jsonl");
        ShopHost.Outcome outcome = ShopHost.run(state);

        assertThat(outcome.actions()).isPositive();
        assertThat(outcome.afterRedelivery()).isZero();
        List<ContactState> saved;
        try (BufferedReader in = Files.newBufferedReader(state)) {
            saved = WaymarkJson.readStates(in);
        }
        assertThat(saved).isNotEmpty().allSatisfy(s -> assertThat(s.evaluatedAt()).isNotNull());
        assertThat(InMemoryContactStore.restore(state).size()).isEqualTo(saved.size());
    }
}
