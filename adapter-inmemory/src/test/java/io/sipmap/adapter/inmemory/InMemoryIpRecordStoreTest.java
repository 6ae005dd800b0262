package io.sipmap.adapter.inmemory;

import io.sipmap.contract.IpRecordStoreContract;
import io.sipmap.contract.Stores;

class InMemoryIpRecordStoreTest extends IpRecordStoreContract {

    @Override
    protected Stores newStores() {
        InMemoryStores stores = InMemoryStores.create();
        return new Stores(stores.ipRecords(), stores.sourceIpMappings());
    }
}
