package dev.waymark.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The due-time index's key layout and its moves, on a plain in-memory store. */
class DueIndexTest {

    @Test
    void timeKeys_sortByTimeThenContact_negativeInstantsAndAnyUtf8Included() {
        Random rnd = new Random(3);
        List<DueIndex.Entry> entries = new ArrayList<>();
        String[] ids = {"a", "b", "c-1", "c-10", "c-2", "zoë", "東京", "\uD83D\uDE00", "A"};
        long[] times = {Long.MIN_VALUE + 1, -86_400_000L, -1L, 0L, 1L, 255L, 256L, 1_790_000_000_000L, Long.MAX_VALUE - 1};
        for (long t : times) {
            for (String id : ids) {
                entries.add(new DueIndex.Entry(t + rnd.nextInt(2), id));
            }
        }
        List<Bytes> keys = new ArrayList<>(entries.stream().map(e -> DueIndex.timeKey(e.millis(), e.contactId())).toList());
        Collections.shuffle(keys, rnd);
        Collections.sort(keys); // Bytes order: unsigned lexicographic, as RocksDB's
        List<DueIndex.Entry> decoded = keys.stream().map(k -> DueIndex.decodeTimeKey(k.get())).toList();

        List<DueIndex.Entry> expected = new ArrayList<>(entries);
        expected.sort(Comparator.comparingLong(DueIndex.Entry::millis)
                .thenComparing(e -> Bytes.wrap(e.contactId().getBytes(StandardCharsets.UTF_8))));
        assertThat(decoded).containsExactlyElementsOf(expected);
    }

    @Test
    void wakeUps_areRoundedUpToTheMillisecond_soNoneIsDueEarly() {
        assertThat(DueIndex.ceilMillis(Instant.ofEpochMilli(1000))).isEqualTo(1000);
        assertThat(DueIndex.ceilMillis(Instant.ofEpochSecond(1, 1))).isEqualTo(1001);
        assertThat(DueIndex.ceilMillis(Instant.ofEpochSecond(1, 999_999_999))).isEqualTo(2000);
        assertThat(DueIndex.ceilMillis(Instant.ofEpochSecond(-1, 1))).isEqualTo(-999);
    }

    @Test
    void schedule_movesTheOneEntry_andDueReturnsOldestFirstUpToTheLimit() {
        KeyValueStore<Bytes, byte[]> store = Stores.inMemoryKeyValueStore("index").get();
        DueIndex index = new DueIndex(store);
        index.schedule("c-1", Instant.ofEpochMilli(500));
        index.schedule("c-2", Instant.ofEpochMilli(100));
        index.schedule("c-3", Instant.ofEpochMilli(300));
        index.schedule("c-1", Instant.ofEpochMilli(200)); // moved earlier
        index.schedule("c-3", null);                       // removed
        index.schedule("c-4", Instant.ofEpochMilli(200));

        assertThat(index.due(199, 10)).containsExactly(new DueIndex.Entry(100, "c-2"));
        assertThat(index.due(200, 10)).containsExactly(new DueIndex.Entry(100, "c-2"),
                new DueIndex.Entry(200, "c-1"), new DueIndex.Entry(200, "c-4"));
        assertThat(index.due(Long.MAX_VALUE - 1, 2)).hasSize(2);
        assertThat(index.scheduledMillis("c-1")).isEqualTo(200L);
        assertThat(index.scheduledMillis("c-3")).isNull();
        assertThat(store.approximateNumEntries()).isEqualTo(6); // three contacts, two entries each
    }
}
