package io.sipmap.adapter.http.client;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.SipmapException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Follows one account's change feed ({@code GET /sipmap/v1/Changes}, server-sent events) from a snapshot of its
 * state, for the live replica, the Kamailio bridge and any other consumer. Made by {@link SipmapClient#followChanges}.
 *
 * <p>It loads a snapshot with its loader (any export: it only needs the {@link ChangeId} the export reflects), hands it
 * to the {@link Listener}, opens the feed with {@code Last-Event-ID} set to that id, and hands over each change after
 * it as a {@link Change}, strictly in sequence, each once. A stream that drops, is refused, or stays silent longer than
 * the stall timeout (the server sends a keep-alive every 15 s) is resumed with the whole id of the last change handed
 * over (so that a server can tell a history it did not write), after the back-off of its {@link FollowerOptions},
 * never shorter than the stream's {@code retry:} (capped at a minute). The snapshot is loaded and handed over again
 * after {@code event: reset}, a missing change number, or an event it cannot use (an unknown type, data that does not
 * read, a listener that throws): loads are at least a second apart and backed off, never a loop. Reads are bounded:
 * 1 MiB a line or an event, 4 KiB of a refusal's body.
 *
 * <p>Threads: everything happens on one Vert.x context ({@link #context()}), the one current when it was made or a
 * new event-loop context; the loader and the listener are called there, one call at a time. {@link #state()},
 * {@link #lastEventId()} and the counters may be read, and {@link #close()} called, from any thread. No log record
 * carries the credentials.
 *
 * @param <S> what the loader gives
 */
public final class ChangeFollower<S extends ChangeFollower.Snapshot> implements AutoCloseable {

    static final String CHANGES = "/sipmap/v1/Changes";
    /** The longest line, and the most data of one event, a stream may send. */
    static final int MAX_EVENT_BYTES = 1 << 20;
    /** How much of a refusal's body (an error, a page that is not the feed) is read, for the warning. */
    static final int ERROR_BODY_BYTES = 4096;
    /** A server's {@code retry:} is honoured up to this, so that no value can stop the follower reconnecting. */
    static final long MAX_SERVER_RETRY_MILLIS = 60_000;
    /** A snapshot load never starts sooner than this after the last one was handed over. */
    static final long RELOAD_SPACING_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final System.Logger LOG = System.getLogger(ChangeFollower.class.getName());

    public enum State {
        /** Loading the first snapshot. */
        STARTING,
        /** A snapshot is loaded (again); opening the change stream. */
        CONNECTING,
        /** Following the change feed. */
        LIVE,
        /** The stream dropped, or could not be opened: reconnecting after the back-off. */
        RECONNECTING,
        /** Loading the snapshot again (told to reset, a change went missing or could not be used). */
        RELOADING,
        /** The server refused the first snapshot for good; see {@link Listener#refused}. */
        FAILED,
        CLOSED
    }

    /** What a loader gives: an export, or whatever its consumer makes of one, and the id of the last change in it. */
    public interface Snapshot {
        ChangeId lastEventId();
    }

    /** Receives what the follower reads, on its context, one call at a time, in order. */
    public interface Listener<S> {
        /** A snapshot, loaded first and again after a reset or a gap: the changes that follow start from it. */
        void snapshot(S snapshot);

        /**
         * The next change after the snapshot or the change before: number {@code seq() + 1}; a mapping's carries its
         * record's prefix ({@link Change#ipRecordPrefix()}).
         */
        void change(Change change);

        /**
         * The server refused the first snapshot for good: {@code NotFound} or {@code InvalidParameter}, or an answer
         * 400, 401, 403 or 404 (no such extension, as against Twilio; bad credentials). The follower has stopped.
         */
        default void refused(Throwable cause) {
        }
    }

    private final AccountSid account;
    private final Transport transport;
    private final Context context;
    private final HttpClientAgent http;
    private final Supplier<Future<S>> loader;
    private final Listener<S> listener;
    private final RetryPolicy backoff;
    private final long stallMillis;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    // Read from any thread.
    private volatile State state = State.STARTING;
    private volatile ChangeId last;
    private final AtomicLong snapshots = new AtomicLong();
    private final AtomicLong streams = new AtomicLong();

    // The context's own.
    /** Bumped by each load and stream, so that callbacks of an abandoned one do nothing. */
    private long generation;
    private HttpClientResponse response;
    private int failures;
    /** Loads in a row that a stream undid before it delivered a change (a reset, a gap, an event unusable). */
    private int reloads;
    private long loadedNanos = System.nanoTime() - RELOAD_SPACING_NANOS;
    private long serverRetryMillis = -1;
    private long timer = -1;
    /** Checks that the open stream still delivers something (data or a keep-alive comment); -1 without a stream. */
    private long watchdog = -1;
    private long lastReceivedNanos;

    ChangeFollower(ClientCore core, HttpClientAgent http, FollowerOptions options, Supplier<Future<S>> loader,
                   Listener<S> listener, Runnable onClose) {
        this.account = core.account();
        this.transport = core.transport();
        this.context = transport.vertx().getOrCreateContext();
        this.http = http;
        this.loader = Objects.requireNonNull(loader, "loader");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.backoff = options.backoff(transport.retry());
        this.stallMillis = options.stallTimeout().toMillis();
        this.onClose = onClose;
        context.runOnContext(v -> load());
    }

    public State state() {
        return closed.get() ? State.CLOSED : state;
    }

    /** The id of the last change handed over, or of the snapshot before any; null before the first snapshot. */
    public ChangeId lastEventId() {
        return last;
    }

    /** How many snapshots were handed over: 1 after start, one more for each reload. */
    public long snapshotsLoaded() {
        return snapshots.get();
    }

    /** How many change streams were opened: 1 after start, one more for each resume. */
    public long streamsOpened() {
        return streams.get();
    }

    /** The Vert.x context its listener and loader run on: a consumer keeps its own state there, unlocked. */
    public Context context() {
        return context;
    }

    /**
     * The wait before try {@code failures + 1} of something that failed {@code failures} times in a row, as the
     * follower waits before it reconnects: its options' back-off, jittered. For a consumer's own retries (a bridge's
     * file writes and reloads), so that one back-off, configured once, governs all.
     */
    public Duration backoff(int failures) {
        return Duration.ofMillis(backoff.jitteredMillis(Math.max(1, failures), -1));
    }

    /** Stops the stream, the timers and the follower's HTTP client. Idempotent; returns at once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        state = State.CLOSED;
        onClose.run();
        context.runOnContext(v -> {
            stop();
            http.close();
        });
    }

    /** Loads the snapshot again, no sooner than a second after the last one was handed over (see the class doc). */
    private void reload() {
        long sinceLoaded = System.nanoTime() - loadedNanos;
        if (sinceLoaded >= RELOAD_SPACING_NANOS) {
            reloads = 0;
            load();
            return;
        }
        reloads++;
        stop();
        state = State.RELOADING;
        schedule(Math.max(waitMillis(), TimeUnit.NANOSECONDS.toMillis(RELOAD_SPACING_NANOS - sinceLoaded)),
                this::load);
    }

    private void load() {
        if (closed.get()) {
            return;
        }
        long gen = stop();
        if (snapshots.get() > 0) {
            state = State.RELOADING;
        }
        Future<S> loading;
        try {
            loading = loader.get();
        } catch (RuntimeException e) {
            loading = Future.failedFuture(e);
        }
        loading.onComplete(ar -> context.runOnContext(v -> {
            if (gen != generation || closed.get()) {
                return;
            }
            Throwable failure = ar.failed() ? ar.cause() : taken(ar.result());
            if (failure == null) {
                connect();
            } else if (snapshots.get() == 0 && refusedForGood(failure)) {
                state = State.FAILED;
                listener.refused(failure);
            } else {
                LOG.log(Level.WARNING, "sipmap change follower of {0}: the snapshot was not loaded, retrying: {1}",
                        account, failure.toString());
                failures++;
                schedule(waitMillis(), this::load);
            }
        }));
    }

    /** Hands the snapshot over; the listener's failure, or null. */
    private Throwable taken(S snapshot) {
        // counted before the listener publishes it: whoever sees the snapshot's data sees it counted
        snapshots.incrementAndGet();
        try {
            listener.snapshot(snapshot);
        } catch (RuntimeException e) {
            snapshots.decrementAndGet();
            return e;
        }
        last = snapshot.lastEventId();
        loadedNanos = System.nanoTime();
        state = State.CONNECTING;
        return null;
    }

    private static boolean refusedForGood(Throwable cause) {
        return cause instanceof SipmapException.NotFound || cause instanceof SipmapException.InvalidParameter
                || cause instanceof SipmapException e
                && e.remote().filter(r -> Set.of(400, 401, 403, 404).contains(r.status())).isPresent();
    }

    private void connect() {
        if (closed.get()) {
            return;
        }
        long gen = ++generation;
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(transport.resolve(CHANGES))
                .putHeader("Authorization", transport.authorization())
                .putHeader("Accept", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("User-Agent", transport.userAgent())
                .putHeader("Last-Event-ID", last.toString())
                .setConnectTimeout(transport.connectTimeoutMillis())
                .setIdleTimeout(stallMillis);
        // made on the context, so its callbacks run there, and at once: a hop would miss a body that ends quickly
        http.request(request)
                .compose(HttpClientRequest::send)
                .onComplete(ar -> {
                    if (gen != generation || closed.get()) {
                        if (ar.succeeded()) {
                            ar.result().request().reset();
                        }
                    } else if (ar.failed()) {
                        dropped(gen, ar.cause());
                    } else {
                        opened(gen, ar.result());
                    }
                });
    }

    private void opened(long gen, HttpClientResponse r) {
        String type = r.getHeader("Content-Type");
        if (r.statusCode() != 200 || type == null || !type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
            start(r, ERROR_BODY_BYTES).onComplete(body -> context.runOnContext(v -> {
                if (gen != generation || closed.get()) {
                    return;
                }
                LOG.log(Level.WARNING, "sipmap change follower of {0}: GET {1} answered HTTP {2} ({3}): {4}",
                        account, CHANGES, r.statusCode(), type, RemoteErrors.snippet(body.result()));
                reconnect(Transport.retryAfterMillis(r.getHeader("Retry-After")));
            }));
            return;
        }
        response = r;
        streams.incrementAndGet();
        state = State.LIVE;
        failures = 0;
        EventStreamParser parser = new EventStreamParser(event -> received(gen, event), MAX_EVENT_BYTES);
        lastReceivedNanos = System.nanoTime();
        // the request's idle timeout only covers the wait for the answer's head, not a body that goes quiet
        watchdog = context.owner().setPeriodic(Math.max(10, stallMillis / 4), id -> {
            if (gen == generation && System.nanoTime() - lastReceivedNanos > TimeUnit.MILLISECONDS.toNanos(
                    stallMillis)) {
                dropped(gen, new TimeoutException("nothing received for " + stallMillis + " ms"));
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
    }

    /**
     * At most {@code max} bytes from the start of a body that is not the feed, for the warning; a body that goes on has
     * its connection closed rather than read, whatever its size (a URL that answers an endless page, say).
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

    private void received(long gen, EventStreamParser.Event event) {
        if (gen != generation || closed.get()) {
            return;
        }
        if (event.type().equals("reset")) {
            LOG.log(Level.INFO, "sipmap change follower of {0}: the server cannot resume after event {1} ({2});"
                    + " loading the snapshot again", account, last, event.data());
            reload();
            return;
        }
        ChangeId id;
        try {
            id = ChangeId.parse("id", event.id());
        } catch (SipmapException.InvalidParameter e) {
            id = null;
        }
        if (id != null && id.seq() <= last.seq()) {
            return; // handed over already: a resumed stream repeating itself
        }
        String unusable = id == null ? "an event without a valid id (" + event.id() + ")"
                : id.seq() != last.seq() + 1 ? "change " + id + " came after " + last : null;
        Change read = null;
        if (unusable == null) {
            try {
                read = WireJson.change(id, event.type(), event.data(), account);
            } catch (RuntimeException e) {
                unusable = "change " + id + " (" + event.type() + ") does not read: " + e.getMessage();
            }
        }
        if (unusable == null) {
            try {
                listener.change(read);
            } catch (RuntimeException e) {
                unusable = "change " + id + " was not taken: " + e;
            }
        }
        if (unusable != null) {
            LOG.log(Level.WARNING, "sipmap change follower of {0}: {1}; loading the snapshot again", account,
                    unusable);
            reload();
            return;
        }
        last = id;
        reloads = 0;
    }

    private void dropped(long gen, Throwable cause) {
        if (gen != generation || closed.get()) {
            return;
        }
        LOG.log(Level.INFO, "sipmap change follower of {0}: the change stream ended ({1}); resuming after event {2}",
                account, cause == null ? "closed by the server" : cause.toString(), last);
        reconnect(-1);
    }

    private void reconnect(long floorMillis) {
        stop();
        state = State.RECONNECTING;
        failures++;
        schedule(Math.max(floorMillis, waitMillis()), this::connect);
    }

    private long waitMillis() {
        return backoff.jitteredMillis(Math.max(1, Math.max(failures, reloads)), serverRetryMillis);
    }

    private void schedule(long millis, Runnable action) {
        timer = cancel(timer);
        timer = context.owner().setTimer(Math.max(1, millis), id -> {
            timer = -1;
            if (!closed.get()) {
                action.run();
            }
        });
    }

    /** Cancels timer {@code id} unless it is -1 (none); returns -1, for the field that held it. */
    private long cancel(long id) {
        if (id != -1) {
            context.owner().cancelTimer(id);
        }
        return -1;
    }

    /** Abandons the stream and the timers; returns the new generation, which their callbacks no longer match. */
    private long stop() {
        long gen = ++generation;
        timer = cancel(timer);
        watchdog = cancel(watchdog);
        HttpClientResponse r = response;
        response = null;
        if (r != null) {
            r.handler(null);
            r.endHandler(null);
            r.exceptionHandler(null);
            r.request().reset();
        }
        return gen;
    }

    @Override
    public String toString() {
        return "ChangeFollower[" + account + ", " + state() + ", last event " + last + "]";
    }
}
