package io.sipmap.service;

import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.SourceIpMappings;
import io.sipmap.api.UpdateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.spi.SidGenerator;
import io.sipmap.spi.SourceIpMappingStore;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@link SourceIpMappings} over a {@link SourceIpMappingStore}, with time and SIDs injected. The store, not this
 * service, keeps the invariants (the IP record exists, one mapping per IP record). Thread-safe if the store is.
 */
public final class SourceIpMappingService implements SourceIpMappings {

    private final SourceIpMappingStore store;
    private final Clock clock;
    private final SidGenerator sids;

    public SourceIpMappingService(SourceIpMappingStore store, Clock clock, SidGenerator sids) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sids = Objects.requireNonNull(sids, "sids");
    }

    @Override
    public CompletionStage<SourceIpMapping> create(AccountSid account, CreateSourceIpMapping command) {
        return Stages.call(() -> {
            var now = clock.instant();
            return store.insert(new SourceIpMapping(account, sids.nextSourceIpMappingSid(), command.ipRecordSid(),
                    command.sipDomainSid(), now, now));
        });
    }

    @Override
    public CompletionStage<SourceIpMapping> fetch(AccountSid account, SourceIpMappingSid sid) {
        return Stages.call(() -> store.find(account, sid).thenApply(found -> orNotFound(found, sid)));
    }

    @Override
    public CompletionStage<Page<SourceIpMapping>> list(AccountSid account, PageRequest request) {
        return Stages.call(() -> store.page(account, request));
    }

    @Override
    public CompletionStage<SourceIpMapping> update(AccountSid account, SourceIpMappingSid sid,
                                                   UpdateSourceIpMapping command) {
        return Stages.call(() -> store.find(account, sid)
                .thenCompose(found -> store.replace(
                        orNotFound(found, sid).withSipDomainSid(command.sipDomainSid(), clock.instant())))
                .thenApply(replaced -> orNotFound(replaced, sid)));
    }

    @Override
    public CompletionStage<Void> delete(AccountSid account, SourceIpMappingSid sid) {
        return Stages.call(() -> store.delete(account, sid).thenApply(deleted -> {
            if (!deleted) {
                throw notFound(sid);
            }
            return null;
        }));
    }

    private static SourceIpMapping orNotFound(Optional<SourceIpMapping> found, SourceIpMappingSid sid) {
        return found.orElseThrow(() -> notFound(sid));
    }

    private static SipmapException.NotFound notFound(SourceIpMappingSid sid) {
        return new SipmapException.NotFound("The requested resource /SourceIpMappings/" + sid + " was not found");
    }
}
