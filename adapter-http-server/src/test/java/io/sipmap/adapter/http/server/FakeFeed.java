package io.sipmap.adapter.http.server;

import io.sipmap.api.ChangeFeed;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.AddressSnapshot;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeBatch;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A change feed over a list per account, for the server's black-box tests (which may not see the real stores): each
 * {@link #append} numbers a change of a made-up IP record, logs it and hands it to the subscribers; the snapshot is
 * always empty. {@link #holdSubscriptions} makes subscriptions wait until {@link #releaseSubscriptions}.
 */
final class FakeFeed implements ChangeFeed {

    private static final Instant CREATED = Instant.parse("2026-12-01T16:34:33Z");

    private final Map<AccountSid, List<Change>> log = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

    private record Listener(AccountSid account, Consumer<Change> consumer) {
    }

    /** Logs the account's next change and delivers it; returns its number. */
    synchronized long append(AccountSid account) {
        List<Change> changes = log.computeIfAbsent(account, a -> new ArrayList<>());
        long seq = changes.size() + 1;
        IpRecord record = new IpRecord(account, IpRecordSid.ofHex(String.format("%032x", seq)), null,
                Ipv4Address.parse("198.51.100.7"), 32, CREATED, CREATED);
        Change change = new Change(ChangeId.of(seq, null), Change.Kind.IP_RECORD_CREATED, record, null);
        changes.add(change);
        for (Listener listener : listeners) {
            if (listener.account().equals(account)) {
                listener.consumer().accept(change);
            }
        }
        return seq;
    }

    void holdSubscriptions() {
        gate = new CompletableFuture<>();
    }

    void releaseSubscriptions() {
        gate.complete(null);
    }

    @Override
    public synchronized CompletionStage<ChangeBatch> changesAfter(AccountSid account, ChangeId after, int limit) {
        List<Change> changes = log.getOrDefault(account, List.of());
        ChangeId head = changes.isEmpty() ? ChangeId.ZERO : changes.get(changes.size() - 1).id();
        List<Change> batch = changes.subList((int) Math.min(after.seq(), changes.size()),
                (int) Math.min(after.seq() + limit, changes.size()));
        return CompletableFuture.completedStage(ChangeBatch.of(head, new ArrayList<>(batch)));
    }

    @Override
    public synchronized CompletionStage<AddressSnapshot> snapshot(AccountSid account) {
        List<Change> changes = log.getOrDefault(account, List.of());
        ChangeId head = changes.isEmpty() ? ChangeId.ZERO : changes.get(changes.size() - 1).id();
        return CompletableFuture.completedStage(new AddressSnapshot(head, List.of()));
    }

    @Override
    public CompletionStage<Subscription> subscribe(AccountSid account, Consumer<Change> consumer) {
        return gate.thenApply(v -> {
            Listener listener = new Listener(account, consumer);
            listeners.add(listener);
            return () -> listeners.remove(listener);
        });
    }
}
