package io.sipmap.adapter.inmemory;

import io.sipmap.contract.BatchStoreContract;
import io.sipmap.contract.Stores;
import io.sipmap.spi.BatchStore;

class InMemoryBatchStoreTest extends BatchStoreContract {

    private final InMemoryStores memory = InMemoryStores.create();

    @Override
    protected Stores stores() {
        return InMemoryFixture.of(memory);
    }

    @Override
    protected BatchStore batchStore() {
        return memory.batches();
    }
}
