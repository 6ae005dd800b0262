package io.sipmap.adapter.postgres;

import io.sipmap.contract.SourceIpMappingStoreContract;
import io.sipmap.contract.Stores;

class PgSourceIpMappingStoreTest extends SourceIpMappingStoreContract {

    @Override
    protected Stores newStores() {
        PgStores stores = TestDatabase.stores();
        return new Stores(stores.ipRecords(), stores.sourceIpMappings());
    }
}
