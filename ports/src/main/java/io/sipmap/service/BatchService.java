package io.sipmap.service;

import io.sipmap.api.Batch;
import io.sipmap.api.BatchChange;
import io.sipmap.api.BatchChange.CreateIpRecordChange;
import io.sipmap.api.BatchChange.CreateSourceIpMappingChange;
import io.sipmap.api.BatchChange.DeleteIpRecordChange;
import io.sipmap.api.BatchChange.DeleteSourceIpMappingChange;
import io.sipmap.api.BatchChange.UpdateIpRecordChange;
import io.sipmap.api.BatchChange.UpdateSourceIpMappingChange;
import io.sipmap.api.Batches;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.spi.BatchStore;
import io.sipmap.spi.BatchWrite;
import io.sipmap.spi.SidGenerator;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * {@link Batches} over a {@link BatchStore}: gives the new resources their SIDs, in batch order, and one time for the
 * whole batch, resolves references to the SIDs of the records they name, and leaves the store to check the writes
 * against what it holds, atomically. Thread-safe if the store is.
 */
public final class BatchService implements Batches {

    private final BatchStore store;
    private final Clock clock;
    private final SidGenerator sids;

    public BatchService(BatchStore store, Clock clock, SidGenerator sids) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sids = Objects.requireNonNull(sids, "sids");
    }

    @Override
    public CompletionStage<List<Object>> apply(AccountSid account, Batch batch) {
        return Stages.call(() -> store.apply(account, writes(account, batch), false));
    }

    @Override
    public CompletionStage<List<Object>> check(AccountSid account, Batch batch) {
        return Stages.call(() -> store.apply(account, writes(account, batch), true));
    }

    private List<BatchWrite> writes(AccountSid account, Batch batch) {
        Objects.requireNonNull(account, "account");
        Instant now = clock.instant();
        Map<String, IpRecordSid> refs = new HashMap<>();
        List<BatchWrite> writes = new ArrayList<>(batch.changes().size());
        for (BatchChange change : batch.changes()) {
            writes.add(write(account, change, now, refs));
        }
        return writes;
    }

    private BatchWrite write(AccountSid account, BatchChange change, Instant now, Map<String, IpRecordSid> refs) {
        if (change instanceof CreateIpRecordChange create) {
            var command = create.command();
            IpRecord record = new IpRecord(account, sids.nextIpRecordSid(), command.friendlyName(),
                    command.ipAddress(), command.cidrPrefixLength(), now, now);
            if (create.ref() != null) {
                refs.put(create.ref(), record.sid());
            }
            return new BatchWrite.InsertIpRecord(record);
        }
        if (change instanceof CreateSourceIpMappingChange create) {
            // Batch has checked that every ref is defined before its use
            IpRecordSid record = create.ipRecordSid() != null ? create.ipRecordSid() : refs.get(create.ipRecordRef());
            return new BatchWrite.InsertSourceIpMapping(new SourceIpMapping(account, sids.nextSourceIpMappingSid(),
                    record, create.sipDomainSid(), now, now));
        }
        if (change instanceof UpdateIpRecordChange update) {
            return new BatchWrite.RenameIpRecord(update.sid(), update.command().friendlyName(), now);
        }
        if (change instanceof UpdateSourceIpMappingChange update) {
            return new BatchWrite.RemapSourceIpMapping(update.sid(), update.sipDomainSid(), now);
        }
        if (change instanceof DeleteSourceIpMappingChange delete) {
            return new BatchWrite.DeleteSourceIpMapping(delete.sid());
        }
        return new BatchWrite.DeleteIpRecord(((DeleteIpRecordChange) change).sid());
    }
}
