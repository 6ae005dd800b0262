package io.sipmap.service;

import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.IpRecords;
import io.sipmap.api.UpdateIpRecord;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipmapException;
import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.SidGenerator;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** {@link IpRecords} over an {@link IpRecordStore}, with time and SIDs injected. Thread-safe if the store is. */
public final class IpRecordService implements IpRecords {

    private final IpRecordStore store;
    private final Clock clock;
    private final SidGenerator sids;

    public IpRecordService(IpRecordStore store, Clock clock, SidGenerator sids) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sids = Objects.requireNonNull(sids, "sids");
    }

    @Override
    public CompletionStage<IpRecord> create(AccountSid account, CreateIpRecord command) {
        return Stages.call(() -> {
            var now = clock.instant();
            return store.insert(new IpRecord(account, sids.nextIpRecordSid(), command.friendlyName(),
                    command.ipAddress(), command.cidrPrefixLength(), now, now));
        });
    }

    @Override
    public CompletionStage<IpRecord> fetch(AccountSid account, IpRecordSid sid) {
        return Stages.call(() -> store.find(account, sid).thenApply(found -> orNotFound(found, sid)));
    }

    @Override
    public CompletionStage<Page<IpRecord>> list(AccountSid account, PageRequest request) {
        return Stages.call(() -> store.page(account, request));
    }

    @Override
    public CompletionStage<IpRecord> update(AccountSid account, IpRecordSid sid, UpdateIpRecord command) {
        return Stages.call(() -> store.find(account, sid)
                .thenCompose(found -> {
                    IpRecord current = orNotFound(found, sid);
                    String name = command.friendlyName() == null ? current.friendlyName() : command.friendlyName();
                    return store.replace(current.withFriendlyName(name, clock.instant()));
                })
                .thenApply(replaced -> orNotFound(replaced, sid)));
    }

    @Override
    public CompletionStage<Void> delete(AccountSid account, IpRecordSid sid) {
        return Stages.call(() -> store.delete(account, sid).thenApply(deleted -> {
            if (!deleted) {
                throw notFound(sid);
            }
            return null;
        }));
    }

    private static IpRecord orNotFound(Optional<IpRecord> found, IpRecordSid sid) {
        return found.orElseThrow(() -> notFound(sid));
    }

    private static SipmapException.NotFound notFound(IpRecordSid sid) {
        return new SipmapException.NotFound("The requested resource /IpRecords/" + sid + " was not found");
    }
}
