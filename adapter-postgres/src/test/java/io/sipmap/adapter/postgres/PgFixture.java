package io.sipmap.adapter.postgres;

import io.sipmap.contract.Stores;

/** The contract suites' view of the shared {@link PgStores} of {@link TestDatabase}. */
final class PgFixture {

    private PgFixture() {
    }

    static Stores stores() {
        return of(TestDatabase.stores());
    }

    /** A second instance over the same database: its own pool and resolution replica. */
    static Stores secondInstance() {
        return of(TestDatabase.secondStores());
    }

    private static Stores of(PgStores stores) {
        return new Stores(stores.ipRecords(), stores.sourceIpMappings(), stores.resolutions(), stores.changes());
    }
}
