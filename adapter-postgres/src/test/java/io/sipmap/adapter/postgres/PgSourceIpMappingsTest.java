package io.sipmap.adapter.postgres;

import io.sipmap.contract.SourceIpMappingsContract;
import io.sipmap.contract.Tenant;

class PgSourceIpMappingsTest extends SourceIpMappingsContract {

    @Override
    protected Tenant newTenant() {
        return PgServices.newPlainTenant();
    }
}
