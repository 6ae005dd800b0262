package io.sipmap.adapter.postgres;

import io.sipmap.contract.SourceIpMappingsContract;
import io.sipmap.contract.Tenant;

/** The services over the shared PostgreSQL stores; each tenant is a fresh account. */
class PgSourceIpMappingsTest extends SourceIpMappingsContract {

    @Override
    protected Tenant newTenant() {
        return Tenant.ofServices(PgFixture.stores());
    }
}
