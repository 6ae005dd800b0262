package io.sipmap.api;

import io.sipmap.domain.AccountSid;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Many changes of one account's IP records and source IP mappings in one call, all or nothing (sipmap's
 * {@code /sipmap/v1/Batches}). Each change does what the single write of {@link IpRecords} or
 * {@link SourceIpMappings} does and is recorded as its own numbered change of the feed, the batch's numbers
 * consecutive and in batch order; no other write of the account comes between them, and no reader sees part of a
 * batch. No method throws or returns null: failures arrive as a failed stage holding a
 * {@link io.sipmap.domain.SipmapException}. Implementations are thread-safe.
 */
public interface Batches {

    /**
     * Applies the batch, or nothing of it. The result holds one resource per change, in batch order: the
     * {@link io.sipmap.domain.IpRecord} or {@link io.sipmap.domain.SourceIpMapping} as created or updated, or, for a
     * delete, as it was just before. Fails with {@link io.sipmap.domain.SipmapException.BatchRefused} naming the first
     * change the stored state refuses (a SID not found, a record already mapped or still mapped, a record SID unknown
     * to a new mapping), with {@code Unavailable} when the store does not answer; nothing changed either way.
     */
    CompletionStage<List<Object>> apply(AccountSid account, Batch batch);

    /**
     * What {@link #apply} would answer now, writing nothing and using no change number: the same result (with SIDs
     * the new resources would not keep) or the same failure. Another write may come between it and an apply.
     */
    CompletionStage<List<Object>> check(AccountSid account, Batch batch);
}
