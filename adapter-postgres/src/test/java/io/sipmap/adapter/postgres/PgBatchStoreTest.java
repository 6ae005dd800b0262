package io.sipmap.adapter.postgres;

import io.sipmap.contract.BatchStoreContract;
import io.sipmap.contract.Stores;
import io.sipmap.spi.BatchStore;

class PgBatchStoreTest extends BatchStoreContract {

    @Override
    protected Stores stores() {
        return PgFixture.stores();
    }

    @Override
    protected BatchStore batchStore() {
        return TestDatabase.stores().batches();
    }
}
