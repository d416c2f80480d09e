package dev.waymark.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The due-time index of one task: which contact wakes up when, kept in one key-value store so a range
 * scan returns the contacts that are due, oldest first, without touching any other contact.
 *
 * <p>The store holds two key spaces, so that moving a contact's entry is exact and needs no second store
 * (and no second changelog topic):
 * <ul>
 *   <li>{@code 0x00 | time | contactId} → empty value: the time-ordered entries. {@code time} is the
 *       wake-up in epoch milliseconds, rounded <em>up</em>, as 8 big-endian bytes with the sign bit flipped,
 *       so unsigned lexicographic byte order (RocksDB's and {@link Bytes}') is time order, negative
 *       instants included. {@code contactId} is UTF-8.</li>
 *   <li>{@code 0x01 | contactId} → {@code time} (8 bytes, same encoding): the contact's one current entry.</li>
 *   <li>{@code 0x02 | name} → UTF-8 text: bookkeeping of the index itself ({@code ruleset}: the fingerprint of
 *       the ruleset whose wake-ups it holds; {@code rescan}: how far a re-scan after a ruleset change got).</li>
 * </ul>
 * Rounding up keeps "due" exact: punctuation times are whole milliseconds, and for a whole-millisecond
 * {@code t}, {@code t >= wake} holds exactly when {@code t >= ceil(wake)}. UTF-8 never contains the byte
 * {@code 0xFF}, so {@code 0x00 | time(t) | 0xFF} bounds every entry at {@code t} from above.
 *
 * <p>Not thread-safe: used by one processor, on its stream thread.
 */
final class DueIndex {

    static final byte BY_TIME = 0x00;
    static final byte BY_CONTACT = 0x01;
    static final byte META = 0x02;
    private static final byte[] EMPTY = new byte[0];

    private final KeyValueStore<Bytes, byte[]> store;

    /** An index over {@code store}, which it owns from now on. */
    public DueIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * One time-ordered entry.
     *
     * @param millis    the wake-up, epoch milliseconds rounded up
     * @param contactId the contact
     */
    public record Entry(long millis, String contactId) {
        public Entry {
            Objects.requireNonNull(contactId, "contactId");
        }
    }

    /** The wake-up (rounded up to the millisecond) the contact is indexed at, or {@code null} when none. */
    public Long scheduledMillis(String contactId) {
        byte[] v = store.get(contactKey(contactId));
        return v == null ? null : decodeMillis(v, 0);
    }

    /**
     * Indexes the contact at {@code wakeUp}, replacing its previous entry; {@code null} removes it. Writes
     * nothing when the entry is already there, so an unchanged wake-up costs no changelog record.
     */
    public void schedule(String contactId, Instant wakeUp) {
        Long previous = scheduledMillis(contactId);
        if (wakeUp == null) {
            if (previous != null) {
                store.delete(timeKey(previous, contactId));
                store.delete(contactKey(contactId));
            }
            return;
        }
        long millis = ceilMillis(wakeUp);
        if (previous != null && previous == millis) {
            return;
        }
        if (previous != null) {
            store.delete(timeKey(previous, contactId));
        }
        store.put(timeKey(millis, contactId), EMPTY);
        store.put(contactKey(contactId), encodeMillis(millis));
    }

    /** Removes one time-ordered entry only (a stale one that is not the contact's current entry). */
    public void removeEntry(Entry entry) {
        store.delete(timeKey(entry.millis(), entry.contactId()));
    }

    /**
     * Up to {@code limit} entries due at {@code nowMillis} (wake-up at or before it), oldest first. The
     * iterator is closed before returning, so the caller may write to the store while handling them.
     */
    public List<Entry> due(long nowMillis, int limit) {
        Bytes from = Bytes.wrap(ByteBuffer.allocate(9).put(BY_TIME).put(encodeMillis(Long.MIN_VALUE)).array());
        Bytes to = Bytes.wrap(ByteBuffer.allocate(10).put(BY_TIME).put(encodeMillis(nowMillis)).put((byte) 0xFF).array());
        List<Entry> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(from, to)) {
            while (it.hasNext() && out.size() < limit) {
                KeyValue<Bytes, byte[]> kv = it.next();
                out.add(decodeTimeKey(kv.key.get()));
            }
        }
        return out;
    }

    /** A bookkeeping value, or {@code null}. */
    public String meta(String name) {
        byte[] v = store.get(metaKey(name));
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** Sets a bookkeeping value; {@code null} removes it. */
    public void meta(String name, String value) {
        if (value == null) {
            store.delete(metaKey(name));
        } else {
            store.put(metaKey(name), value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Bytes metaKey(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + n.length).put(META).put(n).array());
    }

    /** The time-ordered key of {@code contactId} at {@code millis}. */
    static Bytes timeKey(long millis, String contactId) {
        byte[] id = contactId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(9 + id.length).put(BY_TIME).put(encodeMillis(millis)).put(id).array());
    }

    static Bytes contactKey(String contactId) {
        byte[] id = contactId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + id.length).put(BY_CONTACT).put(id).array());
    }

    static Entry decodeTimeKey(byte[] key) {
        if (key.length < 9 || key[0] != BY_TIME) {
            throw new IllegalStateException("not a time-ordered index key: " + Arrays.toString(key));
        }
        return new Entry(decodeMillis(key, 1), new String(key, 9, key.length - 9, StandardCharsets.UTF_8));
    }

    /** Epoch milliseconds of {@code t}, rounded up (toward the future). */
    static long ceilMillis(Instant t) {
        long millis = t.toEpochMilli(); // floors
        return t.getNano() % 1_000_000 == 0 ? millis : millis + 1;
    }

    static byte[] encodeMillis(long millis) {
        // Flipping the sign bit makes unsigned byte order agree with signed numeric order.
        return ByteBuffer.allocate(8).putLong(millis ^ Long.MIN_VALUE).array();
    }

    static long decodeMillis(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes, offset, 8).getLong() ^ Long.MIN_VALUE;
    }
}
