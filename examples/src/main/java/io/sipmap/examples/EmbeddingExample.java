package io.sipmap.examples;

import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.IpRecords;
import io.sipmap.api.SourceIpMappings;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;

/** sipmap embedded in a plain Java program: services over the in-memory stores, no Vert.x, no HTTP. */
public final class EmbeddingExample {

    public static void main(String[] args) {
        run(System.out);
    }

    /** Creates an IP record, maps it to a SIP domain and lists the account's mappings; returns that page. */
    public static Page<SourceIpMapping> run(PrintStream out) {
        // snippet:embedding
        var stores = InMemoryStores.create();
        var clock = Clock.systemUTC();
        var sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        IpRecords ipRecords = new IpRecordService(stores.ipRecords(), clock, sids);
        SourceIpMappings mappings = new SourceIpMappingService(stores.sourceIpMappings(), clock, sids);

        var account = new AccountSid("AC00000000000000000000000000000001");
        var trunk = new SipDomainSid("SD00000000000000000000000000000002");

        IpRecord office = ipRecords.create(account, CreateIpRecord.of("203.0.113.0")
                .withCidrPrefixLength(24)
                .withFriendlyName("Office PBX")).toCompletableFuture().join();
        SourceIpMapping mapping = mappings.create(account,
                new CreateSourceIpMapping(office.sid(), trunk)).toCompletableFuture().join();
        Page<SourceIpMapping> page = mappings.list(account, PageRequest.first(50)).toCompletableFuture().join();

        out.println("IP record " + office.sid() + " covers " + office.prefix());
        out.println("mapping   " + mapping.sid() + " sends it to " + mapping.sipDomainSid());
        out.println("the account has " + page.items().size() + " mapping(s); more: " + page.hasNext());
        // end-snippet
        return page;
    }
}
