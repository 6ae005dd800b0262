package io.sipmap.adapter.inmemory;

import io.sipmap.contract.Stores;

/** What the contract suites run against here: the stores of one new {@link InMemoryStores}. */
final class InMemoryFixture {

    private InMemoryFixture() {
    }

    static Stores newStores() {
        return of(InMemoryStores.create());
    }

    static Stores of(InMemoryStores stores) {
        return new Stores(stores.ipRecords(), stores.sourceIpMappings(), stores.resolutions(), stores.changes());
    }
}
