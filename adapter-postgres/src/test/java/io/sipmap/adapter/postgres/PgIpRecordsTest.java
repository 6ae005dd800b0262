package io.sipmap.adapter.postgres;

import io.sipmap.contract.IpRecordsContract;
import io.sipmap.contract.Tenant;

/** The services over the shared PostgreSQL stores; each tenant is a fresh account. */
class PgIpRecordsTest extends IpRecordsContract {

    @Override
    protected Tenant newTenant() {
        return Tenant.ofServices(PgFixture.stores());
    }
}
