package io.sipmap.adapter.inmemory;

import io.sipmap.contract.ResolutionStoreContract;

class InMemoryResolutionStoreTest extends ResolutionStoreContract {

    private final InMemoryStores stores = InMemoryStores.create();

    @Override
    protected Backing backing() {
        return new Backing(stores.ipRecords(), stores.sourceIpMappings(), stores.resolutions());
    }
}
