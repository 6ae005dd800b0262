package io.sipmap.adapter.inmemory;

import io.sipmap.contract.SourceIpMappingsContract;
import io.sipmap.contract.Stores;
import io.sipmap.contract.Tenant;

/** The services over one set of in-memory stores, shared by the tenants of a test. */
class InMemorySourceIpMappingsTest extends SourceIpMappingsContract {

    private final Stores stores = InMemoryFixture.newStores();

    @Override
    protected Tenant newTenant() {
        return Tenant.ofServices(stores);
    }
}
