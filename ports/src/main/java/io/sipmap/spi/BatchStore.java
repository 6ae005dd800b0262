package io.sipmap.spi;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.SipmapException;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Applies many writes of one account atomically, made with the {@link IpRecordStore}, {@link SourceIpMappingStore}
 * and {@link ChangeStore} of the same backing system and keeping their invariants and numbering: every write of the
 * batch is recorded as its own {@link io.sipmap.domain.Change}, numbered consecutively in batch order, and no other
 * write of the account takes a number in between. Readers see the whole batch or nothing of it; a batch that fails
 * leaves nothing behind, not even a used number. Methods never throw and never return null; failures arrive in the
 * stage. Thread-safe.
 */
public interface BatchStore {

    /**
     * Applies the writes in order, each seeing the ones before it, and returns one resource per write: the record or
     * mapping as stored by an insert, rename or remap, or as it was just before a delete.
     *
     * <p>Fails, changing nothing, with {@link SipmapException.BatchRefused} holding one failure, at the first write
     * that fails as its single write would: {@code InvalidParameter} naming {@code IpRecordSid} for a mapping of a
     * record the account does not have; {@code Conflict} for a record already mapped, the delete of a record still
     * mapped, a SID already stored; {@code NotFound} for a rename, remap or delete of what the account does not have.
     * A write for another account than {@code account} fails with {@link IllegalArgumentException}, a caller's bug.
     *
     * @param dryRun true to answer what applying would answer, and write nothing, use no number
     */
    CompletionStage<List<Object>> apply(AccountSid account, List<BatchWrite> writes, boolean dryRun);
}
