package io.sipmap.benchmarks;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Ipv6Address;
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
 * The mapped IP records and the addresses the resolve benchmarks measure, the same in each (one seed per family), each
 * record mapped to one of 16 SIP domains.
 *
 * <p>IPv4 ({@link #of}): records of random addresses and prefix lengths 8..32 (uniform), and addresses to resolve drawn
 * from the whole IPv4 space ({@code uniform}) or inside a random record's prefix ({@code inside}), so that long
 * prefixes are hit too.
 *
 * <p>IPv6 ({@link #ofIpv6}): the same number of records, as carriers' and enterprises' IPv6 networks come, under
 * {@code count / 64} provider /32s of 2000::/3. Seven in ten are drawn afresh in a random provider /32 with lengths
 * /32 (5%), /48 (25%), /56 (20%), /64 (30%) and /128 (20%); a quarter are nested, a longer length of that mix drawn
 * inside an earlier record's network; one in twenty repeats an earlier record's network and length (a duplicate
 * network, which the smaller SID wins), as does a nested draw whose earlier record is a /128. {@code uniform} draws half the addresses inside a random provider /32 (where the records are: hits and
 * misses) and half from the whole IPv6 space (misses); {@code inside} draws them inside a random record's prefix.
 *
 * @param records    the IP records, in creation order
 * @param mappings   the mapping of each record, at the same position
 * @param networks   IPv4: each record's network address bits (host bits cleared), at the same position
 * @param masks      IPv4: each record's prefix mask, at the same position
 * @param probes     IPv4: the addresses to resolve, as bits
 * @param networks6  IPv6: each record's network, high and low 64 bits at 2i and 2i + 1
 * @param masks6     IPv6: each record's prefix mask, high and low 64 bits at 2i and 2i + 1
 * @param probes6    IPv6: the addresses to resolve, high and low 64 bits at 2i and 2i + 1
 * @param addresses  the addresses to resolve as {@link IpAddress} values, of either family
 */
record ResolvePopulation(List<IpRecord> records, List<SourceIpMapping> mappings, int[] networks, int[] masks,
                         int[] probes, long[] networks6, long[] masks6, long[] probes6, IpAddress[] addresses) {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    /** The IPv4 population (the one measured before IPv6, record for record: same seed, same draws). */
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
            mappings.add(mapping(account, record, i));
            masks[i] = IpPrefix.mask(length);
            networks[i] = address.bits() & masks[i];
        }
        int[] probes = new int[probeCount];
        IpAddress[] probeAddresses = new IpAddress[probeCount];
        for (int i = 0; i < probeCount; i++) {
            int r = random.nextInt(count);
            probes[i] = "inside".equals(addresses) ? networks[r] | (random.nextInt() & ~masks[r]) : random.nextInt();
            probeAddresses[i] = new Ipv4Address(probes[i]);
        }
        return new ResolvePopulation(records, mappings, networks, masks, probes, null, null, null, probeAddresses);
    }

    /** The IPv6 population of {@code count} records (see the class comment). */
    static ResolvePopulation ofIpv6(AccountSid account, int count, String addresses, int probeCount) {
        Random random = new Random(20261206);
        long[] providers = new long[Math.max(1, count / 64)];
        for (int p = 0; p < providers.length; p++) {
            // a /32 of 2000::/3: the top 3 bits 001, 29 random bits, as the high 32 of the high long
            providers[p] = (0x2000_0000L | (random.nextInt() & 0x1fff_ffffL)) << 32;
        }
        List<IpRecord> records = new ArrayList<>(count);
        List<SourceIpMapping> mappings = new ArrayList<>(count);
        long[] networks = new long[2 * count];
        long[] masks = new long[2 * count];
        int[] lengthOf = new int[count];
        for (int i = 0; i < count; i++) {
            long high;
            long low;
            int length;
            int kind = random.nextInt(20);
            if (i > 0 && kind <= 5) {
                // one in twenty a duplicate (an earlier record's network and length again), a quarter nested (a
                // longer prefix inside an earlier record's network; a duplicate when that is a /128)
                int earlier = random.nextInt(i);
                length = kind == 0 || lengthOf[earlier] == 128 ? lengthOf[earlier]
                        : longerLength(random, lengthOf[earlier]);
                high = networks[2 * earlier] | (random.nextLong() & ~masks[2 * earlier]);
                low = networks[2 * earlier + 1] | (random.nextLong() & ~masks[2 * earlier + 1]);
            } else {
                length = length(random);
                high = providers[random.nextInt(providers.length)] | (random.nextLong() & 0xffff_ffffL);
                low = random.nextLong();
            }
            Ipv6Address address = new Ipv6Address(high, low);
            IpRecord record = new IpRecord(account, IpRecordSid.ofHex(hex(1, i)), null, address, length, T, T);
            records.add(record);
            mappings.add(mapping(account, record, i));
            lengthOf[i] = length;
            masks[2 * i] = IpPrefix.highMask(length);
            masks[2 * i + 1] = IpPrefix.lowMask(length);
            networks[2 * i] = high & masks[2 * i];
            networks[2 * i + 1] = low & masks[2 * i + 1];
        }
        long[] probes = new long[2 * probeCount];
        IpAddress[] probeAddresses = new IpAddress[probeCount];
        for (int i = 0; i < probeCount; i++) {
            long high;
            long low;
            if ("inside".equals(addresses)) {
                int r = random.nextInt(count);
                high = networks[2 * r] | (random.nextLong() & ~masks[2 * r]);
                low = networks[2 * r + 1] | (random.nextLong() & ~masks[2 * r + 1]);
            } else if (random.nextBoolean()) {
                high = providers[random.nextInt(providers.length)] | (random.nextLong() & 0xffff_ffffL);
                low = random.nextLong();
            } else {
                high = random.nextLong();
                low = random.nextLong();
            }
            probes[2 * i] = high;
            probes[2 * i + 1] = low;
            probeAddresses[i] = new Ipv6Address(high, low);
        }
        return new ResolvePopulation(records, mappings, null, null, null, networks, masks, probes, probeAddresses);
    }

    /** /32 5%, /48 25%, /56 20%, /64 30%, /128 20%. */
    private static int length(Random random) {
        int r = random.nextInt(100);
        return r < 5 ? 32 : r < 30 ? 48 : r < 50 ? 56 : r < 80 ? 64 : 128;
    }

    /** A length of the mix longer than {@code outer} (outer below 128). */
    private static int longerLength(Random random, int outer) {
        int[] mix = {48, 56, 64, 128};
        int first = 0;
        while (mix[first] <= outer) {
            first++;
        }
        return mix[first + random.nextInt(mix.length - first)];
    }

    private static SourceIpMapping mapping(AccountSid account, IpRecord record, int i) {
        return new SourceIpMapping(account, SourceIpMappingSid.ofHex(hex(2, i)), record.sid(),
                SipDomainSid.ofHex(hex(3, i % 16)), T, T);
    }

    /** Whether these are IPv6 records. */
    boolean ipv6() {
        return networks6 != null;
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
