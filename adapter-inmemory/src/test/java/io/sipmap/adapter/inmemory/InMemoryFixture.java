package io.sipmap.adapter.inmemory;

import io.sipmap.contract.Stores;

/** What the contract suites run against here: the stores of one new {@link InMemoryStores}. */
final class InMemoryFixture {

    private InMemoryFixture() {
    }

    static Stores newStores() {
        InMemoryStores stores = InMemoryStores.create();
        return new Stores(stores.ipRecords(), stores.sourceIpMappings(), stores.resolutions());
    }
}
