package io.sipmap.adapter.postgres;

import io.sipmap.contract.Stores;

/** The contract suites' view of the shared {@link PgStores} of {@link TestDatabase}. */
final class PgFixture {

    private PgFixture() {
    }

    static Stores stores() {
        PgStores stores = TestDatabase.stores();
        return new Stores(stores.ipRecords(), stores.sourceIpMappings(), stores.resolutions());
    }
}
