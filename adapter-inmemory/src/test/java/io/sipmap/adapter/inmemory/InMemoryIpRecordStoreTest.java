package io.sipmap.adapter.inmemory;

import io.sipmap.contract.IpRecordStoreContract;
import io.sipmap.contract.Stores;

class InMemoryIpRecordStoreTest extends IpRecordStoreContract {

    private final Stores stores = InMemoryFixture.newStores();

    @Override
    protected Stores stores() {
        return stores;
    }
}
