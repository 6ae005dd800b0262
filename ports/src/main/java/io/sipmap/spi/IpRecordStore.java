package io.sipmap.spi;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Persists IP records, partitioned by account: a record is only ever found through the account that owns it. Methods
 * never throw and never return null; failures arrive in the stage. Implementations are thread-safe, and keep the
 * invariant shared with {@link SourceIpMappingStore} atomically: an IP record with a mapping cannot be deleted.
 */
public interface IpRecordStore {

    /** Stores a new record and returns it. */
    CompletionStage<IpRecord> insert(IpRecord record);

    /** The account's record with that SID, or empty. */
    CompletionStage<Optional<IpRecord>> find(AccountSid account, IpRecordSid sid);

    /**
     * One page of the account's records in SID order. A keyset page costs O(log n + page size) at any depth, and its
     * cursors stay valid after their SID is deleted.
     */
    CompletionStage<Page<IpRecord>> page(AccountSid account, PageRequest request);

    /**
     * Replaces the stored record that has {@code record}'s account and SID, if it still exists, and returns the
     * stored value; empty when it was deleted meanwhile (nothing is resurrected).
     */
    CompletionStage<Optional<IpRecord>> replace(IpRecord record);

    /**
     * Deletes the account's record: true when it was there, false when not; fails with
     * {@link io.sipmap.domain.SipmapException.Conflict} and deletes nothing when a mapping maps it.
     */
    CompletionStage<Boolean> delete(AccountSid account, IpRecordSid sid);
}
