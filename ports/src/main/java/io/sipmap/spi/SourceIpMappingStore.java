package io.sipmap.spi;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Persists source IP mappings, partitioned by account. Methods never throw and never return null; failures arrive in
 * the stage. Implementations are thread-safe and keep, atomically with {@link IpRecordStore}, the invariants that a
 * mapping's IP record exists in the same account and that an IP record has at most one mapping. SIDs order and pages
 * are cut as the {@linkplain io.sipmap.spi package} says.
 */
public interface SourceIpMappingStore {

    /**
     * Stores a new mapping and returns it. Fails, storing nothing, with
     * {@link io.sipmap.domain.SipmapException.InvalidParameter} naming {@code IpRecordSid} when the account has no
     * such IP record, and with {@link io.sipmap.domain.SipmapException.Conflict} when that record already has a
     * mapping or the account already has a mapping with that SID (which is left as it was). Whether another
     * account's mapping with the same SID conflicts is the store's choice: generated SIDs never repeat.
     */
    CompletionStage<SourceIpMapping> insert(SourceIpMapping mapping);

    /** The account's mapping with that SID, or empty. */
    CompletionStage<Optional<SourceIpMapping>> find(AccountSid account, SourceIpMappingSid sid);

    /**
     * One page of the account's mappings in SID order, with its cursors, by the paging rule of the
     * {@linkplain io.sipmap.spi package}; costs as {@link IpRecordStore#page}.
     */
    CompletionStage<Page<SourceIpMapping>> page(AccountSid account, PageRequest request);

    /**
     * Replaces the stored mapping with {@code mapping}'s account and SID if it still exists, and returns the stored
     * value; empty when it was deleted meanwhile or belongs to another account.
     *
     * <p>Only the SIP domain and {@code date_updated} change. A replacement whose IP record or {@code date_created}
     * differs from the stored mapping's fails with {@link IllegalArgumentException} and changes nothing, as
     * {@link IpRecordStore#replace} does.
     */
    CompletionStage<Optional<SourceIpMapping>> replace(SourceIpMapping mapping);

    /** Deletes the account's mapping: true when it was there, false when not. */
    CompletionStage<Boolean> delete(AccountSid account, SourceIpMappingSid sid);
}
