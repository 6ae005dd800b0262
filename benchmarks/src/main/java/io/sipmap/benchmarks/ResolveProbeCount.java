package io.sipmap.benchmarks;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.PrefixIndex;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How many hash probes a {@link PrefixIndex} lookup makes on the populations of {@link ResolveBenchmark}, on average
 * over its 4,096 addresses, counted from the records and the index's winners as its layout implies (not by
 * instrumenting it): an IPv4 lookup probes the long lengths (17..32) present in the address's /16 that are not shorter
 * than the winner's; an IPv6 lookup probes every IPv6 length present not shorter than the winner's, or all of them on
 * a miss. Says what an IPv4 and an IPv6 lookup each have to do, to compare their speeds relative to that work.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.sipmap.benchmarks.ResolveProbeCount</pre>
 */
public final class ResolveProbeCount {

    private static final int RECORDS = 100_000;
    private static final int ADDRESSES = 1 << 12;

    private ResolveProbeCount() {
    }

    public static void main(String[] args) {
        AccountSid account = AccountSid.ofHex(ResolvePopulation.hex(0xacL, 0));
        for (String addresses : new String[] {"uniform", "inside"}) {
            ResolvePopulation v4 = ResolvePopulation.of(account, RECORDS, addresses, ADDRESSES);
            PrefixIndex<IpRecordSid, Integer> index4 = new PrefixIndex<>();
            Map<Integer, Set<Integer>> longLengthsOfSlash16 = new HashMap<>();
            for (IpRecord record : v4.records()) {
                index4.put(record.sid(), record.prefix(), record.cidrPrefixLength());
                if (record.cidrPrefixLength() > 16) {
                    longLengthsOfSlash16.computeIfAbsent(((Ipv4Address) record.ipAddress()).bits() >>> 16,
                            k -> new HashSet<>()).add(record.cidrPrefixLength());
                }
            }
            long probes4 = 0;
            for (int address : v4.probes()) {
                Integer winner = index4.lookup(address);
                for (int length : longLengthsOfSlash16.getOrDefault(address >>> 16, Set.of())) {
                    probes4 += length >= (winner == null ? 0 : winner) ? 1 : 0;
                }
            }

            ResolvePopulation v6 = ResolvePopulation.ofIpv6(account, RECORDS, addresses, ADDRESSES);
            PrefixIndex<IpRecordSid, Integer> index6 = new PrefixIndex<>();
            Map<Integer, Integer> recordsOfLength = new TreeMap<>();
            for (IpRecord record : v6.records()) {
                index6.put(record.sid(), record.prefix(), record.cidrPrefixLength());
                recordsOfLength.merge(record.cidrPrefixLength(), 1, Integer::sum);
            }
            long probes6 = 0;
            int hits6 = 0;
            for (IpAddress address : v6.addresses()) {
                Integer winner = index6.lookup(address);
                hits6 += winner == null ? 0 : 1;
                for (int length : recordsOfLength.keySet()) {
                    probes6 += length >= (winner == null ? 0 : winner) ? 1 : 0;
                }
            }
            System.out.printf("%s: IPv4 %.2f hash probes a lookup; IPv6 %.2f (%,d of %,d addresses hit a record);"
                    + " IPv6 records by length %s%n", addresses, (double) probes4 / ADDRESSES,
                    (double) probes6 / ADDRESSES, hits6, ADDRESSES, recordsOfLength);
        }
    }
}
