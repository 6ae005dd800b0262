package io.sipmap.adapter.inmemory;

import io.sipmap.contract.IpRecordsContract;
import io.sipmap.contract.Tenant;

class InMemoryIpRecordsTest extends IpRecordsContract {

    private final InMemoryServices services = new InMemoryServices();

    @Override
    protected Tenant newTenant() {
        return services.newTenant();
    }
}
