package io.sipmap.adapter.postgres;

import io.sipmap.contract.ResolutionStoreContract;
import io.sipmap.contract.Stores;

class PgResolutionStoreTest extends ResolutionStoreContract {

    @Override
    protected Stores stores() {
        return PgFixture.stores();
    }
}
