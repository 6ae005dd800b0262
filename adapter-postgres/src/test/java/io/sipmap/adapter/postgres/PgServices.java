package io.sipmap.adapter.postgres;

import io.sipmap.contract.SipDomainResolverContract.ResolvingTenant;
import io.sipmap.contract.Tenant;
import io.sipmap.domain.AccountSid;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import java.security.SecureRandom;
import java.time.Clock;

/** The services over the shared {@link PgStores}, wired as a program would; each tenant is a new random account. */
final class PgServices {

    private static final Clock CLOCK = Clock.systemUTC();
    private static final SidGenerator SIDS = SidGenerator.timeOrdered(CLOCK, new SecureRandom()::nextLong);

    private PgServices() {
    }

    static ResolvingTenant newTenant() {
        PgStores stores = TestDatabase.stores();
        return new ResolvingTenant(AccountSid.ofHex(SIDS.nextHex()),
                new IpRecordService(stores.ipRecords(), CLOCK, SIDS),
                new SourceIpMappingService(stores.sourceIpMappings(), CLOCK, SIDS),
                new ResolutionService(stores.resolutions()));
    }

    static Tenant newPlainTenant() {
        ResolvingTenant tenant = newTenant();
        return new Tenant(tenant.account(), tenant.ipRecords(), tenant.sourceIpMappings());
    }
}
