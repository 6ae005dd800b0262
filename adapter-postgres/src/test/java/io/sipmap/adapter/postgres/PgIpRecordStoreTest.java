package io.sipmap.adapter.postgres;

import io.sipmap.contract.IpRecordStoreContract;
import io.sipmap.contract.Stores;

class PgIpRecordStoreTest extends IpRecordStoreContract {

    @Override
    protected Stores newStores() {
        PgStores stores = TestDatabase.stores();
        return new Stores(stores.ipRecords(), stores.sourceIpMappings());
    }
}
