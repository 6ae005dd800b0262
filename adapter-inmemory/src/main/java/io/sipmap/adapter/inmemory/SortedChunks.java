package io.sipmap.adapter.inmemory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A map from SID to value sorted by SID, held as immutable sorted chunks of at most {@value #MAX} entries in a skip
 * list keyed by each chunk's first SID. Why not one skip list node per entry: a skip list cannot step backwards, so a
 * page before a SID cost one O(log n) search per record (22 times the first page at a million), and a page at depth
 * cost two more searches than the first; here a page costs one search plus one per chunk crossed, either way, and an
 * entry costs two array slots instead of a node and its index (about 36 bytes less).
 *
 * <p>Reads take no lock and see each chunk whole; a reader that walks from chunk to chunk filters by the last SID it
 * read, so a chunk split, merged or re-keyed meanwhile neither repeats nor skips entries that stayed. Writes must be
 * made by one thread at a time (the partition's lock): each replaces the chunk it changes, publishing new chunks
 * before withdrawing old ones.
 */
final class SortedChunks<V> {

    static final int MAX = 128;

    private record Chunk(String[] keys, Object[] values) {
        int size() {
            return keys.length;
        }

        /** The index of {@code key}, or {@code -(insertion point) - 1}. */
        int find(String key) {
            return Arrays.binarySearch(keys, key);
        }

        /** The first index whose key is greater than {@code key}. */
        int above(String key) {
            int i = find(key);
            return i >= 0 ? i + 1 : -i - 1;
        }

        /** The first index whose key is not less than {@code key}. */
        int notBelow(String key) {
            int i = find(key);
            return i >= 0 ? i : -i - 1;
        }
    }

    private final ConcurrentSkipListMap<String, Chunk> chunks = new ConcurrentSkipListMap<>();

    @SuppressWarnings("unchecked")
    V get(String key) {
        Map.Entry<String, Chunk> e = chunks.floorEntry(key);
        if (e == null) {
            return null;
        }
        int i = e.getValue().find(key);
        return i >= 0 ? (V) e.getValue().values[i] : null;
    }

    boolean containsKey(String key) {
        return get(key) != null;
    }

    /** Puts or replaces; returns the previous value. One writer at a time. */
    @SuppressWarnings("unchecked")
    V put(String key, V value) {
        Map.Entry<String, Chunk> e = chunks.floorEntry(key);
        if (e == null) {
            e = chunks.firstEntry();
            if (e == null) {
                chunks.put(key, new Chunk(new String[] {key}, new Object[] {value}));
                return null;
            }
        }
        Chunk c = e.getValue();
        int i = c.find(key);
        if (i >= 0) {
            Object[] values = c.values.clone();
            V previous = (V) values[i];
            values[i] = value;
            chunks.put(e.getKey(), new Chunk(c.keys, values));
            return previous;
        }
        int at = -i - 1;
        int n = c.size() + 1;
        String[] keys = new String[n];
        Object[] values = new Object[n];
        System.arraycopy(c.keys, 0, keys, 0, at);
        System.arraycopy(c.values, 0, values, 0, at);
        keys[at] = key;
        values[at] = value;
        System.arraycopy(c.keys, at, keys, at + 1, c.size() - at);
        System.arraycopy(c.values, at, values, at + 1, c.size() - at);
        if (n <= MAX) {
            replace(e.getKey(), new Chunk(keys, values));
        } else if (at == c.size()) {
            // an append, as time-ordered SIDs arrive: the full chunk stays full and a new one starts, so that chunks
            // filled in order are full rather than half full
            chunks.put(key, new Chunk(new String[] {key}, new Object[] {value}));
        } else {
            int half = n / 2;
            Chunk right = new Chunk(Arrays.copyOfRange(keys, half, n), Arrays.copyOfRange(values, half, n));
            chunks.put(right.keys[0], right);
            replace(e.getKey(), new Chunk(Arrays.copyOf(keys, half), Arrays.copyOf(values, half)));
        }
        return null;
    }

    /** Removes; returns the value removed, or null. One writer at a time. */
    @SuppressWarnings("unchecked")
    V remove(String key) {
        Map.Entry<String, Chunk> e = chunks.floorEntry(key);
        if (e == null) {
            return null;
        }
        Chunk c = e.getValue();
        int i = c.find(key);
        if (i < 0) {
            return null;
        }
        V removed = (V) c.values[i];
        int n = c.size() - 1;
        if (n == 0) {
            chunks.remove(e.getKey());
            return removed;
        }
        String[] keys = new String[n];
        Object[] values = new Object[n];
        System.arraycopy(c.keys, 0, keys, 0, i);
        System.arraycopy(c.values, 0, values, 0, i);
        System.arraycopy(c.keys, i + 1, keys, i, n - i);
        System.arraycopy(c.values, i + 1, values, i, n - i);
        Map.Entry<String, Chunk> next = chunks.higherEntry(e.getKey());
        if (n < MAX / 4 && next != null && n + next.getValue().size() <= MAX / 2) {
            // merge with the next chunk, so that deletions do not leave many small chunks
            Chunk other = next.getValue();
            String[] mergedKeys = Arrays.copyOf(keys, n + other.size());
            Object[] mergedValues = Arrays.copyOf(values, n + other.size());
            System.arraycopy(other.keys, 0, mergedKeys, n, other.size());
            System.arraycopy(other.values, 0, mergedValues, n, other.size());
            replace(e.getKey(), new Chunk(mergedKeys, mergedValues));
            chunks.remove(next.getKey());
        } else {
            replace(e.getKey(), new Chunk(keys, values));
        }
        return removed;
    }

    /** Puts {@code chunk} in place of the one under {@code oldKey}: under its new first key first, if it changed. */
    private void replace(String oldKey, Chunk chunk) {
        chunks.put(chunk.keys[0], chunk);
        if (!chunk.keys[0].equals(oldKey)) {
            chunks.remove(oldKey);
        }
    }

    /**
     * What {@link #ascending} or {@link #descending} read, and whether there is an entry beyond the other end: before
     * the first item read, or (for {@link #descending}) one seen not less than where it started.
     */
    record Run<V>(List<V> items, boolean anyBefore) {
    }

    /**
     * Up to {@code count} values in SID order after {@code after} (exclusive; null for the start), skipping the first
     * {@code skip}; and whether any entry precedes the first value read (or, if none was read, the start).
     */
    @SuppressWarnings("unchecked")
    Run<V> ascending(String after, long skip, int count) {
        List<V> items = new ArrayList<>(Math.min(count, 64));
        Map.Entry<String, Chunk> e = after == null ? null : chunks.floorEntry(after);
        if (e == null) {
            e = chunks.firstEntry();
        }
        String last = after;
        boolean anyBefore = false;
        boolean started = false;
        while (e != null && items.size() < count) {
            Chunk c = e.getValue();
            int i = last == null ? 0 : c.above(last);
            if (!started && i < c.size()) {
                long available = c.size() - i;
                if (skip >= available) {
                    skip -= available;
                    last = c.keys[c.size() - 1];
                    e = chunks.higherEntry(e.getKey());
                    continue;
                }
                i += (int) skip;
                skip = 0;
                started = true;
                Map.Entry<String, Chunk> head = chunks.firstEntry();
                anyBefore = i > 0 || head != null && head.getKey().compareTo(e.getKey()) < 0;
            }
            for (; i < c.size() && items.size() < count; i++) {
                items.add((V) c.values[i]);
                last = c.keys[i];
            }
            if (items.size() < count) {
                last = c.keys[c.size() - 1];
                e = chunks.higherEntry(e.getKey());
            }
        }
        return new Run<>(items, anyBefore);
    }

    /**
     * Up to {@code count} values before {@code before} (exclusive), nearest first; and whether an entry not less
     * than {@code before} was seen on the way (if not, there may still be one).
     */
    @SuppressWarnings("unchecked")
    Run<V> descending(String before, int count) {
        List<V> items = new ArrayList<>(Math.min(count, 64));
        Map.Entry<String, Chunk> e = chunks.lowerEntry(before);
        boolean anyFrom = e != null && e.getValue().notBelow(before) < e.getValue().size();
        String last = before;
        while (e != null && items.size() < count) {
            Chunk c = e.getValue();
            for (int i = c.notBelow(last) - 1; i >= 0 && items.size() < count; i--) {
                items.add((V) c.values[i]);
                last = c.keys[i];
            }
            if (items.size() < count) {
                e = chunks.lowerEntry(e.getKey());
            }
        }
        return new Run<>(items, anyFrom);
    }

    /** Whether any SID is greater than {@code key}. */
    boolean anyAfter(String key) {
        Map.Entry<String, Chunk> e = chunks.floorEntry(key);
        if (e == null) {
            return !chunks.isEmpty();
        }
        return e.getValue().above(key) < e.getValue().size() || chunks.higherKey(e.getKey()) != null;
    }

    /** Whether any SID is less than {@code key}. */
    boolean anyBefore(String key) {
        Map.Entry<String, Chunk> e = chunks.floorEntry(key);
        if (e == null) {
            return false;
        }
        return e.getValue().keys[0].compareTo(key) < 0 || chunks.lowerKey(e.getKey()) != null;
    }

    static <T> List<T> reversed(List<T> items) {
        Collections.reverse(items);
        return items;
    }
}
