package io.sipmap.benchmarks;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.SourceIpMappingStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The mapped IP records and the addresses the resolve benchmarks measure, the same in each (one seed): records of
 * random addresses and prefix lengths 8..32, each mapped to one of 16 SIP domains, and addresses to resolve drawn from
 * the whole IPv4 space ({@code uniform}) or inside a random record's prefix ({@code inside}), so that long prefixes
 * are hit too.
 *
 * @param records  the IP records, in creation order
 * @param mappings the mapping of each record, at the same position
 * @param networks each record's network address bits (host bits cleared), at the same position
 * @param masks    each record's prefix mask, at the same position
 * @param probes   the addresses to resolve, as bits
 */
record ResolvePopulation(List<IpRecord> records, List<SourceIpMapping> mappings, int[] networks, int[] masks,
                         int[] probes) {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    static ResolvePopulation of(AccountSid account, int count, String addresses, int probeCount) {
        Random random = new Random(20260101);
        List<IpRecord> records = new ArrayList<>(count);
        List<SourceIpMapping> mappings = new ArrayList<>(count);
        int[] networks = new int[count];
        int[] masks = new int[count];
        for (int i = 0; i < count; i++) {
            int length = 8 + random.nextInt(25);
            Ipv4Address address = new Ipv4Address(random.nextInt());
            IpRecord record = new IpRecord(account, IpRecordSid.ofHex(hex(1, i)), null, address, length, T, T);
            records.add(record);
            mappings.add(new SourceIpMapping(account, SourceIpMappingSid.ofHex(hex(2, i)), record.sid(),
                    SipDomainSid.ofHex(hex(3, i % 16)), T, T));
            masks[i] = IpPrefix.mask(length);
            networks[i] = address.bits() & masks[i];
        }
        int[] probes = new int[probeCount];
        for (int i = 0; i < probeCount; i++) {
            int r = random.nextInt(count);
            probes[i] = "inside".equals(addresses) ? networks[r] | (random.nextInt() & ~masks[r]) : random.nextInt();
        }
        return new ResolvePopulation(records, mappings, networks, masks, probes);
    }

    /** Writes every record and its mapping into the stores. */
    void writeTo(IpRecordStore ipRecords, SourceIpMappingStore sourceIpMappings) {
        for (int i = 0; i < records.size(); i++) {
            ipRecords.insert(records.get(i)).toCompletableFuture().join();
            sourceIpMappings.insert(mappings.get(i)).toCompletableFuture().join();
        }
    }

    static String hex(long kind, long n) {
        return String.format("%016x%016x", kind, n);
    }
}
