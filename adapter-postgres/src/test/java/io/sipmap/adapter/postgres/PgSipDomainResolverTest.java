package io.sipmap.adapter.postgres;

import io.sipmap.contract.SipDomainResolverContract;

class PgSipDomainResolverTest extends SipDomainResolverContract {

    @Override
    protected ResolvingTenant newTenant() {
        return PgServices.newTenant();
    }
}
