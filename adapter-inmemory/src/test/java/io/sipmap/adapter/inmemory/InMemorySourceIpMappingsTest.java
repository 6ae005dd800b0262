package io.sipmap.adapter.inmemory;

import io.sipmap.contract.SourceIpMappingsContract;
import io.sipmap.contract.Tenant;

class InMemorySourceIpMappingsTest extends SourceIpMappingsContract {

    private final InMemoryServices services = new InMemoryServices();

    @Override
    protected Tenant newTenant() {
        return services.newTenant();
    }
}
