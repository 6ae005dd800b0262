package io.sipmap.adapter.inmemory;

import io.sipmap.contract.ResolutionStoreContract;
import io.sipmap.contract.Stores;

class InMemoryResolutionStoreTest extends ResolutionStoreContract {

    private final Stores stores = InMemoryFixture.newStores();

    @Override
    protected Stores stores() {
        return stores;
    }
}
