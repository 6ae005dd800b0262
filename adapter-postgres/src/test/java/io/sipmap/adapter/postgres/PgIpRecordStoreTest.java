package io.sipmap.adapter.postgres;

import io.sipmap.contract.IpRecordStoreContract;
import io.sipmap.contract.Stores;

class PgIpRecordStoreTest extends IpRecordStoreContract {

    @Override
    protected Stores stores() {
        return PgFixture.stores();
    }
}
