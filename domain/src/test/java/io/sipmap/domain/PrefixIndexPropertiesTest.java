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

/** The index against a brute-force oracle: every entry scanned, longest prefix then smallest key. */
class PrefixIndexPropertiesTest {

    /** Put the key at address/length (or remove it when {@code put} is false), then look the probe addresses up. */
    record Op(int key, int address, int length, boolean put) {
    }

    @Property(tries = 1000)
    void agreesWithALinearScanAfterEveryWrite(@ForAll("operations") List<Op> ops,
                                              @ForAll("addresses") List<Integer> probes) {
        PrefixIndex<Integer, String> index = new PrefixIndex<>();
        Map<Integer, IpPrefix> oracle = new HashMap<>();
        applyOneByOne(ops, index, oracle, new ArrayList<>(probes));
        assertThat(index.size()).isEqualTo(oracle.size());
    }

    @Property(tries = 1000)
    void agreesWithALinearScanAroundABulkPut(@ForAll("operations") List<Op> before,
                                             @ForAll("operations") List<Op> bulk,
                                             @ForAll("operations") List<Op> after,
                                             @ForAll("addresses") List<Integer> probes) {
        PrefixIndex<Integer, String> index = new PrefixIndex<>();
        Map<Integer, IpPrefix> oracle = new HashMap<>();
        List<Integer> addresses = new ArrayList<>(probes);
        applyOneByOne(before, index, oracle, addresses);
        List<PrefixIndex.Entry<Integer, String>> entries = new ArrayList<>();
        for (Op op : bulk) {
            IpPrefix prefix = new IpPrefix(new Ipv4Address(op.address()), op.length());
            entries.add(new PrefixIndex.Entry<>(op.key(), prefix, op.key() + "@" + prefix));
            oracle.put(op.key(), prefix);
            addresses.add(op.address());
            addresses.add(op.address() | ~IpPrefix.mask(op.length()));
        }

        index.putAll(entries);

        for (int address : addresses) {
            assertThat(index.lookup(address)).as("after the bulk put, address %s", new Ipv4Address(address))
                    .isEqualTo(scan(oracle, address));
        }
        // the writers' state the bulk put rebuilt carries the writes after it
        applyOneByOne(after, index, oracle, addresses);
        assertThat(index.size()).isEqualTo(oracle.size());
    }

    /** Applies each op, then looks every probe up, those of the ops so far included, against the oracle. */
    private static void applyOneByOne(List<Op> ops, PrefixIndex<Integer, String> index,
                                      Map<Integer, IpPrefix> oracle, List<Integer> addresses) {
        int step = 0;
        for (Op op : ops) {
            step++;
            IpPrefix prefix = new IpPrefix(new Ipv4Address(op.address()), op.length());
            if (op.put()) {
                index.put(op.key(), prefix, op.key() + "@" + prefix);
                oracle.put(op.key(), prefix);
            } else {
                assertThat(index.remove(op.key())).isEqualTo(oracle.remove(op.key()) != null);
            }
            // probe the written prefix's own network, its edges and its neighbours too
            addresses.add(op.address());
            addresses.add(op.address() & IpPrefix.mask(op.length()));
            addresses.add(op.address() | ~IpPrefix.mask(op.length()));
            addresses.add((op.address() | ~IpPrefix.mask(op.length())) + 1);
            for (int address : addresses) {
                assertThat(index.lookup(address)).as("step %d, address %s", step, new Ipv4Address(address))
                        .isEqualTo(scan(oracle, address));
            }
        }
    }

    private static String scan(Map<Integer, IpPrefix> entries, int address) {
        Integer bestKey = null;
        IpPrefix best = null;
        for (var e : entries.entrySet()) {
            IpPrefix p = e.getValue();
            if (p.contains(new Ipv4Address(address)) && (best == null || p.length() > best.length()
                    || p.length() == best.length() && e.getKey() < bestKey)) {
                best = p;
                bestKey = e.getKey();
            }
        }
        return best == null ? null : bestKey + "@" + best;
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        // few keys and few distinct networks, so that overlaps, ties, moves and removals of absent keys are common
        Arbitrary<Integer> networks = Arbitraries.oneOf(
                Arbitraries.of(0x0a000000, 0x0a010000, 0x0a010200, 0x0a010203, 0xc0a80005,
                        0x00000000, 0xffffffff, 0x80000000),
                Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MAX_VALUE));
        Arbitrary<Integer> lengths = Arbitraries.oneOf(Arbitraries.integers().between(1, 32),
                Arbitraries.of(1, 8, 16, 17, 24, 31, 32));
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 12), networks, lengths,
                Arbitraries.integers().between(0, 3))
                .as((key, network, length, kind) -> new Op(key, network, length, kind != 0));
        return op.list().ofMaxSize(60);
    }

    @Provide
    Arbitrary<List<Integer>> addresses() {
        return Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MAX_VALUE).list().ofMaxSize(20);
    }
}
