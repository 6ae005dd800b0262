package io.sipmap.adapter.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.contract.ChangeStoreContract;
import io.sipmap.contract.Stores;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import java.time.Instant;

class InMemoryChangeStoreTest extends ChangeStoreContract {

    /** Small, so that the test of a reader too far behind writes past it quickly; large enough for the others. */
    private static final int CAPACITY = 512;

    private final InMemoryStores memory = InMemoryStores.create(CAPACITY);
    private final Stores stores = InMemoryFixture.of(memory);

    @Override
    protected Stores stores() {
        return stores;
    }

    /** Writes as many changes as the log keeps, and one more, so that only the latest ones are left. */
    @Override
    protected void forgetOldChanges(Stores stores, AccountSid account) {
        Instant now = Instant.parse("2021-01-01T00:00:00Z");
        IpRecord record = stores.ipRecords().insert(new IpRecord(account,
                io.sipmap.domain.IpRecordSid.ofHex("f".repeat(32)), null, Ipv4Address.parse("192.0.2.1"), 32, now,
                now)).toCompletableFuture().join();
        for (int i = 0; i < CAPACITY; i++) {
            assertThat(stores.ipRecords().replace(record.withFriendlyName("n" + i, now)).toCompletableFuture().join())
                    .isPresent();
        }
        assertThat(stores.ipRecords().delete(account, record.sid()).toCompletableFuture().join()).isTrue();
    }

    /** New stores, empty, as a server restarted over memory has. */
    @Override
    protected Stores historyStartedAgain(Stores stores, AccountSid account) {
        return InMemoryFixture.of(InMemoryStores.create(CAPACITY));
    }
}
