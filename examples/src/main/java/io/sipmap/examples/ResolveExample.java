package io.sipmap.examples;

import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.IpRecords;
import io.sipmap.api.SipDomainResolver;
import io.sipmap.api.SourceIpMappings;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/**
 * A SIP edge embedding sipmap in plain Java, without Vert.x: it maps an office network and, inside it, one PBX to two
 * SIP domains, then resolves the source address of an incoming request. The most specific record wins, so the PBX's
 * address goes to the PBX's domain and the rest of the office network to the office's.
 */
public final class ResolveExample {

    private ResolveExample() {
    }

    /** Sets up the mappings, resolves {@code source}, prints and returns the answer; empty when no record holds it. */
    public static Optional<Resolution> run(String source, PrintStream out) {
        // snippet:resolve
        var stores = InMemoryStores.create();
        var clock = Clock.systemUTC();
        var sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        IpRecords ipRecords = new IpRecordService(stores.ipRecords(), clock, sids);
        SourceIpMappings mappings = new SourceIpMappingService(stores.sourceIpMappings(), clock, sids);
        SipDomainResolver resolver = new ResolutionService(stores.resolutions());

        var account = new AccountSid("AC0123456789abcdef0123456789abcdef");
        var officeDomain = new SipDomainSid("SD0000000000000000000000000000000a");
        var pbxDomain = new SipDomainSid("SD0000000000000000000000000000000b");

        IpRecord office = ipRecords.create(account, CreateIpRecord.of("198.51.100.0").withCidrPrefixLength(24))
                .toCompletableFuture().join();
        IpRecord pbx = ipRecords.create(account, CreateIpRecord.of("198.51.100.7")).toCompletableFuture().join();
        mappings.create(account, new CreateSourceIpMapping(office.sid(), officeDomain)).toCompletableFuture().join();
        mappings.create(account, new CreateSourceIpMapping(pbx.sid(), pbxDomain)).toCompletableFuture().join();

        // For each request: which SIP domain does its source address belong to? Lock-free, a few hash probes.
        Optional<Resolution> answer = resolver.resolve(account, Ipv4Address.parse(source))
                .toCompletableFuture().join();
        answer.ifPresentOrElse(r -> out.println(source + " -> " + r.sipDomainSid() + " via " + r.prefix()),
                () -> out.println(source + " -> no SIP domain: reject"));
        // end-snippet
        return answer;
    }

    public static void main(String[] args) {
        run(args.length > 0 ? args[0] : "198.51.100.7", System.out);
    }
}
