package io.sipmap.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The index over IPv6 and mixed IPv4/IPv6 entries against a brute-force oracle: every entry scanned, longest prefix
 * then smallest key, as {@link PrefixIndexPropertiesTest} does for IPv4.
 */
class PrefixIndexIpv6PropertiesTest {

    /** Put the key at address/length (or remove it when {@code put} is false), then look the probe addresses up. */
    record Op(int key, IpAddress address, int length, boolean put) {
    }

    @Property(tries = 1000)
    void agreesWithALinearScanAfterEveryWrite(@ForAll("operations") List<Op> ops,
                                              @ForAll("addresses") List<IpAddress> probes) {
        PrefixIndex<Integer, String> index = new PrefixIndex<>();
        Map<Integer, IpPrefix> oracle = new HashMap<>();
        List<IpAddress> addresses = new ArrayList<>(probes);
        int step = 0;
        for (Op op : ops) {
            step++;
            IpPrefix prefix = new IpPrefix(op.address(), op.length());
            if (op.put()) {
                index.put(op.key(), prefix, op.key() + "@" + prefix);
                oracle.put(op.key(), prefix);
            } else {
                assertThat(index.remove(op.key())).isEqualTo(oracle.remove(op.key()) != null);
            }
            addEdges(addresses, prefix);
            for (IpAddress address : addresses) {
                assertThat(index.lookup(address)).as("step %d, address %s", step, address)
                        .isEqualTo(scan(oracle, address));
            }
        }
        assertThat(index.size()).isEqualTo(oracle.size());
    }

    @Property(tries = 500)
    void aBulkPutAgreesToo(@ForAll("operations") List<Op> bulk, @ForAll("operations") List<Op> after,
                           @ForAll("addresses") List<IpAddress> probes) {
        PrefixIndex<Integer, String> index = new PrefixIndex<>();
        Map<Integer, IpPrefix> oracle = new HashMap<>();
        List<IpAddress> addresses = new ArrayList<>(probes);
        List<PrefixIndex.Entry<Integer, String>> entries = new ArrayList<>();
        for (Op op : bulk) {
            IpPrefix prefix = new IpPrefix(op.address(), op.length());
            entries.add(new PrefixIndex.Entry<>(op.key(), prefix, op.key() + "@" + prefix));
            oracle.put(op.key(), prefix);
            addEdges(addresses, prefix);
        }
        index.putAll(entries);
        for (Op op : after) {
            IpPrefix prefix = new IpPrefix(op.address(), op.length());
            if (op.put()) {
                index.put(op.key(), prefix, op.key() + "@" + prefix);
                oracle.put(op.key(), prefix);
            } else {
                index.remove(op.key());
                oracle.remove(op.key());
            }
            addEdges(addresses, prefix);
        }
        for (IpAddress address : addresses) {
            assertThat(index.lookup(address)).as("address %s", address).isEqualTo(scan(oracle, address));
        }
        assertThat(index.size()).isEqualTo(oracle.size());
    }

    @net.jqwik.api.Example
    void manyEntriesOfOneLengthGrowTheirTableAndStayFound() {
        PrefixIndex<Integer, String> index = new PrefixIndex<>();
        java.util.Random random = new java.util.Random(5);
        List<IpPrefix> prefixes = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            int length = i % 3 == 0 ? 128 : 64;
            // half in one /32, half each in a /32 of its own, so that the /32 filter grows its table too
            long high = i % 2 == 0 ? 0x20010db8_00000000L | random.nextInt(1 << 20) : random.nextLong();
            IpPrefix prefix = new IpPrefix(new Ipv6Address(high, random.nextLong()), length);
            prefixes.add(prefix);
            index.put(i, prefix, i + "@" + prefix);
        }
        Map<Integer, IpPrefix> oracle = new HashMap<>();
        for (int i = 0; i < prefixes.size(); i++) {
            oracle.put(i, prefixes.get(i));
        }
        for (int i = 0; i < prefixes.size(); i += 7) {
            IpAddress address = prefixes.get(i).address();
            assertThat(index.lookup(address)).isEqualTo(scan(oracle, address));
        }
        for (int i = 0; i < prefixes.size(); i += 2) {
            index.remove(i);
            oracle.remove(i);
        }
        for (int i = 0; i < prefixes.size(); i += 5) {
            IpAddress address = prefixes.get(i).address();
            assertThat(index.lookup(address)).isEqualTo(scan(oracle, address));
        }
        // a bulk load of what is left builds the same answers
        PrefixIndex<Integer, String> loaded = new PrefixIndex<>();
        loaded.putAll(oracle.entrySet().stream()
                .map(e -> new PrefixIndex.Entry<>(e.getKey(), e.getValue(), e.getKey() + "@" + e.getValue())).toList());
        for (int i = 0; i < prefixes.size(); i += 3) {
            IpAddress address = prefixes.get(i).address();
            assertThat(loaded.lookup(address)).isEqualTo(index.lookup(address)).isEqualTo(scan(oracle, address));
        }
        assertThat(index.size()).isEqualTo(oracle.size());
    }

    /** The prefix's address, first and last address of its network, and the addresses just outside it. */
    private static void addEdges(List<IpAddress> addresses, IpPrefix prefix) {
        addresses.add(prefix.address());
        if (prefix.address() instanceof Ipv6Address a) {
            int length = prefix.length();
            long high = a.high() & IpPrefix.highMask(length);
            long low = a.low() & IpPrefix.lowMask(length);
            long lastHigh = high | ~IpPrefix.highMask(length);
            long lastLow = low | ~IpPrefix.lowMask(length);
            addresses.add(new Ipv6Address(high, low));
            addresses.add(new Ipv6Address(lastHigh, lastLow));
            addresses.add(lastLow == -1 ? new Ipv6Address(lastHigh + 1, 0) : new Ipv6Address(lastHigh, lastLow + 1));
            addresses.add(low == 0 ? new Ipv6Address(high - 1, -1) : new Ipv6Address(high, low - 1));
        } else {
            int bits = ((Ipv4Address) prefix.address()).bits();
            addresses.add(new Ipv4Address(bits | ~IpPrefix.mask(prefix.length())));
        }
    }

    private static String scan(Map<Integer, IpPrefix> entries, IpAddress address) {
        Integer bestKey = null;
        IpPrefix best = null;
        for (var e : entries.entrySet()) {
            IpPrefix p = e.getValue();
            if (p.contains(address) && (best == null || p.length() > best.length()
                    || p.length() == best.length() && e.getKey() < bestKey)) {
                best = p;
                bestKey = e.getKey();
            }
        }
        return best == null ? null : bestKey + "@" + best;
    }

    private static Arbitrary<IpAddress> ipv6() {
        // few distinct networks, and the edges of the 64-bit halves, so that nesting, ties and moves are common
        Arbitrary<Long> highs = Arbitraries.oneOf(
                Arbitraries.of(0x20010db8_00000000L, 0x20010db8_00010000L, 0x20010db8_00010002L, 0L, -1L,
                        0x80000000_00000000L, 0xfd000000_00000000L),
                Arbitraries.longs());
        Arbitrary<Long> lows = Arbitraries.oneOf(Arbitraries.of(0L, 1L, -1L, 0x80000000_00000000L, 0x5L),
                Arbitraries.longs());
        return Combinators.combine(highs, lows).as(Ipv6Address::new);
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> lengths6 = Arbitraries.oneOf(Arbitraries.integers().between(1, 128),
                Arbitraries.of(1, 32, 48, 56, 63, 64, 65, 96, 127, 128));
        Arbitrary<Op> v6 = Combinators.combine(Arbitraries.integers().between(0, 12), ipv6(), lengths6,
                Arbitraries.integers().between(0, 3))
                .as((key, address, length, kind) -> new Op(key, address, length, kind != 0));
        // some IPv4 entries among them: a key may move between families, and neither family sees the other's
        Arbitrary<Op> v4 = Combinators.combine(Arbitraries.integers().between(0, 12),
                Arbitraries.of(0x0a000000, 0xc0a80005, 0, -1), Arbitraries.integers().between(1, 32),
                Arbitraries.integers().between(0, 3))
                .as((key, bits, length, kind) -> new Op(key, new Ipv4Address(bits), length, kind != 0));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, v6), net.jqwik.api.Tuple.of(1, v4)).list().ofMaxSize(60);
    }

    @Provide
    Arbitrary<List<IpAddress>> addresses() {
        return Arbitraries.oneOf(ipv6(), Arbitraries.integers().map(Ipv4Address::new)).list().ofMaxSize(20);
    }
}
