package io.sipmap.domain;

import static io.sipmap.domain.ReplicaIndexTest.ACCOUNT;
import static io.sipmap.domain.ReplicaIndexTest.T;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.ReplicaIndex.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The replica's index against a brute-force oracle: the live mappings in a map, every one scanned for each address with
 * {@link Resolution#beats}, the rule itself, and the sequence rule written out plainly. Histories are valid ones (one
 * mapping per record, a deletion names the mapping's record), with replays and gaps mixed in, applied change by change
 * or after a snapshot taken anywhere in them.
 */
class ReplicaIndexPropertiesTest {

    /**
     * One step: what happens to record {@code record} (created, updated or deleted mapping, or a change of the record
     * itself) and how its number is sent: in sequence, again (an older number), or beyond the next.
     */
    record Step(int record, int domain, int what, int delivery) {
    }

    /** The oracle: the number reached and the live mappings, each with the resolution it gives. */
    static final class Oracle {
        long seq;
        final Map<SourceIpMappingSid, Resolution> live = new HashMap<>();

        Outcome apply(Change change) {
            if (change.seq() <= seq) {
                return Outcome.ALREADY_SEEN;
            }
            if (change.seq() > seq + 1) {
                return Outcome.GAP;
            }
            seq = change.seq();
            if (!change.kind().ofIpRecord()) {
                SourceIpMapping m = change.mapping();
                if (change.kind() == Change.Kind.SOURCE_IP_MAPPING_DELETED) {
                    live.remove(m.sid());
                } else {
                    live.put(m.sid(),
                            new Resolution(m.sipDomainSid(), m.sid(), m.ipRecordSid(), change.ipRecordPrefix()));
                }
            }
            return Outcome.APPLIED;
        }

        Resolution scan(int address) {
            Resolution best = null;
            for (Resolution r : live.values()) {
                if (r.prefix().contains(new Ipv4Address(address)) && (best == null || r.beats(best))) {
                    best = r;
                }
            }
            return best;
        }
    }

    @Property(tries = 1000)
    void agreesWithTheOracleChangeByChange(@ForAll("prefixes") List<IpPrefix> prefixes,
                                           @ForAll("steps") List<Step> steps,
                                           @ForAll("addresses") List<Integer> probes) {
        run(prefixes, steps, probes, -1);
    }

    @Property(tries = 1000)
    void agreesWithTheOracleAfterASnapshotTakenAnywhere(@ForAll("prefixes") List<IpPrefix> prefixes,
                                                        @ForAll("steps") List<Step> steps,
                                                        @ForAll("addresses") List<Integer> probes,
                                                        @ForAll("fractions") int snapshotAt) {
        run(prefixes, steps, probes, steps.size() * snapshotAt / 100);
    }

    /**
     * Plays the history into the oracle and the index (into the oracle alone before step {@code snapshotAt}, when the
     * index is loaded from the oracle's state), comparing outcomes, then every probe and every mapping after each step.
     */
    private static void run(List<IpPrefix> prefixes, List<Step> steps, List<Integer> probes, int snapshotAt) {
        Oracle oracle = new Oracle();
        ReplicaIndex index = snapshotAt < 0 ? new ReplicaIndex(0, List.of()) : null;
        Map<Integer, SourceIpMappingSid> mappingOfRecord = new HashMap<>();
        List<SourceIpMappingSid> mappings = new ArrayList<>();
        List<Integer> addresses = new ArrayList<>(probes);
        for (IpPrefix p : prefixes) {
            int network = ((Ipv4Address) p.address()).bits() & IpPrefix.mask(p.length());
            addresses.addAll(List.of(((Ipv4Address) p.address()).bits(), network, network | ~IpPrefix.mask(p.length()),
                    (network | ~IpPrefix.mask(p.length())) + 1, network - 1));
        }
        for (int i = 0; i < steps.size(); i++) {
            if (i == snapshotAt) {
                index = new ReplicaIndex(oracle.seq, new ArrayList<>(oracle.live.values()));
            }
            Step step = steps.get(i);
            int r = step.record() % prefixes.size();
            IpPrefix prefix = prefixes.get(r);
            IpRecordSid record = ReplicaIndexTest.record(r + 1);
            long seq = switch (step.delivery()) {
                case 0 -> oracle.seq - Math.min(oracle.seq, step.domain()); // again: never below 0, never the next
                case 1 -> oracle.seq + 2 + step.domain();
                default -> oracle.seq + 1;
            };
            Change change;
            SourceIpMappingSid current = mappingOfRecord.get(r);
            SipDomainSid domain = SipDomainSid.ofHex(String.format("%032x", step.domain()));
            if (seq == 0) {
                continue; // no change is numbered 0: a replay of "nothing yet" is not a change
            } else if (step.what() == 0) {
                change = new Change(ReplicaIndexTest.id(seq), Change.Kind.IP_RECORD_UPDATED, new IpRecord(ACCOUNT,
                        record, "x", prefix.address(), prefix.length(), T, T), null);
            } else if (current == null) {
                SourceIpMappingSid sid = ReplicaIndexTest.mapping(mappings.size() + 1);
                change = mappingChange(seq, Change.Kind.SOURCE_IP_MAPPING_CREATED, sid, record, domain, prefix);
                if (seq == oracle.seq + 1) {
                    mappings.add(sid);
                    mappingOfRecord.put(r, sid);
                }
            } else if (step.what() % 2 == 1) {
                change = mappingChange(seq, Change.Kind.SOURCE_IP_MAPPING_UPDATED, current, record, domain, prefix);
            } else {
                change = mappingChange(seq, Change.Kind.SOURCE_IP_MAPPING_DELETED, current, record, domain,
                        prefix);
                if (seq == oracle.seq + 1) {
                    mappingOfRecord.remove(r);
                }
            }
            Outcome expected = oracle.apply(change);
            if (index == null) {
                continue;
            }
            assertThat(index.apply(change)).as("step %d, %s", i, change).isEqualTo(expected);
            assertThat(index.seq()).isEqualTo(oracle.seq);
            assertThat(index.size()).isEqualTo(oracle.live.size());
            for (int address : addresses) {
                assertThat(index.lookup(address)).as("step %d, address %s", i, new Ipv4Address(address))
                        .isEqualTo(oracle.scan(address));
            }
            for (SourceIpMappingSid sid : mappings) {
                assertThat(index.ofMapping(sid)).as("step %d, mapping %s", i, sid)
                        .isEqualTo(Optional.ofNullable(oracle.live.get(sid)));
            }
        }
    }

    private static Change mappingChange(long seq, Change.Kind kind, SourceIpMappingSid sid, IpRecordSid record,
                                        SipDomainSid domain, IpPrefix prefix) {
        return new Change(ReplicaIndexTest.id(seq), kind, new SourceIpMapping(ACCOUNT, sid, record, domain, T, T),
                prefix);
    }

    @Provide
    Arbitrary<List<IpPrefix>> prefixes() {
        // few networks, so that records nest, tie on one network (host bits apart) and sit side by side
        Arbitrary<Integer> addresses = Arbitraries.oneOf(
                Arbitraries.of(0x0a000000, 0x0a010000, 0x0a010200, 0x0a010203, 0x0a0102ff, 0xc0a80005, 0xffffffff),
                Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MAX_VALUE));
        Arbitrary<Integer> lengths = Arbitraries.oneOf(Arbitraries.integers().between(1, 32),
                Arbitraries.of(8, 16, 24, 24, 32, 32));
        return Combinators.combine(addresses, lengths).as((a, l) -> new IpPrefix(new Ipv4Address(a), l))
                .list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 9))
                .as(Step::new);
        return step.list().ofMaxSize(60);
    }

    @Provide
    Arbitrary<List<Integer>> addresses() {
        return Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MAX_VALUE).list().ofMaxSize(10);
    }

    @Provide
    Arbitrary<Integer> fractions() {
        return Arbitraries.integers().between(0, 100);
    }
}
