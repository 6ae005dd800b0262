package io.sipmap.adapter.postgres;

import io.sipmap.contract.ResolutionStoreContract;
import io.sipmap.contract.Stores;
import java.time.Duration;

class PgResolutionStoreTest extends ResolutionStoreContract {

    @Override
    protected Stores stores() {
        return PgFixture.stores();
    }

    @Override
    protected Stores secondInstance() {
        return PgFixture.secondInstance();
    }

    /**
     * A notification brings a write in milliseconds; a lost one waits for the next catch-up, every second by default.
     * The rest is room for a busy build machine.
     */
    @Override
    protected Duration convergenceBound() {
        return PgStoreOptions.DEFAULT_CATCH_UP_INTERVAL.plusSeconds(4);
    }
}
