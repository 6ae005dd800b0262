package io.sipmap.adapter.http.client;

import io.sipmap.api.SipDomainResolver;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.PrefixIndex;
import io.sipmap.domain.ReplicaIndex;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A {@link SipDomainResolver} that answers from a replica of one account's resolutions in this process: a
 * {@link ReplicaIndex} loaded from the server's address export ({@code GET /sipmap/v1/Exports/Addresses}) and kept
 * current by a {@link ChangeFollower}, so a SIP edge resolves in nanoseconds without a request per call. Made by
 * {@link SipmapClient#liveResolver}; a sipmap server extension (against Twilio {@link #ready()} fails with
 * {@code NotFound}). A new export's index replaces the old one whole; meanwhile, and while the server is unreachable,
 * the replica answers from what it has, and {@link #state()} says where it is.
 *
 * <p>Consistency: a resolution reads one published index, never half a change. The replica lags the server by the
 * feed's latency, except for mapping writes made through the same {@link SipmapClient}: a resolution that starts after
 * such a write completed waits (asynchronously, at most the wait bound) until the replica holds it, so a program reads
 * its own writes, as the {@link SipDomainResolver} contract asks. Not arrived within the bound, a replica following
 * the feed answers what it holds (another writer changed that mapping since); one reconnecting or reloading fails with
 * {@code Unavailable}, as does a resolution that waited that long for the first export.
 *
 * <p>Threads: {@link #resolve} may be called from any thread and takes no lock; when nothing is pending, its stage is
 * already complete. Changes are applied, and writes checked, on the follower's context. After {@link #close()},
 * resolutions fail with {@code Unavailable}.
 */
public final class LiveSipDomainResolver implements SipDomainResolver, AutoCloseable {

    static final String EXPORT = "/sipmap/v1/Exports/Addresses";

    /** An export read into the index it gives, built off the event loop. */
    private record Loaded(ChangeId lastEventId, ReplicaIndex index) implements ChangeFollower.Snapshot {
    }

    /** A mapping write this client completed, which resolutions wait for until the replica holds it. */
    private final class Expectation {
        final SourceIpMappingSid mapping;
        /** The domain the write gave, or null for a delete. */
        final SipDomainSid domain;
        final CompletableFuture<Void> arrived = new CompletableFuture<>();
        long timer = -1;

        Expectation(SourceIpMappingSid mapping, SipDomainSid domain) {
            this.mapping = mapping;
            this.domain = domain;
        }

        /** On the follower's context: whether the replica now holds the write. */
        boolean met() {
            Optional<SipDomainSid> now = index.ofMapping(mapping).map(Resolution::sipDomainSid);
            return domain == null ? now.isEmpty() : now.filter(domain::equals).isPresent();
        }

        void finish() {
            if (pending.remove(this)) {
                if (timer != -1) {
                    follower.context().owner().cancelTimer(timer);
                }
                arrived.complete(null);
            }
        }
    }

    private final ClientCore core;
    private final AccountSid account;
    private final SipmapClient client;
    private final long waitMillis;
    private final Runnable unwatch;
    private final ChangeFollower<Loaded> follower;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Set<Expectation> pending = ConcurrentHashMap.newKeySet();
    private final AtomicLong applied = new AtomicLong();
    /** Written on the follower's context, read from any thread. */
    private volatile ReplicaIndex index;

    LiveSipDomainResolver(ClientCore core, SipmapClient client, LiveResolverOptions options) {
        this.core = core;
        this.account = core.account();
        this.client = client;
        this.waitMillis = options.waitBound().toMillis();
        Transport transport = core.transport();
        this.unwatch = core.watch(this::expect);
        this.follower = client.followChanges(() -> transport.read(HttpMethod.GET, EXPORT, null,
                        WireJson::addressExport, 200)
                .compose(export -> transport.vertx().executeBlocking(() -> new Loaded(export.lastEventId(),
                        new ReplicaIndex(export.lastEventId().seq(), export.entries())))), new Listener(),
                options.following());
    }

    /** The follower's listener: installs each export's index, applies each change, and checks the writes awaited. */
    private final class Listener implements ChangeFollower.Listener<Loaded> {
        @Override
        public void snapshot(Loaded loaded) {
            index = loaded.index();
            checkPending();
            ready.complete(null);
        }

        @Override
        public void change(Change change) {
            ReplicaIndex.Outcome outcome = index.apply(change);
            if (outcome != ReplicaIndex.Outcome.APPLIED) { // the follower hands over the next change only
                throw new IllegalStateException("change " + change.id() + " was " + outcome + " at " + index.seq());
            }
            applied.incrementAndGet();
            checkPending();
        }

        @Override
        public void refused(Throwable cause) {
            ready.completeExceptionally(cause);
            pending.forEach(Expectation::finish);
        }
    }

    /** The account whose index this replicates: the client's. */
    public AccountSid account() {
        return account;
    }

    /**
     * Completes, on an event loop, once the first export is loaded; fails when the server refused it for good first (no
     * feed or export, as on Twilio: {@code NotFound}; bad credentials: {@code Upstream} 401) or the replica was closed.
     */
    public CompletionStage<Void> ready() {
        return ready.copy();
    }

    /** Where the replica is now: where its follower is. */
    public ChangeFollower.State state() {
        return follower.state();
    }

    /** The number of the last change the index holds (that of the export, then of each change); -1 before. */
    public long lastEventId() {
        return Optional.ofNullable(index).map(ReplicaIndex::seq).orElse(-1L);
    }

    /** How many exports were loaded: 1 after start, one more for each reset. */
    public long snapshotsLoaded() {
        return follower.snapshotsLoaded();
    }

    /** How many change streams were opened: 1 after start, one more for each resume. */
    public long streamsOpened() {
        return follower.streamsOpened();
    }

    /** How many changes were applied from the feed since start. */
    public long changesApplied() {
        return applied.get();
    }

    /** How many IP records the index holds: the account's mapped records, as of {@link #lastEventId()}. */
    public int size() {
        return Optional.ofNullable(index).map(ReplicaIndex::size).orElse(0);
    }

    /** From the local index: a completed stage, unless the first export or an own mapping write is still on its way. */
    @Override
    public CompletionStage<Optional<Resolution>> resolve(AccountSid account, IpAddress address) {
        if (address == null || !this.account.equals(account)) {
            return core.call(account, () -> Future.failedFuture(
                    new SipmapException.InvalidParameter("IpAddress", "An IpAddress is required")));
        }
        if (state() == ChangeFollower.State.CLOSED) {
            return CompletableFuture.failedFuture(new SipmapException.Unavailable(
                    "this live resolver of " + account + " is closed", null));
        }
        if (ready.isDone() && pending.isEmpty()) {
            // refused for good: fails as ready failed
            return ready.thenApply(v -> Optional.ofNullable(index.lookup(address)));
        }
        return CompletableFuture.allOf(Stream.concat(Stream.of(ready), pending.stream().map(e -> e.arrived))
                        .toArray(CompletableFuture[]::new))
                .orTimeout(waitMillis, TimeUnit.MILLISECONDS)
                .handle((v, failure) -> {
                    boolean closed = state() == ChangeFollower.State.CLOSED;
                    Throwable cause = failure instanceof CompletionException c && c.getCause() != null
                            ? c.getCause() : failure;
                    if (!closed && (failure == null
                            || cause instanceof TimeoutException && state() == ChangeFollower.State.LIVE)) {
                        // an own write not seen in time on a live stream: another writer overwrote it first
                        return Optional.ofNullable(index.lookup(address));
                    }
                    if (cause instanceof SipmapException known) {
                        throw known;
                    }
                    throw new SipmapException.Unavailable("the live resolver of " + account + (closed ? " is closed"
                            : ready.isDone() ? " has not received this client's last mapping write within "
                            + waitMillis + " ms (state " + state() + ", last event " + lastEventId() + ")"
                            : " has not loaded its first snapshot within " + waitMillis + " ms (state " + state()
                            + ")"), cause);
                });
    }

    /** Stops the follower, its stream and timers. Idempotent; returns at once. */
    @Override
    public void close() {
        follower.close();
        unwatch.run();
        client.forget(this);
        ready.completeExceptionally(new SipmapException.Unavailable(
                "the live resolver of " + account + " was closed before its first snapshot", null));
        pending.forEach(Expectation::finish);
    }

    // ---- read your own writes (called by the client's resources, on any thread, before their stage completes) ----

    private void expect(SourceIpMappingSid mapping, SipDomainSid domain) {
        ChangeFollower.State now = state();
        if (now == ChangeFollower.State.CLOSED || now == ChangeFollower.State.FAILED) {
            return;
        }
        Expectation e = new Expectation(mapping, domain);
        pending.add(e);
        follower.context().runOnContext(v -> {
            if (state() == ChangeFollower.State.CLOSED || index != null && e.met()) {
                e.finish();
            } else if (!e.arrived.isDone()) {
                e.timer = follower.context().owner().setTimer(waitMillis, id -> {
                    // Not seen in time: usually another writer overwrote it first; the replica answers what it has.
                    e.timer = -1;
                    if (state() == ChangeFollower.State.LIVE) {
                        e.finish();
                    } else if (pending.remove(e)) {
                        e.arrived.completeExceptionally(new SipmapException.Unavailable("the live resolver of "
                                + account + " did not receive mapping write " + mapping + " (state " + state() + ")",
                                null));
                    }
                });
            }
        });
    }

    /** On the follower's context, after each snapshot and change. */
    private void checkPending() {
        pending.stream().filter(Expectation::met).forEach(Expectation::finish);
    }

    @Override
    public String toString() {
        return "LiveSipDomainResolver[" + account + ", " + state() + ", last event " + lastEventId() + ", " + size()
                + " records]";
    }
}
