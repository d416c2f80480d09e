package dev.waymark.kafka.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The example's options and its Kafka Streams configuration (it cannot run here: there is no broker). */
class WaymarkStreamsAppTest {

    @Test
    void options_comeFromArgumentsThenEnvironmentThenDefaults() {
        WaymarkStreamsApp.Options o = WaymarkStreamsApp.Options.parse(new String[] {
                "--events-topic", "shop-events", "--rules", "a.drl", "--rules", "b.drl", "--threads", "3"},
                Map.of("WAYMARK_ACTIONS_TOPIC", "acts", "WAYMARK_DEAD_LETTER_TOPIC", "dlq", "WAYMARK_THREADS", "2",
                        "WAYMARK_RULES", "env.drl"));
        assertThat(o.get("events-topic")).isEqualTo("shop-events");
        assertThat(o.get("actions-topic")).isEqualTo("acts");
        assertThat(o.get("threads")).isEqualTo("3");
        assertThat(o.get("bootstrap-servers")).isEqualTo("localhost:9092");
        assertThat(o.rules()).containsExactly(Path.of("a.drl"), Path.of("b.drl"));
    }

    @Test
    void options_refuseUnknownOrMissing() {
        assertThatThrownBy(() -> WaymarkStreamsApp.Options.parse(new String[] {"--nope", "x"}, Map.of()))
                .hasMessageContaining("--nope");
        assertThatThrownBy(() -> WaymarkStreamsApp.Options.parse(new String[] {"--events-topic", "e"}, Map.of()))
                .hasMessageContaining("--actions-topic");
        assertThatThrownBy(() -> WaymarkStreamsApp.Options.parse(new String[] {"--events-topic", "e",
                "--actions-topic", "a", "--dead-letter-topic", "d", "--threads", "many"}, Map.of()))
                .hasMessageContaining("--threads");
    }

    @Test
    void streamsConfig_isExactlyOnce() {
        WaymarkStreamsApp.Options o = WaymarkStreamsApp.Options.parse(new String[] {
                "--events-topic", "e", "--actions-topic", "a", "--dead-letter-topic", "d", "--application-id", "shop"},
                Map.of());
        Properties p = WaymarkStreamsApp.streamsConfig(o);
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("shop");
        assertThat(new StreamsConfig(p).getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
    }
}
