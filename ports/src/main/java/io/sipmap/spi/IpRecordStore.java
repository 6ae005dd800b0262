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
 * invariant shared with {@link SourceIpMappingStore} atomically: an IP record with a mapping cannot be deleted. SIDs
 * order and pages are cut as the {@linkplain io.sipmap.spi package} says.
 */
public interface IpRecordStore {

    /**
     * Stores a new record and returns it. Fails with {@link io.sipmap.domain.SipmapException.Conflict}, storing
     * nothing and leaving the stored record as it was, when the account already has a record with that SID. (Whether
     * another account's record with the same SID conflicts is the store's choice: generated SIDs never repeat.)
     */
    CompletionStage<IpRecord> insert(IpRecord record);

    /** The account's record with that SID, or empty. */
    CompletionStage<Optional<IpRecord>> find(AccountSid account, IpRecordSid sid);

    /**
     * One page of the account's records in SID order, with its cursors, by the paging rule of the
     * {@linkplain io.sipmap.spi package}. A keyset page costs O(log n + page size) at any depth, and its cursors stay
     * valid after their SID is deleted.
     */
    CompletionStage<Page<IpRecord>> page(AccountSid account, PageRequest request);

    /**
     * Replaces the stored record that has {@code record}'s account and SID, if it still exists, and returns the
     * stored value; empty when it was deleted meanwhile (nothing is resurrected) or belongs to another account.
     *
     * <p>Only the friendly name and {@code date_updated} change, as Twilio lets only {@code FriendlyName} change: an
     * address or prefix that changed under a mapping would leave a resolution index stale. A replacement whose
     * address, prefix length or {@code date_created} differs from the stored record's fails with
     * {@link IllegalArgumentException} and changes nothing: it is a caller's bug, not a client's bad input, so it is
     * no {@link io.sipmap.domain.SipmapException} (the HTTP server answers it with 500).
     */
    CompletionStage<Optional<IpRecord>> replace(IpRecord record);

    /**
     * Deletes the account's record: true when it was there, false when not; fails with
     * {@link io.sipmap.domain.SipmapException.Conflict} and deletes nothing when a mapping maps it.
     */
    CompletionStage<Boolean> delete(AccountSid account, IpRecordSid sid);
}
