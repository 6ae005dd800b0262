package io.sipmap.adapter.inmemory;

import io.sipmap.contract.Tenant;
import io.sipmap.domain.AccountSid;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/** The services over one set of in-memory stores, wired as a program would; each tenant is a new random account. */
final class InMemoryServices {

    private final IpRecordService ipRecords;
    private final SourceIpMappingService sourceIpMappings;

    InMemoryServices() {
        InMemoryStores stores = InMemoryStores.create();
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        ipRecords = new IpRecordService(stores.ipRecords(), clock, sids);
        sourceIpMappings = new SourceIpMappingService(stores.sourceIpMappings(), clock, sids);
    }

    Tenant newTenant() {
        AccountSid account = AccountSid.ofHex(UUID.randomUUID().toString().replace("-", ""));
        return new Tenant(account, ipRecords, sourceIpMappings);
    }
}
