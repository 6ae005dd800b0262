package io.sipmap.adapter.inmemory;

import io.sipmap.contract.SipDomainResolverContract;
import io.sipmap.domain.AccountSid;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import java.security.SecureRandom;
import java.time.Clock;

/** The resolver contract over the services and one set of in-memory stores shared by the tenants of a test. */
class InMemorySipDomainResolverTest extends SipDomainResolverContract {

    private final InMemoryStores stores = InMemoryStores.create();
    private final SidGenerator sids = SidGenerator.timeOrdered(Clock.systemUTC(), new SecureRandom()::nextLong);

    @Override
    protected ResolvingTenant newTenant() {
        Clock clock = Clock.systemUTC();
        return new ResolvingTenant(AccountSid.ofHex(sids.nextHex()),
                new IpRecordService(stores.ipRecords(), clock, sids),
                new SourceIpMappingService(stores.sourceIpMappings(), clock, sids),
                new ResolutionService(stores.resolutions()));
    }
}
