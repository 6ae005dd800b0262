package io.sipmap.contract;

import io.sipmap.api.IpRecords;
import io.sipmap.api.SipDomainResolver;
import io.sipmap.api.SourceIpMappings;
import io.sipmap.domain.AccountSid;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import java.time.Clock;
import java.util.Objects;

/**
 * One account and the use cases acting for it: what the api suites ({@link IpRecordsContract},
 * {@link SourceIpMappingsContract}, {@link SipDomainResolverContract}) ask for, a fresh one per test and sometimes a
 * second. It is made per account because an adapter may bind its use cases to one (the HTTP client holds one
 * account's credentials); two tenants of one suite share a backing system, so that isolation can be tested.
 *
 * @param account          a fresh account; never null
 * @param ipRecords        never null
 * @param sourceIpMappings never null
 * @param resolver         null when the system resolves nothing; {@link SipDomainResolverContract} needs one
 */
public record Tenant(AccountSid account, IpRecords ipRecords, SourceIpMappings sourceIpMappings,
                     SipDomainResolver resolver) {

    public Tenant {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(ipRecords, "ipRecords");
        Objects.requireNonNull(sourceIpMappings, "sourceIpMappings");
    }

    /**
     * A fresh account and the services of {@code ports} over the stores, wired as a program wires them: the system
     * clock and time-ordered SIDs. The resolver is null when the stores have no resolutions.
     */
    public static Tenant ofServices(Stores stores) {
        Clock clock = Clock.systemUTC();
        return new Tenant(Fixtures.account(),
                new IpRecordService(stores.ipRecords(), clock, Fixtures.sids()),
                new SourceIpMappingService(stores.sourceIpMappings(), clock, Fixtures.sids()),
                stores.resolutions() == null ? null : new ResolutionService(stores.resolutions()));
    }
}
