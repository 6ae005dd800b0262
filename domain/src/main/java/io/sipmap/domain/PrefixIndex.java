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
 * Longest-prefix match over IPv4 and IPv6 prefixes, built for lookups: a lookup takes no lock, allocates nothing and works on
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
 * IPv6 prefixes live apart, in one hash table per length from network (two longs) to winner, segmented like the
 * long IPv4 ones; a snapshot holds a bitmask of the IPv6 lengths present, so an IPv6 lookup probes those only, longest
 * first, one expected-O(1) probe each, and stops at the first hit. An account's IPv6 networks come in few lengths (a
 * /48 or /56 of a site, the /64s of its links, single /128 hosts), so that is a few probes.
 *
 * <p>Everything a lookup reads is an immutable snapshot published through one volatile field; a write builds the next
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
    // A place is a Long for IPv4 (length and network, see place) and a Place6 for IPv6.
    private final Map<K, Object> placeOfKey = new HashMap<>();
    private final Map<Object, Object> entriesAt = new HashMap<>();
    private final int[] networksOfLength6 = new int[129];
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

    /**
     * The value of the entry that wins the IPv6 address {@code high:low} ({@link Ipv6Address}): the longest IPv6 prefix
     * containing it, then the smallest key; null when none does.
     */
    @SuppressWarnings("unchecked")
    public V lookup(long high, long low) {
        Snapshot s = snapshot;
        long lengths = s.lengths6Low; // bit L - 65 for length L in 65..128
        while (lengths != 0) {
            int bit = 63 - Long.numberOfLeadingZeros(lengths);
            Object value = get6(s.tables6[bit + 65], high, low & (-1L << (63 - bit)));
            if (value != null) {
                return (V) value;
            }
            lengths ^= 1L << bit;
        }
        lengths = s.lengths6High; // bit L - 1 for length L in 1..64
        while (lengths != 0) {
            int bit = 63 - Long.numberOfLeadingZeros(lengths);
            Object value = get6(s.tables6[bit + 1], high & (-1L << (63 - bit)), 0);
            if (value != null) {
                return (V) value;
            }
            lengths ^= 1L << bit;
        }
        return null;
    }

    /** The winner for an address of either family, or null. */
    public V lookup(IpAddress address) {
        return address instanceof Ipv4Address v4 ? lookup(v4.bits())
                : lookup(((Ipv6Address) address).high(), ((Ipv6Address) address).low());
    }

    /** {@link #lookup(IpAddress)} as an {@code Optional}; empty when no prefix contains the address. */
    public Optional<V> find(IpAddress address) {
        return Optional.ofNullable(lookup(address));
    }

    /** The value of the key's entry, or null when the key has none. */
    @SuppressWarnings("unchecked")
    public synchronized V get(K key) {
        Object place = placeOfKey.get(Objects.requireNonNull(key, "key"));
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
    public synchronized void put(K key, IpPrefix prefix, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(value, "value");
        Object place = place(prefix); // one box for both maps
        Object previous = placeOfKey.put(key, place);
        Snapshot next = snapshot;
        if (previous != null && !previous.equals(place)) {
            withdraw(key, previous);
            next = apply(next, previous);
        }
        enter(place, key, value);
        // a move is one write: readers see both of its halves or neither
        snapshot = apply(next, place);
    }

    /** One entry of {@link #putAll}: {@code key} at {@code prefix} with {@code value}. */
    public record Entry<K, V>(K key, IpPrefix prefix, V value) {
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
            Object place = place(entry.prefix());
            Object previous = placeOfKey.put(entry.key(), place);
            if (previous != null && !previous.equals(place)) {
                withdraw(entry.key(), previous);
            }
            enter(place, entry.key(), entry.value());
        }
        snapshot = rebuilt();
    }

    /** Removes the key's entry; returns whether it had one. */
    public synchronized boolean remove(K key) {
        Objects.requireNonNull(key, "key");
        Object place = placeOfKey.remove(key);
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
    private void enter(Object place, K key, V value) {
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
    private void withdraw(K key, Object place) {
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

    /** An IPv6 prefix's place: its length and network. */
    private record Place6(int length, long high, long low) {
    }

    private static Object place(IpPrefix prefix) {
        if (prefix.address() instanceof Ipv6Address v6) {
            return new Place6(prefix.length(), v6.high() & IpPrefix.highMask(prefix.length()),
                    v6.low() & IpPrefix.lowMask(prefix.length()));
        }
        return place(prefix.length(), ((Ipv4Address) prefix.address()).bits());
    }

    private static long place(int length, int address) {
        return ((long) length << 32) | (address & IpPrefix.mask(length) & 0xffffffffL);
    }

    @SuppressWarnings("unchecked")
    private V winnerAt(Object place) {
        Object entries = entriesAt.get(place);
        if (entries == null) {
            return null;
        }
        return entries instanceof Lone<?, ?> lone
                ? (V) lone.value()
                : ((TreeMap<K, V>) entries).firstEntry().getValue();
    }

    /** The snapshot after {@code s} showing the current winner at {@code place}; copies only what changes. */
    private Snapshot apply(Snapshot s, Object boxed) {
        if (boxed instanceof Place6 place6) {
            return apply6(s, place6, winnerAt(place6));
        }
        long place = (Long) boxed;
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
        return new Snapshot(tables, longLengths, s.shortWinners, s.tables6, s.lengths6High, s.lengths6Low);
    }

    private Snapshot apply6(Snapshot s, Place6 place, V winner) {
        int length = place.length();
        Segment6[] table = s.tables6[length];
        boolean wasPresent = get6(table, place.high(), place.low()) != null;
        boolean isPresent = winner != null;
        networksOfLength6[length] += (isPresent ? 1 : 0) - (wasPresent ? 1 : 0);
        Segment6[][] tables = s.tables6.clone();
        tables[length] = with6(table, networksOfLength6[length], place, winner);
        long bits = networksOfLength6[length] > 0 ? 1L : 0L;
        long high = length <= 64 ? s.lengths6High & ~(1L << (length - 1)) | bits << (length - 1) : s.lengths6High;
        long low = length > 64 ? s.lengths6Low & ~(1L << (length - 65)) | bits << (length - 65) : s.lengths6Low;
        return new Snapshot(s.tables, s.longLengths, s.shortWinners, tables, high, low);
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
        return new Snapshot(s.tables, s.longLengths, winners, s.tables6, s.lengths6High, s.lengths6Low);
    }

    /**
     * A snapshot of every winner the writers' state holds, built from nothing, with that state's counts and slot
     * lengths made again to match.
     */
    private Snapshot rebuilt() {
        Arrays.fill(networksOfLength, 0);
        Arrays.fill(networksOfLength6, 0);
        longLengthCounts.clear();
        Arrays.fill(shortLengths, null);
        int[][] longLengths = new int[256][256];
        Object[][] shortWinners = new Object[256][256];
        List<List<Object>> longByLength = new ArrayList<>(33);
        for (int length = 0; length <= 32; length++) {
            longByLength.add(new ArrayList<>());
        }
        List<Long> shortPlaces = new ArrayList<>();
        List<List<Object>> byLength6 = new ArrayList<>(129);
        for (int length = 0; length <= 128; length++) {
            byLength6.add(new ArrayList<>());
        }
        for (Object boxed : entriesAt.keySet()) {
            if (boxed instanceof Place6 place6) {
                byLength6.get(place6.length()).add(place6);
                byLength6.get(place6.length()).add(winnerAt(place6));
                networksOfLength6[place6.length()]++;
                continue;
            }
            Long place = (Long) boxed;
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
        Segment6[][] tables6 = Snapshot.EMPTY.tables6.clone();
        long lengths6High = 0;
        long lengths6Low = 0;
        for (int length = 1; length <= 128; length++) {
            List<Object> entries = byLength6.get(length);
            if (entries.isEmpty()) {
                continue;
            }
            int size = 1;
            while (networksOfLength6[length] > size * SEGMENT_TARGET) {
                size *= 2;
            }
            tables6[length] = Segment6.table(size, entries);
            if (length <= 64) {
                lengths6High |= 1L << (length - 1);
            } else {
                lengths6Low |= 1L << (length - 65);
            }
        }
        return new Snapshot(tables, longLengths, shortWinners, tables6, lengths6High, lengths6Low);
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
            Segment6[][] tables6 = new Segment6[129][];
            Arrays.fill(tables6, new Segment6[] {Segment6.EMPTY});
            EMPTY = new Snapshot(tables, longLengths, shortWinners, tables6, 0, 0);
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
        /** By IPv6 prefix length 1..128, the hash table of that length. */
        final Segment6[][] tables6;
        /** Bit {@code L - 1} set when an IPv6 network of length L in 1..64 is present. */
        final long lengths6High;
        /** Bit {@code L - 65} set when an IPv6 network of length L in 65..128 is present. */
        final long lengths6Low;

        Snapshot(Segment[][] tables, int[][] longLengths, Object[][] shortWinners, Segment6[][] tables6,
                 long lengths6High, long lengths6Low) {
            this.tables = tables;
            this.longLengths = longLengths;
            this.shortWinners = shortWinners;
            this.tables6 = tables6;
            this.lengths6High = lengths6High;
            this.lengths6Low = lengths6Low;
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

    private static Object get6(Segment6[] table, long high, long low) {
        long h = hash6(high, low);
        Segment6 segment = table[(int) h & (table.length - 1)];
        long[] keys = segment.keys;
        Object[] values = segment.values;
        int mask = values.length - 1;
        int i = (int) (h >>> 32) & mask;
        while (true) {
            Object value = values[i];
            if (value == null || keys[2 * i] == high && keys[2 * i + 1] == low) {
                return value;
            }
            i = (i + 1) & mask;
        }
    }

    /** An IPv6 table where {@code place}'s network maps to {@code value}, or is absent when null; {@code count} after. */
    private static Segment6[] with6(Segment6[] table, int count, Place6 place, Object value) {
        if (count > table.length * SEGMENT_TARGET) {
            List<Object> entries = new ArrayList<>();
            for (Segment6 segment : table) {
                segment.collect(entries, place);
            }
            if (value != null) {
                entries.add(place);
                entries.add(value);
            }
            return Segment6.table(table.length * 2, entries);
        }
        int index = (int) hash6(place.high(), place.low()) & (table.length - 1);
        Segment6[] copy = table.clone();
        List<Object> entries = new ArrayList<>();
        table[index].collect(entries, place);
        if (value != null) {
            entries.add(place);
            entries.add(value);
        }
        copy[index] = Segment6.of(entries);
        return copy;
    }

    /** {@link Segment} for IPv6 networks: the key of slot i is {@code keys[2i]} (high) and {@code keys[2i+1]} (low). */
    static final class Segment6 {
        static final Segment6 EMPTY = new Segment6(new long[2], new Object[1]);

        final long[] keys;
        final Object[] values;

        private Segment6(long[] keys, Object[] values) {
            this.keys = keys;
            this.values = values;
        }

        /** A table of {@code size} segments from alternating {@link Place6} and value. */
        static Segment6[] table(int size, List<Object> entries) {
            List<List<Object>> groups = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                groups.add(new ArrayList<>());
            }
            for (int i = 0; i < entries.size(); i += 2) {
                Place6 place = (Place6) entries.get(i);
                List<Object> group = groups.get((int) hash6(place.high(), place.low()) & (size - 1));
                group.add(place);
                group.add(entries.get(i + 1));
            }
            Segment6[] table = new Segment6[size];
            for (int i = 0; i < size; i++) {
                table[i] = of(groups.get(i));
            }
            return table;
        }

        /** From alternating {@link Place6} and value. */
        static Segment6 of(List<Object> entries) {
            int n = entries.size() / 2;
            int capacity = Integer.highestOneBit(Math.max(1, n * 2 - 1)) << 1;
            Segment6 segment = new Segment6(new long[2 * capacity], new Object[capacity]);
            int mask = capacity - 1;
            for (int e = 0; e < n; e++) {
                Place6 place = (Place6) entries.get(2 * e);
                int i = (int) (hash6(place.high(), place.low()) >>> 32) & mask;
                while (segment.values[i] != null) {
                    i = (i + 1) & mask;
                }
                segment.keys[2 * i] = place.high();
                segment.keys[2 * i + 1] = place.low();
                segment.values[i] = entries.get(2 * e + 1);
            }
            return segment;
        }

        /** Adds this segment's entries but {@code except}'s network to {@code entries}, as {@link Place6} and value. */
        void collect(List<Object> entries, Place6 except) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] != null && !(keys[2 * i] == except.high() && keys[2 * i + 1] == except.low())) {
                    entries.add(new Place6(except.length(), keys[2 * i], keys[2 * i + 1]));
                    entries.add(values[i]);
                }
            }
        }
    }

    /** A 64-bit mix of an IPv6 network: SplitMix64's finalizer over both halves. */
    static long hash6(long high, long low) {
        long z = high * 0x9e3779b97f4a7c15L + low + 0x632be59bd9b4e019L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
