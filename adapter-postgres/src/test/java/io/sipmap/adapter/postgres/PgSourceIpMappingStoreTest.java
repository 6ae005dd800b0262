package io.sipmap.adapter.postgres;

import io.sipmap.contract.SourceIpMappingStoreContract;
import io.sipmap.contract.Stores;

class PgSourceIpMappingStoreTest extends SourceIpMappingStoreContract {

    @Override
    protected Stores stores() {
        return PgFixture.stores();
    }
}
