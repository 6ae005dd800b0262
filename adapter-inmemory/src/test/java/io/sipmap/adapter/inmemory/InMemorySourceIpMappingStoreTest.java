package io.sipmap.adapter.inmemory;

import io.sipmap.contract.SourceIpMappingStoreContract;
import io.sipmap.contract.Stores;

class InMemorySourceIpMappingStoreTest extends SourceIpMappingStoreContract {

    private final Stores stores = InMemoryFixture.newStores();

    @Override
    protected Stores stores() {
        return stores;
    }
}
