package io.sipmap.adapter.postgres;

import io.sipmap.contract.ChangeStoreContract;
import io.sipmap.contract.Stores;
import io.sipmap.domain.AccountSid;

class PgChangeStoreTest extends ChangeStoreContract {

    @Override
    protected Stores stores() {
        return PgFixture.stores();
    }

    /** Deletes the account's rows of the log but the latest, as pruning by age does to a quiet account. */
    @Override
    protected void forgetOldChanges(Stores stores, AccountSid account) {
        String id = Columns.uuid(account).toString();
        TestDatabase.execute(TestDatabase.shared(), "DELETE FROM resolution_log WHERE account = '" + id
                + "' AND seq < (SELECT last_seq FROM resolution_log_heads WHERE account = '" + id + "')");
    }

    /**
     * Deletes every row of the account, its counter row included, as a restore from a backup older than its first
     * write leaves it; the stores go on over the same database (the restore itself is in the server's tests).
     */
    @Override
    protected Stores historyStartedAgain(Stores stores, AccountSid account) {
        String id = "'" + Columns.uuid(account) + "'";
        TestDatabase.execute(TestDatabase.shared(), "DELETE FROM source_ip_mappings WHERE account = " + id
                + "; DELETE FROM ip_records WHERE account = " + id + "; DELETE FROM resolution_log WHERE account = "
                + id + "; DELETE FROM resolution_log_heads WHERE account = " + id);
        return stores;
    }
}
