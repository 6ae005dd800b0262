package io.sipmap.adapter.http.client;

import io.sipmap.api.SipDomainResolver;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Ipv4Prefix;
import io.sipmap.domain.PrefixIndex;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link SipDomainResolver} that answers from a replica of one account's resolution index in this process: a
 * {@link PrefixIndex} loaded from the sipmap server's address export ({@code GET /sipmap/v1/Exports/Addresses}) and
 * kept current from its change feed ({@code GET /sipmap/v1/Changes}, server-sent events), so a SIP edge resolves in
 * nanoseconds without a request per call. Made by {@link SipmapClient#liveResolver}; a sipmap server extension, which
 * Twilio lacks (against Twilio {@link #ready()} fails with {@code NotFound}).
 *
 * <h2>How it stays current</h2>
 * It loads the export, which reflects exactly the account's changes 1..n, then follows the feed with
 * {@code Last-Event-ID: n}, applying each change strictly in sequence order, each once. A dropped or stalled stream is
 * resumed from the last change applied, after a back-off ({@link LiveResolverOptions}), so nothing is lost or applied
 * twice. When the server says {@code event: reset} (the replica was further behind than the server keeps changes), or
 * a change is missing from the sequence, the replica loads the export again; meanwhile it keeps answering from the
 * index it had, and the new index replaces it whole. A mapping that names an IP record the replica has not seen (one
 * created and left unmapped before the export) costs one {@code GET} of that record, in sequence.
 *
 * <h2>Consistency</h2>
 * A resolution reads one published index: never half a change, never a state between two snapshots. The replica lags
 * the server by the feed's latency (milliseconds on a LAN; see the README), with one exception: a mapping write made
 * through the same {@link SipmapClient} is waited for. A resolution that starts after such a write completed waits
 * (asynchronously, at most the wait bound) until the replica holds it, so a program reads its own writes, as the
 * {@link SipDomainResolver} contract asks. When such a write has not arrived within the wait bound, a replica
 * following the feed answers from what it holds (another writer changed that mapping first, so the write is no longer
 * visible anyway); one that is not (reconnecting, reloading) fails the resolution with {@code Unavailable}. Writes of
 * other clients and processes are seen when the feed brings them. A resolution before the first export is loaded
 * waits for it, at most the wait bound, then fails with {@code Unavailable}. A replica whose server is unreachable
 * keeps answering from what it has, and {@link #state()} says so.
 *
 * <h2>Threads</h2>
 * {@link #resolve} may be called from any thread and takes no lock; when nothing is pending, its stage is already
 * complete. The replica applies changes on one Vert.x context. {@link #close()} stops the stream, the timers and the
 * replica's HTTP client; resolutions after it fail with {@code Unavailable}.
 */
public final class LiveSipDomainResolver implements SipDomainResolver, AutoCloseable {

    static final String CHANGES = "/sipmap/v1/Changes";
    static final String EXPORT = "/sipmap/v1/Exports/Addresses";
    /** The longest line, and the most data of one event, a stream may send. */
    static final int MAX_EVENT_BYTES = 1 << 20;
    /** How much of a refusal's body (an error, a page that is not the feed) is read, for the warning. */
    static final int ERROR_BODY_BYTES = 4096;
    /** A server's {@code retry:} is honoured up to this, so that no value can stop the replica reconnecting. */
    static final long MAX_SERVER_RETRY_MILLIS = 60_000;
    /** An export load never starts sooner than this after the last one was installed. */
    static final long RELOAD_SPACING_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    /** Events queued behind a fetch before the stream is paused (TCP then holds the server back). */
    private static final int HIGH_WATER = 4096;
    private static final System.Logger LOG = System.getLogger(LiveSipDomainResolver.class.getName());

    /** Where the replica is. */
    public enum State {
        /** Loading the first export; resolutions wait for it. */
        STARTING,
        /** The export is loaded (again); opening the change stream. */
        CONNECTING,
        /** Following the change feed. */
        LIVE,
        /** The stream dropped, or could not be opened: answering from the last change applied, reconnecting. */
        RECONNECTING,
        /** Loading the export again (told to reset, or a change went missing); answering from the previous index. */
        RELOADING,
        /** The server refused it before the first export (no such extension, bad credentials); see {@link #ready()}. */
        FAILED,
        /** {@link #close()} was called. */
        CLOSED
    }

    private record Mapped(IpRecordSid ipRecord, SipDomainSid domain) {
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

        /** On the context: whether the replica now holds the write. */
        boolean met() {
            Mapped now = mappings.get(mapping);
            return domain == null ? now == null : now != null && now.domain().equals(domain);
        }

        void finish() {
            if (pending.remove(this)) {
                if (timer != -1) {
                    vertx.cancelTimer(timer);
                }
                arrived.complete(null);
            }
        }
    }

    private final ClientCore core;
    private final Transport transport;
    private final Vertx vertx;
    private final Context context;
    private final HttpClientAgent http;
    private final LiveResolverOptions options;
    private final RetryPolicy backoff;
    private final Runnable unregister;

    // Read from any thread.
    private volatile PrefixIndex<IpRecordSid, Resolution> index = new PrefixIndex<>();
    private volatile long lastEventId = -1;
    /** The id of {@link #lastEventId} as the server wrote it, tag included: what the stream resumes with. */
    private volatile String resumeId;
    private volatile State state = State.STARTING;
    /** Why the server refused the replica for good, once {@link State#FAILED}. */
    private volatile Throwable refusal;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Set<Expectation> pending = ConcurrentHashMap.newKeySet();
    private final AtomicLong snapshots = new AtomicLong();
    private final AtomicLong streams = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();

    // The context's own.
    private final Map<SourceIpMappingSid, Mapped> mappings = new HashMap<>();
    private final Map<IpRecordSid, Ipv4Prefix> prefixes = new HashMap<>();
    private final ArrayDeque<EventStreamParser.Event> queue = new ArrayDeque<>();
    private boolean applying;
    /** A change whose IP record was deleted since, waiting for that deletion to come through the queue, or null. */
    private Fetch awaiting;
    private HttpClientResponse response;
    private boolean paused;
    /** Bumped by each export load and stream, so that callbacks of an abandoned one do nothing. */
    private long generation;
    /** Bumped by each export load, so that a fetch begun before it does not apply to the new index. */
    private long exports;
    private int failures;
    /** Export loads in a row that a stream undid before it applied any change (a reset, a gap, a change unread). */
    private int reloads;
    /** When the last export was installed, to space out a reload that follows it at once. */
    private long installedNanos = System.nanoTime() - RELOAD_SPACING_NANOS;
    private long serverRetryMillis = -1;
    /** Set once by {@link #close}, from any thread: the state never leaves {@link State#CLOSED} after it. */
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private long timer = -1;
    /** Checks that the open stream still delivers something (data or a keep-alive comment); -1 without a stream. */
    private long watchdog = -1;
    private long lastReceivedNanos;

    LiveSipDomainResolver(ClientCore core, HttpClientAgent http, LiveResolverOptions options, Runnable unregister) {
        this.core = core;
        this.transport = core.transport();
        this.vertx = transport.vertx();
        this.context = vertx.getOrCreateContext();
        this.http = http;
        this.options = options;
        this.backoff = options.backoff(transport.retry());
        this.unregister = unregister;
        context.runOnContext(v -> loadExport());
    }

    /** The account whose index this replicates: the client's. */
    public AccountSid account() {
        return core.account();
    }

    /**
     * Completes once the first export is loaded; fails when the server refused it for good before that (the server
     * has no change feed or export, as Twilio has none: {@code NotFound}; bad credentials: {@code Upstream} with
     * status 401), or the replica was closed first. Completes on a Vert.x event loop.
     */
    public CompletionStage<Void> ready() {
        return ready.copy();
    }

    /** Where the replica is now. */
    public State state() {
        return closed.get() ? State.CLOSED : state;
    }

    /** The sequence number of the last change the index holds (that of the export, then of each change); -1 before. */
    public long lastEventId() {
        return lastEventId;
    }

    /** How many exports were loaded: 1 after start, one more for each reset. */
    public long snapshotsLoaded() {
        return snapshots.get();
    }

    /** How many change streams were opened: 1 after start, one more for each resume. */
    public long streamsOpened() {
        return streams.get();
    }

    /** How many changes were applied from the feed since start. */
    public long changesApplied() {
        return applied.get();
    }

    /** How many IP records the index holds: the account's mapped records, as of {@link #lastEventId()}. */
    public int size() {
        return index.size();
    }

    /**
     * Where {@code address} belongs, from the local index: a completed stage, unless the replica has not loaded its
     * first export yet or a mapping write of this client is still on its way (then at most the wait bound later).
     */
    @Override
    public CompletionStage<Optional<Resolution>> resolve(AccountSid account, Ipv4Address address) {
        if (address == null || !core.account().equals(account)) {
            return core.call(account, () -> Future.failedFuture(
                    new SipmapException.InvalidParameter("IpAddress", "An IpAddress is required")));
        }
        State now = state();
        if (now != State.STARTING && now != State.FAILED && now != State.CLOSED && pending.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.ofNullable(index.lookup(address.bits())));
        }
        if (now == State.CLOSED) {
            return CompletableFuture.failedFuture(new SipmapException.Unavailable(
                    "this live resolver of " + core.account() + " is closed", null));
        }
        if (now == State.FAILED) {
            return CompletableFuture.failedFuture(refusal);
        }
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        waits.add(ready);
        for (Expectation e : pending) {
            waits.add(e.arrived);
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new))
                .orTimeout(options.waitBound().toMillis(), TimeUnit.MILLISECONDS)
                .handle((v, failure) -> {
                    if (failure == null && !closed.get()) {
                        return Optional.ofNullable(index.lookup(address.bits()));
                    }
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException c
                            && c.getCause() != null ? c.getCause() : failure;
                    if (cause instanceof java.util.concurrent.TimeoutException && state == State.LIVE
                            && ready.isDone() && !ready.isCompletedExceptionally()) {
                        // an own write not seen in time on a live stream: another writer overwrote it first
                        return Optional.ofNullable(index.lookup(address.bits()));
                    }
                    if (cause instanceof SipmapException known) {
                        throw known;
                    }
                    throw new SipmapException.Unavailable("the live resolver of " + core.account()
                            + (closed.get() ? " is closed"
                            : ready.isDone() ? " has not received this client's last mapping write within "
                            + options.waitBound().toMillis() + " ms (state " + state + ", last event "
                            + lastEventId + ")"
                            : " has not loaded its first snapshot within " + options.waitBound().toMillis()
                            + " ms (state " + state + ")"), cause);
                });
    }

    /** Stops the stream, the timers and this replica's HTTP client. Idempotent; returns at once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        state = State.CLOSED;
        unregister.run();
        ready.completeExceptionally(new SipmapException.Unavailable(
                "the live resolver of " + core.account() + " was closed before its first snapshot", null));
        for (Expectation e : pending) {
            e.finish();
        }
        context.runOnContext(v -> {
            generation++;
            cancelTimer();
            closeStream();
            queue.clear();
            http.close();
        });
    }

    // ---- read your own writes (called by the client's resources, on any thread, before their stage completes) ----

    void mappingWritten(SourceIpMapping mapping) {
        expect(new Expectation(mapping.sid(), mapping.sipDomainSid()));
    }

    void mappingDeleted(SourceIpMappingSid sid) {
        expect(new Expectation(sid, null));
    }

    private void expect(Expectation e) {
        if (closed.get() || state == State.FAILED) {
            return;
        }
        pending.add(e);
        context.runOnContext(v -> {
            if (e.met() || closed.get()) {
                e.finish();
            } else if (!e.arrived.isDone()) {
                e.timer = vertx.setTimer(options.waitBound().toMillis(), id -> {
                    // Not seen in time: usually another writer overwrote it first; the replica answers what it has.
                    e.timer = -1;
                    if (state == State.LIVE) {
                        e.finish();
                    } else if (pending.remove(e)) {
                        e.arrived.completeExceptionally(new SipmapException.Unavailable("the live resolver of "
                                + core.account() + " did not receive mapping write " + e.mapping + " (state " + state
                                + ")", null));
                    }
                });
            }
        });
    }

    private void checkPending() {
        for (Expectation e : pending) {
            if (e.met()) {
                e.finish();
            }
        }
    }

    // ---- the export ----

    /**
     * Loads the export again, at once unless the last one was installed less than a second ago: a server that keeps
     * answering a fresh export with a reset, a gap or a change this client cannot read then gets at most one reload a
     * second, spaced further by the back-off, never a loop of full exports.
     */
    private void reload() {
        if (System.nanoTime() - installedNanos >= RELOAD_SPACING_NANOS) {
            reloads = 0;
            loadExport();
            return;
        }
        reloads++;
        stopFollowing();
        long spacing = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(
                RELOAD_SPACING_NANOS - (System.nanoTime() - installedNanos));
        schedule(Math.max(waitMillis(), spacing), this::loadExport);
    }

    /**
     * Abandons the stream, its timer, the events queued and any record fetch awaited, before an export load; the index
     * keeps answering meanwhile. Returns the new generation, which callbacks of what was abandoned no longer match.
     */
    private long stopFollowing() {
        long gen = ++generation;
        if (awaiting != null) {
            awaiting = null;
            applying = false;
        }
        cancelTimer();
        closeStream();
        queue.clear();
        if (ready.isDone()) {
            state = State.RELOADING;
        }
        return gen;
    }

    private void loadExport() {
        if (closed.get()) {
            return;
        }
        long gen = stopFollowing();
        exports++;
        transport.read(HttpMethod.GET, EXPORT, null, WireJson::addressExport, 200)
                .compose(this::withRecordAddresses)
                .compose(export -> vertx.executeBlocking(() -> Loaded.of(export)))
                .onComplete(ar -> context.runOnContext(v -> {
                    if (gen != generation || closed.get()) {
                        return;
                    }
                    if (ar.succeeded()) {
                        install(ar.result());
                        connect();
                    } else if (!ready.isDone() && refusedForGood(ar.cause())) {
                        refusal = ar.cause();
                        state = State.FAILED;
                        ready.completeExceptionally(ar.cause());
                        for (Expectation e : pending) {
                            e.finish();
                        }
                    } else {
                        LOG.log(Level.WARNING, "sipmap live resolver of {0}: loading the export failed, retrying: {1}",
                                core.account(), ar.cause().getMessage());
                        retryLater(this::loadExport);
                    }
                }));
    }

    /**
     * The export with each record's own address, host bits included, as resolutions name it. An export that names
     * only networks is completed from the account's IP records, read page by page: a record's address never changes,
     * so reading them later than the export is still right, and a record deleted meanwhile keeps its network address
     * until the change that unmaps it arrives.
     */
    private Future<WireJson.AddressExport> withRecordAddresses(WireJson.AddressExport export) {
        if (export.recordAddresses() || export.entries().isEmpty()) {
            return Future.succeededFuture(export);
        }
        Map<IpRecordSid, Ipv4Prefix> exported = new HashMap<>();
        for (WireJson.ExportEntry e : export.entries()) {
            exported.put(e.ipRecordSid(), e.prefix());
        }
        Map<IpRecordSid, Ipv4Prefix> own = new HashMap<>();
        return Future.fromCompletionStage(new HttpIpRecords(core).stream(core.account()).forEach(r -> {
            if (exported.containsKey(r.sid())) {
                own.put(r.sid(), r.prefix());
            }
        }), context).map(count -> {
            List<WireJson.ExportEntry> entries = new ArrayList<>(export.entries().size());
            for (WireJson.ExportEntry e : export.entries()) {
                entries.add(new WireJson.ExportEntry(e.ipRecordSid(), e.mappingSid(), e.sipDomainSid(),
                        own.getOrDefault(e.ipRecordSid(), e.prefix())));
            }
            return new WireJson.AddressExport(export.lastEventId(), entries, true, export.resumeId());
        });
    }

    /** An index built from an export, off the event loop; installed whole. */
    private record Loaded(long lastEventId, PrefixIndex<IpRecordSid, Resolution> index,
                          Map<SourceIpMappingSid, Mapped> mappings, Map<IpRecordSid, Ipv4Prefix> prefixes,
                          String resumeId) {
        static Loaded of(WireJson.AddressExport export) {
            PrefixIndex<IpRecordSid, Resolution> index = new PrefixIndex<>();
            Map<SourceIpMappingSid, Mapped> mappings = new HashMap<>();
            Map<IpRecordSid, Ipv4Prefix> prefixes = new HashMap<>();
            List<PrefixIndex.Entry<IpRecordSid, Resolution>> entries = new ArrayList<>(export.entries().size());
            for (WireJson.ExportEntry e : export.entries()) {
                entries.add(new PrefixIndex.Entry<>(e.ipRecordSid(), e.prefix(),
                        new Resolution(e.sipDomainSid(), e.mappingSid(), e.ipRecordSid(), e.prefix())));
                mappings.put(e.mappingSid(), new Mapped(e.ipRecordSid(), e.sipDomainSid()));
                prefixes.put(e.ipRecordSid(), e.prefix());
            }
            index.putAll(entries);
            return new Loaded(export.lastEventId(), index, mappings, prefixes, export.resumeId());
        }
    }

    private void install(Loaded loaded) {
        mappings.clear();
        mappings.putAll(loaded.mappings());
        prefixes.clear();
        prefixes.putAll(loaded.prefixes());
        index = loaded.index();
        lastEventId = loaded.lastEventId();
        resumeId = loaded.resumeId();
        installedNanos = System.nanoTime();
        snapshots.incrementAndGet();
        state = State.CONNECTING;
        checkPending();
        ready.complete(null);
    }

    private static boolean refusedForGood(Throwable cause) {
        if (cause instanceof SipmapException.NotFound || cause instanceof SipmapException.InvalidParameter) {
            return true;
        }
        if (cause instanceof SipmapException e && e.remote().isPresent()) {
            int status = e.remote().get().status();
            return status == 400 || status == 401 || status == 403 || status == 404;
        }
        return false;
    }

    // ---- the change stream ----

    private void connect() {
        if (closed.get()) {
            return;
        }
        long gen = ++generation;
        timer = -1;
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(transport.resolve(CHANGES))
                .putHeader("Authorization", transport.authorization())
                .putHeader("Accept", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("User-Agent", transport.userAgent())
                .putHeader("Last-Event-ID", resumeId)
                .setConnectTimeout(transport.connectTimeoutMillis())
                .setIdleTimeout(options.stallTimeout().toMillis());
        http.request(request)
                .compose(HttpClientRequest::send)
                .onComplete(ar -> {
                    if (gen != generation || closed.get()) {
                        if (ar.succeeded()) {
                            ar.result().request().reset();
                        }
                        return;
                    }
                    if (ar.failed()) {
                        dropped(gen, ar.cause());
                    } else {
                        opened(gen, ar.result());
                    }
                });
    }

    /**
     * At most {@code max} bytes from the start of a body that is not the feed, for the warning: once they are read, or
     * should the body end first or fail, the future completes, and a body that goes on has its connection closed
     * rather than read, whatever its size (a URL that answers an endless page, say).
     */
    private static Future<Buffer> start(HttpClientResponse r, int max) {
        Promise<Buffer> done = Promise.promise();
        Buffer start = Buffer.buffer();
        r.exceptionHandler(e -> done.tryComplete(start));
        r.endHandler(v -> done.tryComplete(start));
        r.handler(chunk -> {
            if (done.future().isComplete()) {
                return;
            }
            start.appendBuffer(chunk, 0, Math.min(chunk.length(), max - start.length()));
            if (start.length() >= max) {
                done.tryComplete(start);
                r.request().reset();
            }
        });
        return done.future();
    }

    private void opened(long gen, HttpClientResponse r) {
        String type = r.getHeader("Content-Type");
        if (r.statusCode() != 200 || type == null || !type.toLowerCase(java.util.Locale.ROOT)
                .startsWith("text/event-stream")) {
            start(r, ERROR_BODY_BYTES).onComplete(body -> context.runOnContext(v -> {
                if (gen != generation || closed.get()) {
                    return;
                }
                String text = RemoteErrors.snippet(body.result());
                long retryAfter = Transport.retryAfterMillis(r.getHeader("Retry-After"));
                LOG.log(Level.WARNING, "sipmap live resolver of {0}: GET {1} answered HTTP {2} ({3}): {4}",
                        core.account(), CHANGES, r.statusCode(), type, text);
                generation++;
                state = State.RECONNECTING;
                failures++;
                schedule(Math.max(retryAfter, waitMillis()), this::connect);
            }));
            return;
        }
        response = r;
        streams.incrementAndGet();
        state = State.LIVE;
        failures = 0;
        EventStreamParser parser = new EventStreamParser(event -> queued(gen, event), MAX_EVENT_BYTES);
        lastReceivedNanos = System.nanoTime();
        long stallNanos = options.stallTimeout().toNanos();
        watchdog = vertx.setPeriodic(Math.max(10, options.stallTimeout().toMillis() / 4), id -> {
            if (paused) {
                lastReceivedNanos = System.nanoTime(); // not reading on purpose: not a silent server
            } else if (gen == generation && System.nanoTime() - lastReceivedNanos > stallNanos) {
                dropped(gen, new java.util.concurrent.TimeoutException("nothing received for "
                        + options.stallTimeout().toMillis() + " ms"));
            }
        });
        r.handler(buffer -> {
            if (gen != generation) {
                return;
            }
            lastReceivedNanos = System.nanoTime();
            try {
                parser.feed(buffer.getBytes());
                if (parser.retryMillis() >= 0) {
                    serverRetryMillis = Math.min(parser.retryMillis(), MAX_SERVER_RETRY_MILLIS);
                }
            } catch (IllegalStateException tooLong) {
                dropped(gen, tooLong);
            }
        });
        r.exceptionHandler(t -> dropped(gen, t));
        r.endHandler(v -> dropped(gen, null));
        checkPending();
    }

    private void dropped(long gen, Throwable cause) {
        if (gen != generation || closed.get()) {
            return;
        }
        generation++;
        closeStream();
        state = State.RECONNECTING;
        failures++;
        LOG.log(Level.DEBUG, "sipmap live resolver of {0}: change stream ended ({1}); resuming after event {2}",
                core.account(), cause == null ? "closed by the server" : cause.toString(), lastEventId);
        // Events already received stay queued and are applied; the next stream starts after the last one applied,
        // and anything it repeats is dropped by sequence number.
        schedule(waitMillis(), this::connectWhenDrained);
    }

    private void connectWhenDrained() {
        if (applying && awaiting == null) {
            // a fetch is under way; the stream resumes from what it leads to
            schedule(10, this::connectWhenDrained);
            return;
        }
        connect();
    }

    private void queued(long gen, EventStreamParser.Event event) {
        if (gen != generation) {
            return;
        }
        queue.add(event);
        if (awaiting != null) {
            // the events queued before were searched already: only this one can be the deletion awaited
            if (resolveAwaiting(List.of(event))) {
                drain();
            }
            return;
        }
        if (queue.size() >= HIGH_WATER && response != null && !paused) {
            paused = true;
            response.pause();
        }
        drain();
    }

    private void drain() {
        while (!applying && !queue.isEmpty() && !closed.get()) {
            EventStreamParser.Event event = queue.poll();
            Fetch fetch = apply(event);
            if (fetch != null) {
                applying = true;
                long epoch = exports;
                fetch.record().onComplete(ar -> context.runOnContext(v -> {
                    applying = false;
                    if (closed.get() || epoch != exports) {
                        drain(); // an export was loaded meanwhile: this change is in it, or was dropped with it
                        return;
                    }
                    if (ar.failed() && ar.cause() instanceof SipmapException.NotFound) {
                        // Deleted since (the replica is behind): its deletion, which holds its address, comes
                        // later in this same sequence. Wait for it rather than load the export again.
                        awaiting = fetch;
                        if (resolveAwaiting(queue)) {
                            drain();
                        }
                        return;
                    }
                    if (ar.failed()) {
                        LOG.log(Level.WARNING, "sipmap live resolver of {0}: reading IP record {1}, which change {2}"
                                + " maps, failed ({3}); loading the export again", core.account(),
                                fetch.mapping().ipRecordSid(), fetch.id(), ar.cause().getMessage());
                        loadExport();
                        return;
                    }
                    IpRecord record = ar.result();
                    prefixes.put(record.sid(), record.prefix());
                    putMapping(fetch.mapping(), record.prefix());
                    done(fetch.id(), fetch.eventId());
                    drain();
                }));
            }
        }
        if (queue.isEmpty() && paused && response != null) {
            paused = false;
            response.resume();
        }
    }

    /**
     * When a change maps an IP record deleted since, applies it with the address its deletion event (further on in
     * the queue) holds; true when done. The queue grows meanwhile; at the high-water mark the export is loaded
     * instead. On the context, with {@code awaiting} set and {@code applying} true; {@code candidates} are the queued
     * events not searched yet (the whole queue when the wait starts, then each event as it arrives).
     */
    private boolean resolveAwaiting(Iterable<EventStreamParser.Event> candidates) {
        Fetch fetch = awaiting;
        IpRecordSid wanted = fetch.mapping().ipRecordSid();
        for (EventStreamParser.Event e : candidates) {
            if (e.type().equals("ip_record.deleted") && e.data().contains(wanted.value())) {
                IpRecord gone;
                try {
                    gone = WireJson.ipRecord(new JsonObject(e.data()));
                } catch (RuntimeException unreadable) {
                    continue; // apply() reports it in its turn
                }
                if (gone.sid().equals(wanted)) {
                    awaiting = null;
                    applying = false;
                    prefixes.put(gone.sid(), gone.prefix());
                    putMapping(fetch.mapping(), gone.prefix());
                    done(fetch.id(), fetch.eventId());
                    return true;
                }
            }
        }
        if (queue.size() >= HIGH_WATER) {
            LOG.log(Level.WARNING, "sipmap live resolver of {0}: IP record {1}, which change {2} maps, is gone and"
                    + " its deletion not in the next {3} changes; loading the export again", core.account(), wanted,
                    fetch.id(), queue.size());
            awaiting = null;
            applying = false;
            loadExport();
        }
        return false;
    }

    /** A change that waits for the IP record its mapping names. */
    private record Fetch(Future<IpRecord> record, SourceIpMapping mapping, long id, String eventId) {
    }

    /**
     * Applies one event in sequence; null when done, or the fetch it waits for when its mapping names an IP record
     * the replica does not know. A reset, or
     * a change missing from the sequence, loads the export again.
     */
    private Fetch apply(EventStreamParser.Event event) {
        if (event.type().equals("reset")) {
            LOG.log(Level.INFO, "sipmap live resolver of {0}: the server asked for a reset after event {1};"
                    + " loading the export again", core.account(), lastEventId);
            reload();
            return null;
        }
        long id = WireJson.eventNumber(event.id());
        if (id < 0) {
            LOG.log(Level.WARNING, "sipmap live resolver of {0}: an event without a valid id ({1}); resuming",
                    core.account(), event.id());
            dropped(generation, null);
            return null;
        }
        if (id <= lastEventId) {
            return null; // already applied: a resumed stream repeating itself
        }
        if (id != lastEventId + 1) {
            LOG.log(Level.WARNING, "sipmap live resolver of {0}: change {1} came after {2}; loading the export again",
                    core.account(), id, lastEventId);
            reload();
            return null;
        }
        JsonObject data;
        try {
            data = new JsonObject(event.data());
        } catch (DecodeException e) {
            LOG.log(Level.WARNING, "sipmap live resolver of {0}: change {1} is not JSON; loading the export again",
                    core.account(), id);
            reload();
            return null;
        }
        try {
            switch (event.type()) {
                case "source_ip_mapping.created", "source_ip_mapping.updated" -> {
                    SourceIpMapping mapping = WireJson.mapping(data, core.account());
                    Ipv4Prefix prefix = prefixes.get(mapping.ipRecordSid());
                    if (prefix == null) {
                        return new Fetch(HttpIpRecords.read(transport, mapping.ipRecordSid()), mapping, id,
                                event.id());
                    }
                    putMapping(mapping, prefix);
                }
                case "source_ip_mapping.deleted" -> {
                    SourceIpMapping mapping = WireJson.mapping(data, core.account());
                    Mapped was = mappings.remove(mapping.sid());
                    IpRecordSid record = was == null ? mapping.ipRecordSid() : was.ipRecord();
                    Resolution current = index.get(record);
                    if (current != null && current.mappingSid().equals(mapping.sid())) {
                        index.remove(record);
                    }
                }
                case "ip_record.created", "ip_record.updated" -> {
                    IpRecord record = WireJson.ipRecord(data);
                    prefixes.put(record.sid(), record.prefix());
                }
                case "ip_record.deleted" -> prefixes.remove(WireJson.ipRecord(data).sid());
                default -> {
                    // a kind of change this client does not know: it cannot change resolutions it knows of
                }
            }
        } catch (SipmapException e) {
            LOG.log(Level.WARNING, "sipmap live resolver of {0}: change {1} ({2}) does not read: {3};"
                    + " loading the export again", core.account(), id, event.type(), e.getMessage());
            reload();
            return null;
        }
        done(id, event.id());
        return null;
    }

    private void putMapping(SourceIpMapping mapping, Ipv4Prefix prefix) {
        Mapped was = mappings.put(mapping.sid(), new Mapped(mapping.ipRecordSid(), mapping.sipDomainSid()));
        if (was != null && !was.ipRecord().equals(mapping.ipRecordSid())) {
            index.remove(was.ipRecord());
        }
        index.put(mapping.ipRecordSid(), prefix,
                new Resolution(mapping.sipDomainSid(), mapping.sid(), mapping.ipRecordSid(), prefix));
    }

    private void done(long id, String eventId) {
        reloads = 0;
        lastEventId = id;
        resumeId = eventId;
        applied.incrementAndGet();
        if (!pending.isEmpty()) {
            checkPending();
        }
    }

    // ---- timers and the connection ----

    private long waitMillis() {
        return backoff.jitteredMillis(Math.max(1, Math.max(failures, reloads)), serverRetryMillis);
    }

    private void retryLater(Runnable action) {
        failures++;
        schedule(waitMillis(), action);
    }

    private void schedule(long millis, Runnable action) {
        cancelTimer();
        timer = vertx.setTimer(Math.max(1, millis), id -> {
            timer = -1;
            if (!closed.get()) {
                action.run();
            }
        });
    }

    private void cancelTimer() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void closeStream() {
        if (watchdog != -1) {
            vertx.cancelTimer(watchdog);
            watchdog = -1;
        }
        HttpClientResponse r = response;
        response = null;
        paused = false;
        if (r != null) {
            r.handler(null);
            r.endHandler(null);
            r.exceptionHandler(null);
            r.request().reset();
        }
    }

    @Override
    public String toString() {
        return "LiveSipDomainResolver[" + core.account() + ", " + state + ", last event " + lastEventId + ", "
                + index.size() + " records]";
    }
}
