package io.sipmap.adapter.postgres;

import io.sipmap.contract.IpRecordsContract;
import io.sipmap.contract.Tenant;

class PgIpRecordsTest extends IpRecordsContract {

    @Override
    protected Tenant newTenant() {
        return PgServices.newPlainTenant();
    }
}
