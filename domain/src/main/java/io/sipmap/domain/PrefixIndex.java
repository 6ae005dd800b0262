package io.sipmap.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Longest-prefix match over IPv4 prefixes, built for lookups: a lookup takes no lock, allocates nothing and reads
 * primitive ints; writes keep it current by copying only the small parts they change.
 *
 * <p>Each entry is a key (an IP record SID, say) placed at a prefix with a value. {@link #lookup} returns the value of
 * the entry whose prefix contains the address with the longest length; among entries at the same network and length,
 * that of the smallest key. A key holds one entry: putting it again replaces its value and, if the prefix differs,
 * moves it.
 *
 * <h2>Layout</h2>
 * For each prefix length 1..32 there is an open-addressing hash table from network (the address with its host bits
 * cleared) to the winning value, split into segments by the low bits of the hash so that a write rebuilds one segment of
 * about {@value #SEGMENT_TARGET} entries, never the whole table. A lookup probes the tables from the longest length
 * down and stops at the first hit; it only probes lengths that can match: a bitmask of the lengths 1..16 present
 * anywhere, and, for lengths 17..32, a bitmask per /16 network of the lengths present in it. So an address whose /16
 * holds no long prefix costs at most one probe per short length present, and random addresses against 100,000
 * prefixes of lengths 8..32 cost a handful of probes. Everything a lookup reads is an immutable snapshot published
 * through one volatile field; a write builds the next snapshot from the current one, sharing every part it did not
 * change (copy-on-write of small parts), and publishes it with one volatile write.
 *
 * <p>Why this and not a DIR-24-8 table or a multibit trie: those answer in 2 to 4 memory reads, but leaf pushing makes a
 * short prefix cost a write of up to 2<sup>24</sup> slots, tables sized for the address space cost megabytes per
 * account even for an account with three records, and sparse prefixes spread over the address space make their
 * lower levels miss the cache. Here memory is proportional to the entries (about 16 bytes each plus the values), the
 * tables of a large account fit in the cache, and a write touches kilobytes.
 *
 * <h2>Costs</h2>
 * <ul>
 *   <li>{@link #lookup}: one volatile read, two reads for the /16 bitmask, then at most one expected-O(1) hash probe per
 *   candidate length (at most 32, the lengths present), longest first, stopping at the first hit. No allocation, no
 *   lock, no boxing.</li>
 *   <li>{@link #put} and {@link #remove}: O(log t) in the t entries sharing the prefix (the tie-break), then O(S + n<sub>L</sub>/S
 *   + 512) copying, where S is about {@value #SEGMENT_TARGET} (the segment rebuilt), n<sub>L</sub>/S the segment
 *   directory of the prefix's length and 512 the two bitmask parts; when a length's table outgrows its directory the
 *   directory doubles, an O(n<sub>L</sub>) step that happens once per doubling of that length's entries, so amortized O(1)
 *   per write. Tables do not shrink.</li>
 * </ul>
 *
 * <h2>Thread-safety</h2>
 * Any number of threads may look up while one writes: a lookup sees the snapshot current when it starts, which holds
 * every write completed before it started and no part of a write not yet completed. Writes are serialized on this
 * index's monitor; a caller that must keep a write atomic with other state holds its own lock around both.
 *
 * @param <K> the key of an entry; its natural order breaks ties
 * @param <V> the value returned by lookups
 */
public final class PrefixIndex<K extends Comparable<? super K>, V> {

    /** The number of entries a segment holds before its length's table gets more segments. */
    static final int SEGMENT_TARGET = 64;

    private static final int SHORT_LENGTHS = 0x0000ffff;
    private static final int[] NO_LONG_LENGTHS = new int[256];

    /** What lookups read; replaced whole by each write. */
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    // The writers' own state, guarded by this: where each key is, and the entries competing at each prefix.
    private final Map<K, Long> placeOfKey = new HashMap<>();
    private final Map<Long, TreeMap<K, V>> entriesAt = new HashMap<>();
    private final Map<Integer, int[]> longLengthCounts = new HashMap<>();
    private final int[] networksOfLength = new int[33];

    /** An empty index. */
    public PrefixIndex() {
    }

    /**
     * The value of the entry that wins {@code address}: the longest prefix containing it, then the smallest key.
     *
     * @param address the 32 bits of an IPv4 address ({@link Ipv4Address#bits()})
     * @return the value, or null when no prefix contains the address
     */
    @SuppressWarnings("unchecked")
    public V lookup(int address) {
        Snapshot s = snapshot;
        int candidates = (s.lengths & SHORT_LENGTHS) | s.longLengths[address >>> 24][(address >>> 16) & 0xff];
        while (candidates != 0) {
            int bit = 31 - Integer.numberOfLeadingZeros(candidates);
            Object value = s.tables[bit + 1].get(address & (-1 << (31 - bit)));
            if (value != null) {
                return (V) value;
            }
            candidates ^= 1 << bit;
        }
        return null;
    }

    /** {@link #lookup(int)} as an {@code Optional}; empty when no prefix contains the address. */
    public Optional<V> find(Ipv4Address address) {
        return Optional.ofNullable(lookup(address.bits()));
    }

    /** The number of keys. */
    public synchronized int size() {
        return placeOfKey.size();
    }

    /**
     * Places {@code key} at {@code prefix} with {@code value}, replacing the entry the key had (moving it if its prefix
     * differs). Host bits of the prefix's address are ignored: the entry covers the prefix's network.
     */
    public synchronized void put(K key, Ipv4Prefix prefix, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(value, "value");
        long place = place(prefix.length(), prefix.address().bits());
        Long previous = placeOfKey.put(key, place);
        if (previous != null && previous != place) {
            withdraw(key, previous);
        }
        entriesAt.computeIfAbsent(place, p -> new TreeMap<>()).put(key, value);
        publish(place);
    }

    /** Removes the key's entry; returns whether it had one. */
    public synchronized boolean remove(K key) {
        Objects.requireNonNull(key, "key");
        Long place = placeOfKey.remove(key);
        if (place == null) {
            return false;
        }
        withdraw(key, place);
        return true;
    }

    private void withdraw(K key, long place) {
        TreeMap<K, V> entries = entriesAt.get(place);
        entries.remove(key);
        if (entries.isEmpty()) {
            entriesAt.remove(place);
        }
        publish(place);
    }

    private static long place(int length, int address) {
        return ((long) length << 32) | (address & Ipv4Prefix.mask(length) & 0xffffffffL);
    }

    /** Makes the snapshot show the current winner at {@code place}, copying only what changes. */
    private void publish(long place) {
        int length = (int) (place >>> 32);
        int network = (int) place;
        TreeMap<K, V> entries = entriesAt.get(place);
        Object winner = entries == null ? null : entries.firstEntry().getValue();
        Snapshot s = snapshot;
        Table table = s.tables[length];
        boolean wasPresent = table.get(network) != null;
        boolean isPresent = winner != null;

        Table[] tables = s.tables.clone();
        tables[length] = table.with(network, winner, wasPresent);
        int lengths = s.lengths;
        int[][] longLengths = s.longLengths;
        if (wasPresent != isPresent) {
            int delta = isPresent ? 1 : -1;
            networksOfLength[length] += delta;
            int bit = 1 << (length - 1);
            lengths = networksOfLength[length] > 0 ? lengths | bit : lengths & ~bit;
            if (length > 16) {
                longLengths = withLongLength(longLengths, network >>> 16, length, delta);
            }
        }
        snapshot = new Snapshot(tables, lengths, longLengths);
    }

    private int[][] withLongLength(int[][] longLengths, int slash16, int length, int delta) {
        int[] counts = longLengthCounts.computeIfAbsent(slash16, b -> new int[33]);
        counts[length] += delta;
        int[] chunk = longLengths[slash16 >>> 8];
        int bits = chunk[slash16 & 0xff];
        int bit = 1 << (length - 1);
        int updated = counts[length] > 0 ? bits | bit : bits & ~bit;
        if (counts[length] == 0 && updated == 0) {
            longLengthCounts.remove(slash16);
        }
        if (updated == bits) {
            return longLengths;
        }
        int[][] copy = longLengths.clone();
        copy[slash16 >>> 8] = chunk.clone();
        copy[slash16 >>> 8][slash16 & 0xff] = updated;
        return copy;
    }

    /** One published state: immutable once built. */
    private static final class Snapshot {
        static final Snapshot EMPTY;

        static {
            Table[] tables = new Table[33];
            Arrays.fill(tables, Table.EMPTY);
            int[][] longLengths = new int[256][];
            Arrays.fill(longLengths, NO_LONG_LENGTHS);
            EMPTY = new Snapshot(tables, 0, longLengths);
        }

        /** By prefix length 0..32 (0 unused); never null. */
        final Table[] tables;
        /** Bit {@code L - 1} set when some network of length L is present. */
        final int lengths;
        /** By the top 8 and the next 8 bits of an address: bit {@code L - 1} set when a network of length L in 17..32 lies in that /16. */
        final int[][] longLengths;

        Snapshot(Table[] tables, int lengths, int[][] longLengths) {
            this.tables = tables;
            this.lengths = lengths;
            this.longLengths = longLengths;
        }
    }

    /** The winners at one prefix length: network to value, in segments selected by the low bits of the hash. */
    static final class Table {
        static final Table EMPTY = new Table(new Segment[] {Segment.EMPTY}, 0);

        final Segment[] segments;
        final int count;

        Table(Segment[] segments, int count) {
            this.segments = segments;
            this.count = count;
        }

        Object get(int network) {
            long h = hash(network);
            Segment segment = segments[(int) h & (segments.length - 1)];
            int[] keys = segment.keys;
            Object[] values = segment.values;
            int mask = values.length - 1;
            int i = (int) (h >>> 32) & mask;
            while (true) {
                Object value = values[i];
                if (value == null || keys[i] == network) {
                    return value;
                }
                i = (i + 1) & mask;
            }
        }

        /** A table where {@code network} maps to {@code value}, or is absent when value is null. */
        Table with(int network, Object value, boolean wasPresent) {
            int count = this.count + (value != null ? 1 : 0) - (wasPresent ? 1 : 0);
            if (count > segments.length * SEGMENT_TARGET) {
                return regrown(network, value, count);
            }
            long h = hash(network);
            int index = (int) h & (segments.length - 1);
            Segment[] copy = segments.clone();
            copy[index] = segments[index].with(network, value);
            return new Table(copy, count);
        }

        private Table regrown(int network, Object value, int count) {
            int size = segments.length * 2;
            List<List<Object>> groups = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                groups.add(new ArrayList<>());
            }
            for (Segment segment : segments) {
                for (int i = 0; i < segment.values.length; i++) {
                    if (segment.values[i] != null && segment.keys[i] != network) {
                        List<Object> group = groups.get((int) hash(segment.keys[i]) & (size - 1));
                        group.add(segment.keys[i]);
                        group.add(segment.values[i]);
                    }
                }
            }
            if (value != null) {
                List<Object> group = groups.get((int) hash(network) & (size - 1));
                group.add(network);
                group.add(value);
            }
            Segment[] grown = new Segment[size];
            for (int i = 0; i < size; i++) {
                grown[i] = Segment.of(groups.get(i));
            }
            return new Table(grown, count);
        }
    }

    /** Open addressing with linear probing, at most half full, so a probe always ends at an empty slot. */
    static final class Segment {
        static final Segment EMPTY = new Segment(new int[1], new Object[1]);

        final int[] keys;
        /** null marks an empty slot (network 0 is a valid key). */
        final Object[] values;

        private Segment(int[] keys, Object[] values) {
            this.keys = keys;
            this.values = values;
        }

        /** From alternating network (Integer) and value. */
        static Segment of(List<Object> entries) {
            int n = entries.size() / 2;
            int capacity = Integer.highestOneBit(Math.max(1, n * 2 - 1)) << 1;
            Segment segment = new Segment(new int[capacity], new Object[capacity]);
            for (int i = 0; i < n; i++) {
                segment.insert((Integer) entries.get(2 * i), entries.get(2 * i + 1));
            }
            return segment;
        }

        Segment with(int network, Object value) {
            List<Object> entries = new ArrayList<>();
            for (int i = 0; i < values.length; i++) {
                if (values[i] != null && keys[i] != network) {
                    entries.add(keys[i]);
                    entries.add(values[i]);
                }
            }
            if (value != null) {
                entries.add(network);
                entries.add(value);
            }
            return of(entries);
        }

        private void insert(int network, Object value) {
            int mask = values.length - 1;
            int i = (int) (hash(network) >>> 32) & mask;
            while (values[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = network;
            values[i] = value;
        }
    }

    /** A 64-bit mix of the network (SplitMix64's finalizer): low bits pick the segment, high bits the slot. */
    static long hash(int network) {
        long z = (network & 0xffffffffL) + 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
