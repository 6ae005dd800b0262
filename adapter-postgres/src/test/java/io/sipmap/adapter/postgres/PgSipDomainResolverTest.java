package io.sipmap.adapter.postgres;

import io.sipmap.contract.SipDomainResolverContract;
import io.sipmap.contract.Tenant;

/** The services over the shared PostgreSQL stores; each tenant is a fresh account. */
class PgSipDomainResolverTest extends SipDomainResolverContract {

    @Override
    protected Tenant newTenant() {
        return Tenant.ofServices(PgFixture.stores());
    }
}
