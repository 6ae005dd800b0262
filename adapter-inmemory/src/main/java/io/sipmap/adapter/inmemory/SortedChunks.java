package io.sipmap.adapter.inmemory;

import io.sipmap.domain.Sid;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A map from SID to value sorted by SID, held as immutable sorted chunks of at most {@value #MAX} entries under a
 * directory: an array of the chunks in order and, beside it, an array of each chunk's separator (a key not above any
 * of the chunk's keys and above every key of the chunk before). Keys are the 128-bit numbers SIDs spell ({@link
 * Sid#high()}, {@link Sid#low()}), two longs side by side in a {@code long[]}, so that a search reads primitive arrays
 * and never follows a pointer per comparison.
 *
 * <p>A page costs one binary search of the separators, one of a chunk, then a walk over the chunks it spans, in either
 * direction and at any depth: the deepest page of a million costs what the first does, plus about 20 comparisons of
 * longs. An entry costs two longs and a value reference.
 *
 * <p>Reads take no lock. A read takes the directory once and walks it; a chunk read is whole. Writes must be made by
 * one thread at a time (the partition's lock). A write within one chunk (most writes) replaces that chunk in its slot,
 * in place, with a release store; a write that adds or removes a chunk, or lowers the first separator, publishes a new
 * directory through a volatile field and leaves the old one as it was, a consistent earlier state for the reads still
 * walking it. Separators are never raised: removing a chunk's first key leaves its separator below the new first key,
 * which keeps every key of the chunk within its bounds.
 */
final class SortedChunks<V> {

    static final int MAX = 128;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Chunk[].class);

    /** An immutable chunk: keys as {@code high, low} pairs in ascending order, values at the same index. */
    private static final class Chunk {
        final long[] keys;
        final Object[] values;

        Chunk(long[] keys, Object[] values) {
            this.keys = keys;
            this.values = values;
        }

        static Chunk of(long high, long low, Object value) {
            return new Chunk(new long[] {high, low}, new Object[] {value});
        }

        int size() {
            return values.length;
        }

        /** The index of the key, or {@code -(insertion point) - 1}. */
        int find(long high, long low) {
            return search(keys, values.length, high, low);
        }

        /** The first index whose key is greater than the given one. */
        int above(long high, long low) {
            int i = find(high, low);
            return i >= 0 ? i + 1 : -i - 1;
        }

        /** The first index whose key is not less than the given one. */
        int notBelow(long high, long low) {
            int i = find(high, low);
            return i >= 0 ? i : -i - 1;
        }

        Chunk with(int at, Object value) {
            Object[] copy = values.clone();
            copy[at] = value;
            return new Chunk(keys, copy);
        }

        Chunk inserted(int at, long high, long low, Object value) {
            int n = size();
            long[] k = new long[2 * n + 2];
            Object[] v = new Object[n + 1];
            System.arraycopy(keys, 0, k, 0, 2 * at);
            System.arraycopy(values, 0, v, 0, at);
            k[2 * at] = high;
            k[2 * at + 1] = low;
            v[at] = value;
            System.arraycopy(keys, 2 * at, k, 2 * at + 2, 2 * (n - at));
            System.arraycopy(values, at, v, at + 1, n - at);
            return new Chunk(k, v);
        }

        Chunk removed(int at) {
            int n = size() - 1;
            long[] k = new long[2 * n];
            Object[] v = new Object[n];
            System.arraycopy(keys, 0, k, 0, 2 * at);
            System.arraycopy(values, 0, v, 0, at);
            System.arraycopy(keys, 2 * at + 2, k, 2 * at, 2 * (n - at));
            System.arraycopy(values, at + 1, v, at, n - at);
            return new Chunk(k, v);
        }

        Chunk range(int from, int to) {
            return new Chunk(Arrays.copyOfRange(keys, 2 * from, 2 * to), Arrays.copyOfRange(values, from, to));
        }

        Chunk followedBy(Chunk next) {
            long[] k = Arrays.copyOf(keys, keys.length + next.keys.length);
            Object[] v = Arrays.copyOf(values, size() + next.size());
            System.arraycopy(next.keys, 0, k, keys.length, next.keys.length);
            System.arraycopy(next.values, 0, v, size(), next.size());
            return new Chunk(k, v);
        }
    }

    /**
     * The chunks in order with their separators. The separators never change once published; a slot's chunk may be
     * replaced in place by one whose keys lie within the same bounds. Chunks are never empty.
     */
    private static final class Directory {
        final long[] separators;
        final Chunk[] chunks;

        Directory(long[] separators, Chunk[] chunks) {
            this.separators = separators;
            this.chunks = chunks;
        }

        int size() {
            return chunks.length;
        }

        Chunk chunk(int slot) {
            return (Chunk) SLOT.getAcquire(chunks, slot);
        }

        void set(int slot, Chunk chunk) {
            SLOT.setRelease(chunks, slot, chunk);
        }

        /** The last slot whose separator is not above the key, or -1 when the key is below them all. */
        int floor(long high, long low) {
            int i = search(separators, chunks.length, high, low);
            return i >= 0 ? i : -i - 2;
        }

        /** A copy with {@code removed} slots from {@code at} replaced by {@code added} (separator, chunk) pairs. */
        Directory splice(int at, int removed, long[] addedSeparators, Chunk... added) {
            int n = size() - removed + added.length;
            long[] s = new long[2 * n];
            Chunk[] c = new Chunk[n];
            for (int i = 0; i < at; i++) {
                c[i] = chunk(i);
            }
            System.arraycopy(separators, 0, s, 0, 2 * at);
            System.arraycopy(addedSeparators, 0, s, 2 * at, 2 * added.length);
            System.arraycopy(added, 0, c, at, added.length);
            for (int i = at + removed; i < size(); i++) {
                c[i - removed + added.length] = chunk(i);
            }
            System.arraycopy(separators, 2 * (at + removed), s, 2 * (at + added.length),
                    2 * (size() - at - removed));
            return new Directory(s, c);
        }
    }

    private volatile Directory directory = new Directory(new long[0], new Chunk[0]);

    /**
     * Binary search of {@code n} keys stored as {@code high, low} pairs, compared unsigned as SIDs compare: the index
     * of the key, or {@code -(insertion point) - 1}.
     */
    private static int search(long[] pairs, int n, long high, long low) {
        int from = 0;
        int to = n - 1;
        while (from <= to) {
            int mid = (from + to) >>> 1;
            int c = Long.compareUnsigned(pairs[2 * mid], high);
            if (c == 0) {
                c = Long.compareUnsigned(pairs[2 * mid + 1], low);
            }
            if (c < 0) {
                from = mid + 1;
            } else if (c > 0) {
                to = mid - 1;
            } else {
                return mid;
            }
        }
        return -(from + 1);
    }

    @SuppressWarnings("unchecked")
    V get(Sid key) {
        long high = key.high();
        long low = key.low();
        Directory d = directory;
        int slot = d.floor(high, low);
        if (slot < 0) {
            return null;
        }
        Chunk c = d.chunk(slot);
        int i = c.find(high, low);
        return i >= 0 ? (V) c.values[i] : null;
    }

    boolean containsKey(Sid key) {
        return get(key) != null;
    }

    /** Puts or replaces; returns the previous value. One writer at a time. */
    @SuppressWarnings("unchecked")
    V put(Sid key, V value) {
        long high = key.high();
        long low = key.low();
        Directory d = directory;
        long[] separator = {high, low};
        if (d.size() == 0) {
            directory = new Directory(separator, new Chunk[] {Chunk.of(high, low, value)});
            return null;
        }
        int slot = d.floor(high, low);
        boolean lowest = slot < 0; // below every separator: it joins the first chunk, whose separator it becomes
        if (lowest) {
            slot = 0;
        }
        Chunk c = d.chunk(slot);
        int i = c.find(high, low);
        if (i >= 0) {
            d.set(slot, c.with(i, value));
            return (V) c.values[i];
        }
        int at = -i - 1;
        if (c.size() < MAX) {
            Chunk grown = c.inserted(at, high, low, value);
            if (lowest) {
                directory = d.splice(0, 1, separator, grown);
            } else {
                d.set(slot, grown);
            }
        } else if (at == c.size()) {
            // an append, as time-ordered SIDs arrive: the full chunk stays full and a new one starts after it, so that
            // chunks filled in order are full rather than half full
            directory = d.splice(slot + 1, 0, separator, Chunk.of(high, low, value));
        } else {
            Chunk grown = c.inserted(at, high, low, value);
            int half = grown.size() / 2;
            Chunk left = grown.range(0, half);
            Chunk right = grown.range(half, grown.size());
            long[] separators = {
                lowest ? high : d.separators[2 * slot], lowest ? low : d.separators[2 * slot + 1],
                right.keys[0], right.keys[1]};
            directory = d.splice(slot, 1, separators, left, right);
        }
        return null;
    }

    /** Removes; returns the value removed, or null. One writer at a time. */
    @SuppressWarnings("unchecked")
    V remove(Sid key) {
        long high = key.high();
        long low = key.low();
        Directory d = directory;
        int slot = d.floor(high, low);
        if (slot < 0) {
            return null;
        }
        Chunk c = d.chunk(slot);
        int i = c.find(high, low);
        if (i < 0) {
            return null;
        }
        V removed = (V) c.values[i];
        if (c.size() == 1) {
            directory = d.splice(slot, 1, new long[0]);
            return removed;
        }
        Chunk shrunk = c.removed(i);
        Chunk next = slot + 1 < d.size() ? d.chunk(slot + 1) : null;
        if (next != null && shrunk.size() < MAX / 4 && shrunk.size() + next.size() <= MAX / 2) {
            // merged with the next chunk, so that deletions do not leave many small chunks
            long[] separator = {d.separators[2 * slot], d.separators[2 * slot + 1]};
            directory = d.splice(slot, 2, separator, shrunk.followedBy(next));
        } else {
            d.set(slot, shrunk);
        }
        return removed;
    }

    /**
     * What a walk read: {@code values[from..to)}, in SID order whichever way it walked, copied from the chunks a range
     * at a time; and whether there is an entry beyond the other end: before the first value (for {@link #first} and
     * {@link #after}), or not less than where it started (for {@link #before}).
     */
    record Run<V>(Object[] values, int from, int to, boolean anyBeyond) {

        int size() {
            return to - from;
        }

        /** The values from index {@code start} to {@code end} of this run, as a list of their own. */
        @SuppressWarnings("unchecked")
        List<V> items(int start, int end) {
            Objects.checkFromToIndex(start, end, size());
            return (List<V>) Arrays.asList(Arrays.copyOfRange(values, from + start, from + end));
        }

        List<V> items() {
            return items(0, size());
        }
    }

    /** Up to {@code count} values in SID order from the start, skipping the first {@code skip}. */
    Run<V> first(long skip, int count) {
        return ascending(directory, 0, false, 0, 0, skip, count);
    }

    /** Up to {@code count} values in SID order after the given key (exclusive). */
    Run<V> after(long high, long low, int count) {
        Directory d = directory;
        return ascending(d, Math.max(d.floor(high, low), 0), true, high, low, 0, count);
    }

    /**
     * From {@code slot} on: skips the entries up to the key when {@code keyed}, then {@code skip} more. Kept small,
     * without a per-value call, so that the compiler treats a walk from the start and one from a key alike.
     */
    private Run<V> ascending(Directory d, int slot, boolean keyed, long high, long low, long skip, int count) {
        Object[] out = new Object[count];
        int n = 0;
        boolean anyBefore = false;
        for (int s = slot; s < d.size() && n < count; s++) {
            Chunk c = d.chunk(s);
            int i = keyed && s == slot ? c.above(high, low) : 0;
            if (n == 0) {
                long available = c.size() - i;
                if (skip >= available) {
                    skip -= available;
                    continue;
                }
                i += (int) skip;
                skip = 0;
                anyBefore = i > 0 || s > 0; // chunks are never empty
            }
            int k = Math.min(c.size() - i, count - n);
            System.arraycopy(c.values, i, out, n, k);
            n += k;
        }
        return new Run<>(out, 0, n, anyBefore);
    }

    /**
     * Up to {@code count} values before the given key (exclusive): the nearest ones, in SID order; the run's {@code
     * anyBeyond} says whether any entry is not less than the key.
     */
    Run<V> before(long high, long low, int count) {
        Directory d = directory;
        int slot = d.floor(high, low);
        Object[] out = new Object[count];
        if (slot < 0) {
            return new Run<>(out, count, count, d.size() > 0);
        }
        Chunk first = d.chunk(slot);
        int below = first.notBelow(high, low);
        boolean anyFrom = below < first.size() || slot + 1 < d.size();
        int start = count; // out[start..count) filled, backwards from the key
        for (int s = slot; s >= 0 && start > 0; s--) {
            Chunk c = s == slot ? first : d.chunk(s);
            int end = s == slot ? below : c.size();
            int k = Math.min(end, start);
            System.arraycopy(c.values, end - k, out, start - k, k);
            start -= k;
        }
        return new Run<>(out, start, count, anyFrom);
    }

    /** Whether any key is greater than the given one. */
    boolean anyAfter(long high, long low) {
        Directory d = directory;
        int slot = d.floor(high, low);
        if (slot < 0) {
            return d.size() > 0;
        }
        Chunk c = d.chunk(slot);
        return c.above(high, low) < c.size() || slot + 1 < d.size();
    }

    /** Whether any key is less than the given one. */
    boolean anyBefore(long high, long low) {
        Directory d = directory;
        int slot = d.floor(high, low);
        if (slot < 0) {
            return false;
        }
        return slot > 0 || d.chunk(slot).notBelow(high, low) > 0;
    }

}
