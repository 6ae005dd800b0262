package io.sipmap.benchmarks;

import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Ipv6Address;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * In-memory stores and the services over them, filled through the services the way the server fills them: every
 * command built from strings parsed afresh, as a request's form fields are, with the system clock and time-ordered
 * SIDs. The IP records are distinct /32 addresses (or, after {@link #ipv6()}, distinct /128 addresses under
 * 2001:db8::/32); the mappings spread over {@value #DOMAINS} SIP domains.
 */
final class Population {

    static final AccountSid ACCOUNT = AccountSid.ofHex("0000000000000000000000000000be01");
    static final String AUTH_TOKEN = "bench-token";
    static final int DOMAINS = 100;

    final InMemoryStores stores = InMemoryStores.create();
    final IpRecordService ipRecords;
    final SourceIpMappingService sourceIpMappings;
    /** The mappings made, in creation (so SID) order. */
    final List<SourceIpMapping> mappings = new ArrayList<>();
    /** IP records made without a mapping, in creation order. */
    final List<IpRecord> unmapped = new ArrayList<>();

    private final Random random = new Random(20261128);
    private int addresses;
    private boolean ipv6;

    Population() {
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, random::nextLong);
        ipRecords = new IpRecordService(stores.ipRecords(), clock, sids);
        sourceIpMappings = new SourceIpMappingService(stores.sourceIpMappings(), clock, sids);
    }

    /** Adds {@code count} IP records with one mapping each. */
    Population mapped(int count) {
        for (int i = 0; i < count; i++) {
            IpRecord record = record();
            var command = new CreateSourceIpMapping(
                    IpRecordSid.parse(record.sid().value(), "IpRecordSid"),
                    SipDomainSid.parse(domain(random.nextInt(DOMAINS)), "SipDomainSid"));
            mappings.add(sourceIpMappings.create(ACCOUNT, command).toCompletableFuture().join());
        }
        return this;
    }

    /** Adds {@code count} IP records without a mapping. */
    Population unmapped(int count) {
        for (int i = 0; i < count; i++) {
            unmapped.add(record());
        }
        return this;
    }

    /** Makes the IP records added from now on IPv6 ones. */
    Population ipv6() {
        ipv6 = true;
        return this;
    }

    /** Drops the lists of what was made, so that only the stores hold it. */
    Population forget() {
        mappings.clear();
        unmapped.clear();
        ((ArrayList<?>) mappings).trimToSize();
        ((ArrayList<?>) unmapped).trimToSize();
        return this;
    }

    private IpRecord record() {
        // an odd multiplier is a bijection of the 32-bit ints: distinct, scattered addresses
        int bits = (addresses++ + 1) * 0x9E3779B1;
        // for IPv6, the same scattered bits under 2001:db8::/32 and an odd multiple of them as the interface id
        String text = ipv6 ? new Ipv6Address(0x2001_0db8_0000_0000L | (bits & 0xffff_ffffL),
                (bits & 0xffff_ffffL) * 0x9E37_79B9_7F4A_7C15L).toString() : new Ipv4Address(bits).toString();
        return ipRecords.create(ACCOUNT, CreateIpRecord.of(text)).toCompletableFuture().join();
    }

    private static String domain(int n) {
        return String.format("SD%032x", n + 1);
    }
}
