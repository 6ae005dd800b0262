package io.sipmap.service;

import io.sipmap.api.ChangeFeed;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.AddressSnapshot;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeBatch;
import io.sipmap.domain.ChangeId;
import io.sipmap.spi.ChangeStore;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * {@link ChangeFeed} over a {@link ChangeStore}. The changes themselves are recorded by the stores, in the same
 * atomic step as each write that {@link IpRecordService} and {@link SourceIpMappingService} make, never here after
 * the fact: a write and its change are one. Thread-safe if the store is.
 */
public final class ChangeFeedService implements ChangeFeed {

    private final ChangeStore store;

    public ChangeFeedService(ChangeStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public CompletionStage<ChangeBatch> changesAfter(AccountSid account, ChangeId after, int limit) {
        return Stages.call(() -> {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(after, "after");
            if (limit < 1 || limit > ChangeStore.MAX_BATCH) {
                throw new IllegalArgumentException("limit must be 1.." + ChangeStore.MAX_BATCH + ", got " + limit);
            }
            return store.changesAfter(account, after, limit);
        });
    }

    @Override
    public CompletionStage<AddressSnapshot> snapshot(AccountSid account) {
        return Stages.call(() -> store.snapshot(Objects.requireNonNull(account, "account")));
    }

    @Override
    public CompletionStage<Subscription> subscribe(AccountSid account, Consumer<Change> listener) {
        return Stages.call(() -> {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(listener, "listener");
            return store.subscribe(account, listener).thenApply(running -> running::cancel);
        });
    }
}
