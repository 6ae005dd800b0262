package io.sipmap.adapter.postgres;

import io.sipmap.contract.ResolutionStoreContract;

class PgResolutionStoreTest extends ResolutionStoreContract {

    @Override
    protected Backing backing() {
        PgStores stores = TestDatabase.stores();
        return new Backing(stores.ipRecords(), stores.sourceIpMappings(), stores.resolutions());
    }
}
