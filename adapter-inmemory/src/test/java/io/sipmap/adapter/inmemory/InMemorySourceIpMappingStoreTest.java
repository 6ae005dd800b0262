package io.sipmap.adapter.inmemory;

import io.sipmap.contract.SourceIpMappingStoreContract;
import io.sipmap.contract.Stores;

class InMemorySourceIpMappingStoreTest extends SourceIpMappingStoreContract {

    @Override
    protected Stores newStores() {
        InMemoryStores stores = InMemoryStores.create();
        return new Stores(stores.ipRecords(), stores.sourceIpMappings());
    }
}
