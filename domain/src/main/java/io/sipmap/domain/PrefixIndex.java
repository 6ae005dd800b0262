package io.sipmap.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Longest-prefix match over IPv4 prefixes, built for lookups: a lookup takes no lock, allocates nothing and works on
 * primitive ints; writes keep it current by copying only the small parts they change.
 *
 * <p>Each entry is a key (an IP record SID, say) placed at a prefix with a value. {@link #lookup} returns the value of
 * the entry whose prefix contains the address with the longest length; among entries at the same network and length,
 * that of the smallest key. A key holds one entry: putting it again replaces its value and, if the prefix differs,
 * moves it.
 *
 * <h2>Layout</h2>
 * The address space is cut into its 65,536 /16 networks, each a slot of a two-level table (256 chunks of 256 slots).
 * <ul>
 *   <li>Short prefixes (lengths 1..16) are pushed into the slots they cover: a slot holds the winner among the short
 *   prefixes containing it, so they cost one read whatever their number.</li>
 *   <li>Long prefixes (lengths 17..32) live in one hash table per length, from network (the address with its host
 *   bits cleared) to winner: open addressing over int keys, split into segments by the low bits of the hash so that a
 *   write rebuilds one segment of about {@value #SEGMENT_TARGET} entries. A slot also holds a bitmask of the long
 *   lengths present in its /16, so a lookup probes only those, longest first, and stops at the first hit.</li>
 * </ul>
 * Everything a lookup reads is an immutable snapshot published through one volatile field; a write builds the next
 * snapshot from the current one, sharing every part it did not change (copy-on-write of small parts), and publishes it
 * with one volatile write.
 *
 * <p>Why this and not a plain DIR-24-8 table or a multibit trie: those answer in 2 to 4 reads too, but they cost
 * 64 MiB or more per account, or one node per /24 touched (megabytes for sparse records, whose lower levels then miss
 * the cache), and a short prefix written into a 2<sup>24</sup> table rewrites up to 2<sup>23</sup> slots. Here memory
 * is proportional to the entries plus the slots short prefixes cover, the parts a lookup reads for a large account fit
 * in the cache, and a write copies kilobytes (a short prefix also the slot chunks it covers).
 *
 * <h2>Costs</h2>
 * <ul>
 *   <li>{@link #lookup}: one volatile read and two reads for the slot, then one expected-O(1) hash probe per long length
 *   present in the address's /16 (at most 16; usually 0 to 2), longest first, stopping at the first hit, then at most
 *   one read for the short winner. No allocation, no lock, no boxing.</li>
 *   <li>{@link #put} and {@link #remove} of a long prefix: O(log t) in the t entries sharing the prefix (the tie-break),
 *   then O(S + n<sub>L</sub>/S + 512) copying, where S is about {@value #SEGMENT_TARGET} (the segment rebuilt),
 *   n<sub>L</sub>/S the segment directory of that length and 512 the slot chunk and its directory. When a length's
 *   table outgrows its directory the directory doubles, an O(n<sub>L</sub>) step once per doubling of that length's
 *   entries, so amortized O(1) per write. Tables do not shrink.</li>
 *   <li>{@link #put} and {@link #remove} of a short prefix of length L: O(log t), plus O(2<sup>16-L</sup>) for the slots it
 *   covers (one for a /16, 256 for a /8, 32,768 for a /1) and at most 16 map reads to find the prefix a removal falls
 *   back to.</li>
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

    /** The longest prefix pushed into the /16 slots. */
    private static final int SHORT = 16;

    /** What lookups read; replaced whole by each write. */
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    // The writers' own state, guarded by this: where each key is, the entries competing at each prefix, how many
    // networks of each long length lie in each /16, and the length of the short winner of each /16 slot.
    // An entry alone at its prefix (the usual case) is held as a Lone, others in a TreeMap by key: a TreeMap and its
    // entry per prefix take several times the memory of one small Lone.
    private final Map<K, Long> placeOfKey = new HashMap<>();
    private final Map<Long, Object> entriesAt = new HashMap<>();
    private final Map<Integer, int[]> longLengthCounts = new HashMap<>();
    private final int[] networksOfLength = new int[33];
    private final byte[][] shortLengths = new byte[256][];

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
        int chunk = address >>> 24;
        int slot = (address >>> 16) & 0xff;
        int candidates = s.longLengths[chunk][slot];
        while (candidates != 0) {
            int bit = 31 - Integer.numberOfLeadingZeros(candidates);
            Object value = get(s.tables[bit + 1], address & (-1 << (31 - bit)));
            if (value != null) {
                return (V) value;
            }
            candidates ^= 1 << bit;
        }
        return (V) s.shortWinners[chunk][slot];
    }

    /** {@link #lookup(int)} as an {@code Optional}; empty when no prefix contains the address. */
    public Optional<V> find(Ipv4Address address) {
        return Optional.ofNullable(lookup(address.bits()));
    }

    /** The value of the key's entry, or null when the key has none. */
    @SuppressWarnings("unchecked")
    public synchronized V get(K key) {
        Long place = placeOfKey.get(Objects.requireNonNull(key, "key"));
        if (place == null) {
            return null;
        }
        Object entries = entriesAt.get(place);
        return entries instanceof Lone<?, ?> lone ? (V) lone.value() : ((TreeMap<K, V>) entries).get(key);
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
        Long boxed = place; // one box for both maps
        Long previous = placeOfKey.put(key, boxed);
        Snapshot next = snapshot;
        if (previous != null && previous != place) {
            withdraw(key, previous);
            next = apply(next, previous);
        }
        enter(boxed, key, value);
        // a move is one write: readers see both of its halves or neither
        snapshot = apply(next, place);
    }

    /** One entry of {@link #putAll}: {@code key} at {@code prefix} with {@code value}. */
    public record Entry<K, V>(K key, Ipv4Prefix prefix, V value) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * {@link #put}s every entry, in their order, published as one write: readers see all of them or none. The tables
     * are built once, from every entry the index then holds, instead of copied part by part for each entry: for a
     * replica's load, O(n) rather than n copying writes, whose cost grows with the tables.
     */
    public synchronized void putAll(Collection<Entry<K, V>> entries) {
        for (Entry<K, V> entry : entries) {
            long place = place(entry.prefix().length(), entry.prefix().address().bits());
            Long boxed = place;
            Long previous = placeOfKey.put(entry.key(), boxed);
            if (previous != null && previous != place) {
                withdraw(entry.key(), previous);
            }
            enter(boxed, entry.key(), entry.value());
        }
        snapshot = rebuilt();
    }

    /** Removes the key's entry; returns whether it had one. */
    public synchronized boolean remove(K key) {
        Objects.requireNonNull(key, "key");
        Long place = placeOfKey.remove(key);
        if (place == null) {
            return false;
        }
        withdraw(key, place);
        snapshot = apply(snapshot, place);
        return true;
    }

    private record Lone<K, V>(K key, V value) {
    }

    @SuppressWarnings("unchecked")
    private void enter(Long place, K key, V value) {
        Object entries = entriesAt.get(place);
        if (entries == null || entries instanceof Lone<?, ?> lone && lone.key().equals(key)) {
            entriesAt.put(place, new Lone<>(key, value));
            return;
        }
        TreeMap<K, V> many;
        if (entries instanceof Lone<?, ?> lone) {
            many = new TreeMap<>();
            many.put((K) lone.key(), (V) lone.value());
            entriesAt.put(place, many);
        } else {
            many = (TreeMap<K, V>) entries;
        }
        many.put(key, value);
    }

    @SuppressWarnings("unchecked")
    private void withdraw(K key, long place) {
        Object entries = entriesAt.get(place);
        if (entries instanceof Lone<?, ?>) {
            entriesAt.remove(place);
            return;
        }
        TreeMap<K, V> many = (TreeMap<K, V>) entries;
        many.remove(key);
        if (many.size() == 1) {
            var last = many.firstEntry();
            entriesAt.put(place, new Lone<>(last.getKey(), last.getValue()));
        }
    }

    private static long place(int length, int address) {
        return ((long) length << 32) | (address & Ipv4Prefix.mask(length) & 0xffffffffL);
    }

    @SuppressWarnings("unchecked")
    private V winnerAt(long place) {
        Object entries = entriesAt.get(place);
        if (entries == null) {
            return null;
        }
        return entries instanceof Lone<?, ?> lone
                ? (V) lone.value()
                : ((TreeMap<K, V>) entries).firstEntry().getValue();
    }

    /** The snapshot after {@code s} showing the current winner at {@code place}; copies only what changes. */
    private Snapshot apply(Snapshot s, long place) {
        int length = (int) (place >>> 32);
        int network = (int) place;
        V winner = winnerAt(place);
        return length <= SHORT ? applyShort(s, length, network, winner) : applyLong(s, length, network, winner);
    }

    private Snapshot applyLong(Snapshot s, int length, int network, V winner) {
        Segment[] table = s.tables[length];
        boolean wasPresent = get(table, network) != null;
        boolean isPresent = winner != null;
        Segment[][] tables = s.tables.clone();
        networksOfLength[length] += (isPresent ? 1 : 0) - (wasPresent ? 1 : 0);
        tables[length] = with(table, networksOfLength[length], network, winner);
        int[][] longLengths = s.longLengths;
        if (wasPresent != isPresent) {
            int slash16 = network >>> 16;
            int[] counts = longLengthCounts.computeIfAbsent(slash16, b -> new int[33]);
            counts[length] += isPresent ? 1 : -1;
            int[] chunk = longLengths[slash16 >>> 8];
            int bits = chunk[slash16 & 0xff];
            int bit = 1 << (length - 1);
            int updated = counts[length] > 0 ? bits | bit : bits & ~bit;
            if (updated == 0) {
                longLengthCounts.remove(slash16);
            }
            if (updated != bits) {
                longLengths = longLengths.clone();
                longLengths[slash16 >>> 8] = chunk.clone();
                longLengths[slash16 >>> 8][slash16 & 0xff] = updated;
            }
        }
        return new Snapshot(tables, longLengths, s.shortWinners);
    }

    /**
     * Pushes the winner at a short prefix into the slots it covers. A put takes every covered slot whose winner is not
     * longer; a removal hands the slots it held to the longest remaining shorter prefix containing it, which contains
     * all of them.
     */
    private Snapshot applyShort(Snapshot s, int length, int network, V winner) {
        Object value = winner;
        int valueLength = length;
        boolean removal = winner == null;
        if (removal) {
            valueLength = 0;
            for (int shorter = length - 1; shorter >= 1 && value == null; shorter--) {
                value = winnerAt(place(shorter, network));
                valueLength = value == null ? 0 : shorter;
            }
        }
        Object[][] winners = s.shortWinners.clone();
        int first = network >>> SHORT;
        int end = first + (1 << (SHORT - length));
        for (int c = first >>> 8; c <= (end - 1) >>> 8; c++) {
            byte[] lengths = shortLengths[c];
            if (lengths == null) {
                lengths = shortLengths[c] = new byte[256];
            }
            Object[] chunk = winners[c].clone();
            for (int slot = Math.max(first, c << 8); slot < Math.min(end, (c + 1) << 8); slot++) {
                int i = slot & 0xff;
                if (removal ? lengths[i] == length : lengths[i] <= length) {
                    chunk[i] = value;
                    lengths[i] = (byte) valueLength;
                }
            }
            winners[c] = chunk;
        }
        return new Snapshot(s.tables, s.longLengths, winners);
    }

    /**
     * A snapshot of every winner the writers' state holds, built from nothing, with that state's counts and slot
     * lengths made again to match.
     */
    private Snapshot rebuilt() {
        Arrays.fill(networksOfLength, 0);
        longLengthCounts.clear();
        Arrays.fill(shortLengths, null);
        int[][] longLengths = new int[256][256];
        Object[][] shortWinners = new Object[256][256];
        List<List<Object>> longByLength = new ArrayList<>(33);
        for (int length = 0; length <= 32; length++) {
            longByLength.add(new ArrayList<>());
        }
        List<Long> shortPlaces = new ArrayList<>();
        for (Long place : entriesAt.keySet()) {
            int length = (int) (place >>> 32);
            int network = (int) (long) place;
            if (length <= SHORT) {
                shortPlaces.add(place);
                continue;
            }
            longByLength.get(length).add(network);
            longByLength.get(length).add(winnerAt(place));
            networksOfLength[length]++;
            int slash16 = network >>> 16;
            longLengthCounts.computeIfAbsent(slash16, b -> new int[33])[length]++;
            longLengths[slash16 >>> 8][slash16 & 0xff] |= 1 << (length - 1);
        }
        Segment[][] tables = Snapshot.EMPTY.tables.clone();
        for (int length = SHORT + 1; length <= 32; length++) {
            int count = networksOfLength[length];
            if (count == 0) {
                continue;
            }
            int size = 1; // as many segments as writes one by one would have grown to
            while (count > size * SEGMENT_TARGET) {
                size *= 2;
            }
            List<List<Object>> groups = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                groups.add(new ArrayList<>());
            }
            List<Object> networks = longByLength.get(length);
            for (int i = 0; i < networks.size(); i += 2) {
                List<Object> group = groups.get((int) hash((Integer) networks.get(i)) & (size - 1));
                group.add(networks.get(i));
                group.add(networks.get(i + 1));
            }
            Segment[] table = new Segment[size];
            for (int i = 0; i < size; i++) {
                table[i] = Segment.of(groups.get(i));
            }
            tables[length] = table;
        }
        // shorter first, so that each slot ends with the longest short prefix containing it (two networks of one
        // length never share a slot)
        shortPlaces.sort(Comparator.comparingLong(place -> place >>> 32));
        for (long place : shortPlaces) {
            int length = (int) (place >>> 32);
            int first = (int) place >>> SHORT;
            int end = first + (1 << (SHORT - length));
            Object winner = winnerAt(place);
            for (int slot = first; slot < end; slot++) {
                byte[] lengths = shortLengths[slot >>> 8];
                if (lengths == null) {
                    lengths = shortLengths[slot >>> 8] = new byte[256];
                }
                shortWinners[slot >>> 8][slot & 0xff] = winner;
                lengths[slot & 0xff] = (byte) length;
            }
        }
        return new Snapshot(tables, longLengths, shortWinners);
    }

    /** One published state: immutable once built. */
    private static final class Snapshot {
        static final Snapshot EMPTY;

        static {
            Segment[][] tables = new Segment[33][];
            Arrays.fill(tables, new Segment[] {Segment.EMPTY});
            int[][] longLengths = new int[256][];
            Arrays.fill(longLengths, new int[256]);
            Object[][] shortWinners = new Object[256][];
            Arrays.fill(shortWinners, new Object[256]);
            EMPTY = new Snapshot(tables, longLengths, shortWinners);
        }

        /** By prefix length 17..32, the hash table of that length: segments chosen by the low bits of the hash. */
        final Segment[][] tables;
        /**
         * By the top 8 and next 8 bits of an address: bit {@code L - 1} set when a network of length L in 17..32 lies
         * in that /16.
         */
        final int[][] longLengths;
        /**
         * By the top 8 and next 8 bits of an address: the winner among prefixes of length 1..16 containing that /16,
         * or null.
         */
        final Object[][] shortWinners;

        Snapshot(Segment[][] tables, int[][] longLengths, Object[][] shortWinners) {
            this.tables = tables;
            this.longLengths = longLengths;
            this.shortWinners = shortWinners;
        }
    }

    private static Object get(Segment[] table, int network) {
        long h = hash(network);
        Segment segment = table[(int) h & (table.length - 1)];
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

    /** A table where {@code network} maps to {@code value}, or is absent when value is null; {@code count} after. */
    private static Segment[] with(Segment[] table, int count, int network, Object value) {
        if (count > table.length * SEGMENT_TARGET) {
            return regrown(table, network, value);
        }
        int index = (int) hash(network) & (table.length - 1);
        Segment[] copy = table.clone();
        copy[index] = table[index].with(network, value);
        return copy;
    }

    private static Segment[] regrown(Segment[] table, int network, Object value) {
        int size = table.length * 2;
        List<List<Object>> groups = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            groups.add(new ArrayList<>());
        }
        for (Segment segment : table) {
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
        return grown;
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
