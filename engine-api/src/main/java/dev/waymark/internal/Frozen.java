package dev.waymark.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Immutable, compact maps and sets keyed by strings, in sorted order, for the facts a contact keeps.
 * Each is two sorted arrays (a third of a {@link TreeMap}'s memory for small maps) and is never copied
 * again: {@link #map} and {@link #set} return their argument when it is already frozen, so a {@code
 * Contact} rebuilt from another one shares every collection that did not change. Thread-safe.
 */
public final class Frozen {
    private Frozen() {
    }

    private static final FrozenMap<Object> EMPTY_MAP = new FrozenMap<>(new String[0], new Object[0]);
    private static final FrozenSet EMPTY_SET = new FrozenSet(new String[0]);

    /** Whether {@code o} is a map or set made here (and so needs no copy). */
    public static boolean isFrozen(Object o) {
        return o instanceof FrozenMap<?> || o instanceof FrozenSet;
    }

    /** An immutable sorted copy of {@code m}, or {@code m} itself when it is already one. Null keys or values are rejected. */
    @SuppressWarnings("unchecked")
    public static <V> Map<String, V> map(Map<String, ? extends V> m) {
        if (m instanceof FrozenMap<?>) {
            return (Map<String, V>) m;
        }
        if (m.isEmpty()) {
            return (Map<String, V>) EMPTY_MAP;
        }
        String[] keys = new String[m.size()];
        Object[] values = new Object[m.size()];
        if (m instanceof java.util.SortedMap<String, ? extends V> sm && sm.comparator() == null) {
            // A naturally ordered sorted map is already in order: no second sort.
            int i = 0;
            for (Map.Entry<String, ? extends V> e : sm.entrySet()) {
                keys[i] = java.util.Objects.requireNonNull(e.getKey(), "key");
                values[i++] = java.util.Objects.requireNonNull(e.getValue(), () -> "value of " + e.getKey());
            }
            return new FrozenMap<>(keys, values);
        }
        // One array sort: cheaper than a TreeMap's inserts for a large map.
        int n = 0;
        for (String k : m.keySet()) {
            keys[n++] = java.util.Objects.requireNonNull(k, "key");
        }
        Arrays.sort(keys);
        for (int i = 0; i < n; i++) {
            String k = keys[i];
            values[i] = java.util.Objects.requireNonNull(m.get(k), () -> "value of " + k);
        }
        return new FrozenMap<>(keys, values);
    }

    /** An immutable sorted copy of {@code s}, or {@code s} itself when it is already one. */
    public static Set<String> set(Collection<String> s) {
        if (s instanceof FrozenSet f) {
            return f;
        }
        if (s.isEmpty()) {
            return EMPTY_SET;
        }
        java.util.SortedSet<String> sorted = s instanceof java.util.SortedSet<String> ss && ss.comparator() == null
                ? ss : new TreeSet<>(s);
        return new FrozenSet(sorted.toArray(new String[0]));
    }

    private static final class FrozenMap<V> extends AbstractMap<String, V> {
        private final String[] keys;
        private final Object[] values;
        private int hash;

        FrozenMap(String[] keys, Object[] values) {
            this.keys = keys;
            this.values = values;
        }

        @Override
        public int size() {
            return keys.length;
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String k && Arrays.binarySearch(keys, k) >= 0;
        }

        @Override
        @SuppressWarnings("unchecked")
        public V get(Object key) {
            if (!(key instanceof String k)) {
                return null;
            }
            int i = Arrays.binarySearch(keys, k);
            return i >= 0 ? (V) values[i] : null;
        }

        @Override
        public int hashCode() {
            int h = hash;
            if (h == 0) {
                h = super.hashCode();
                hash = h;
            }
            return h;
        }

        @Override
        public Set<Map.Entry<String, V>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return keys.length;
                }

                @Override
                public Iterator<Map.Entry<String, V>> iterator() {
                    return new Iterator<>() {
                        int i;

                        @Override
                        public boolean hasNext() {
                            return i < keys.length;
                        }

                        @Override
                        @SuppressWarnings("unchecked")
                        public Map.Entry<String, V> next() {
                            if (i >= keys.length) {
                                throw new NoSuchElementException();
                            }
                            Map.Entry<String, V> e = new AbstractMap.SimpleImmutableEntry<>(keys[i], (V) values[i]);
                            i++;
                            return e;
                        }
                    };
                }
            };
        }
    }

    private static final class FrozenSet extends AbstractSet<String> {
        private final String[] elements;

        FrozenSet(String[] elements) {
            this.elements = elements;
        }

        @Override
        public int size() {
            return elements.length;
        }

        @Override
        public boolean contains(Object o) {
            return o instanceof String s && Arrays.binarySearch(elements, s) >= 0;
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.asList(elements).iterator(); // Arrays.asList's iterator does not support remove
        }
    }
}
