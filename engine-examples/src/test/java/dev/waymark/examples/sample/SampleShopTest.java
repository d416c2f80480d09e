package dev.waymark.examples.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Event;
import dev.waymark.json.WaymarkJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bundled export is exactly what its generator writes, so anyone can regenerate and check it. */
class SampleShopTest {

    @Test
    void committedSample_isWhatTheGeneratorWrites() throws Exception {
        List<Event> events = SampleShop.generate();
        StringBuilder expected = new StringBuilder();
        for (Event e : events) {
            expected.append(WaymarkJson.write(e)).append('\n');
        }
        String committed = Files.readString(Path.of("samples/shop-events.jsonl"), StandardCharsets.UTF_8);
        assertThat(committed.equals(expected.toString()))
                .as("samples/shop-events.jsonl differs from SampleShop's output: regenerate it (see SampleShop)")
                .isTrue();
        assertThat(events).allSatisfy(e -> assertThat(e.at()).isBefore(SampleShop.EXPORT_AT));
        assertThat(events.stream().map(Event::contactId).distinct().count()).isEqualTo(SampleShop.CONTACTS);
        assertThat(Files.size(Path.of("samples/shop-events.jsonl"))).isLessThan(5_000_000L);
    }
}
