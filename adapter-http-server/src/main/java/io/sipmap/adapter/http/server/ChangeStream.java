package io.sipmap.adapter.http.server;

import io.sipmap.api.ChangeFeed;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeBatch;
import io.sipmap.domain.ChangeId;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One open {@code GET /sipmap/v1/Changes}: its response, the id of the last change it sent, and the queue of
 * changes fanned out to it ({@link ChangeStreams}) that it has not sent yet.
 *
 * <p>It starts by replaying, from the feed's log in batches, the changes after the id it starts from (the log checks
 * its nonce once, on the first read: later reads follow changes this stream got from the log), each batch
 * once the connection has taken the previous one; then it sends what the fan-out queued, skipping what the replay
 * already sent. A queued change further ahead than the next number (the join between replay and subscription, or a
 * subscription that lagged) sends it back to the log for the gap. The queue holds at most
 * {@link SipmapServerOptions.Feed#bufferedEvents()} changes: a subscriber whose connection takes them more slowly than
 * they come is sent {@code reset} and closed, rather than holding memory without bound. A log that no longer reaches
 * back to its number gets {@code reset} too.
 *
 * <p>It ends, cleanly, when the credentials that opened it stop authenticating (a key revoked or removed, a secret
 * changed; {@link Credentials#authenticates}): from its start it listens to the credentials' changes, which are rare,
 * so no request or change pays for the check.
 *
 * <p>Everything but {@link #offer} and the credentials' listener runs on the request's context; {@link #offer} comes
 * from the account's fan-out and only queues, the listener only checks and hops to the context.
 */
final class ChangeStream {

    private static final System.Logger LOG = System.getLogger(ChangeStream.class.getName());
    /** How many changes one read of the log brings. */
    static final int REPLAY_BATCH = 500;
    /** How long a closed stream's connection may take to send the last bytes before it is cut. */
    private static final long CLOSE_GRACE_MILLIS = 5000;

    private enum State { STARTING, REPLAYING, LIVE, CLOSED }

    private final AccountSid account;
    private final Credentials.Principal principal;
    private final Credentials credentials;
    private final ChangeStreams streams;
    private final ChangeFeed feed;
    private final Vertx vertx;
    private final Context context;
    private final HttpServerResponse response;
    private final HttpConnection connection;
    private final ChangeEvents.Writers writers;
    private final int capacity;
    private final long keepAliveMillis;

    // under this stream's monitor: written by the fan-out, read here
    private final ArrayDeque<ChangeEvents.Event> queue = new ArrayDeque<>();
    private boolean overflowed;
    private boolean scheduled;
    private ChangeId latestOffered = ChangeId.ZERO;

    // on the request's context only
    private State state = State.STARTING;
    private ChangeId sent;
    private long lastWrite = System.nanoTime();
    private long keepAliveTimer = -1;
    /** Stops listening to the credentials' changes; null until the stream starts. */
    private Runnable unwatch;

    ChangeStream(Credentials.Principal principal, Credentials credentials, ChangeStreams streams, Vertx vertx,
                 HttpServerResponse response, HttpConnection connection, ChangeEvents.Writers writers,
                 SipmapServerOptions.Feed options) {
        this.account = principal.account();
        this.principal = principal;
        this.credentials = credentials;
        this.streams = streams;
        this.feed = streams.feed();
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.response = response;
        this.connection = connection;
        this.writers = writers;
        this.capacity = options.bufferedEvents();
        this.keepAliveMillis = options.keepAlive().toMillis();
    }

    AccountSid account() {
        return account;
    }

    /** Leaves the account's subscribers if the client goes before the stream has started, or at any time after. */
    void watchClose() {
        response.closeHandler(v -> closed());
    }

    /**
     * Begins the stream after change {@code after}: the head, the retry advice, the replay; on the request's context,
     * once the stream has {@linkplain ChangeStreams#join joined} its account.
     */
    void start(ChangeId after) {
        if (state != State.STARTING) {
            return; // closed before it could start
        }
        sent = after;
        connection.shutdownHandler(v -> finish(null, false)); // the server stops: end the stream cleanly
        Answers.beginStream(response, ChangeEvents.RETRY);
        keepAliveTimer = vertx.setPeriodic(keepAliveMillis, id -> keepAlive());
        unwatch = credentials.onChange(this::credentialsChanged);
        // a change between the request's authentication and the line above told no one: check once now
        credentialsChanged();
        replay(after);
    }

    /**
     * The credentials changed: when those that opened this stream no longer authenticate, ends it; the client's
     * reconnection authenticates anew, and is refused. The connection stays: a keep-alive request on it authenticates
     * too, and over HTTP/2 it may carry the streams of other credentials. Any thread.
     */
    private void credentialsChanged() {
        if (!credentials.authenticates(principal)) {
            context.runOnContext(v -> finish(null, false));
        }
    }

    /** The fan-out's changes, in number order; queued, or an overflow noted. Any thread. */
    void offer(List<ChangeEvents.Event> events) {
        synchronized (this) {
            if (overflowed) {
                return;
            }
            for (ChangeEvents.Event event : events) {
                latestOffered = event.seq() > latestOffered.seq() ? event.change.id() : latestOffered;
                if (queue.size() >= capacity) {
                    overflowed = true;
                    queue.clear();
                    break;
                }
                queue.add(event);
            }
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        context.runOnContext(v -> {
            synchronized (this) {
                scheduled = false;
            }
            drain();
        });
    }

    /** Sends what is queued while the connection takes it; on the request's context. */
    private void drain() {
        if (state != State.LIVE) {
            return; // the replay drains when it is done; a closed stream sends nothing
        }
        ChangeId overflowAt;
        synchronized (this) {
            overflowAt = overflowed ? latestOffered : null;
        }
        if (overflowAt != null) {
            reset(overflowAt.seq() >= sent.seq() ? overflowAt : sent, true);
            return;
        }
        while (!response.writeQueueFull()) {
            ChangeEvents.Event event;
            synchronized (this) {
                event = queue.poll();
            }
            if (event == null) {
                return;
            }
            if (event.seq() <= sent.seq()) {
                continue; // the replay sent it
            }
            if (event.seq() > sent.seq() + 1) {
                synchronized (this) {
                    queue.addFirst(event);
                }
                replay(); // a gap: the log has it
                return;
            }
            write(event.bytes(writers));
            sent = event.change.id();
        }
        response.drainHandler(v -> drain());
    }

    /** Reads the log after the last change sent and sends it, a batch at a time, then goes live. */
    private void replay() {
        // by number alone: the log's own change, whose row a long-lived stream may outlive in a pruned log
        replay(ChangeId.of(sent.seq(), null));
    }

    private void replay(ChangeId after) {
        state = State.REPLAYING;
        feed.changesAfter(account, after, REPLAY_BATCH).whenComplete((batch, failure) ->
                context.runOnContext(v -> replayed(batch, failure)));
    }

    private void replayed(ChangeBatch batch, Throwable failure) {
        if (state == State.CLOSED) {
            return;
        }
        if (failure != null) {
            // the client resumes from the last id it got, after the retry period
            LOG.log(System.Logger.Level.WARNING, "Change feed: could not read the log; ending a stream", failure);
            finish(null, false);
            return;
        }
        if (batch.tooOld()) {
            reset(batch.head(), false);
            return;
        }
        for (Change change : batch.changes()) {
            if (change.seq() == sent.seq() + 1) {
                write(ChangeEvents.encode(change, writers));
                sent = change.id();
            }
        }
        if (batch.changes().isEmpty()) {
            state = State.LIVE;
            drain();
        } else if (response.writeQueueFull()) {
            response.drainHandler(v -> replay());
        } else {
            replay();
        }
    }

    private void write(byte[] frame) {
        lastWrite = System.nanoTime();
        Answers.streamed(response, frame);
    }

    /** Each keep-alive period, a comment if quiet for half of it or more: no stream is silent for 1.5 periods. */
    private void keepAlive() {
        if (state == State.CLOSED || response.writeQueueFull()) {
            return;
        }
        if (System.nanoTime() - lastWrite >= keepAliveMillis * 500_000L) {
            write(ChangeEvents.KEEP_ALIVE);
        }
    }

    /** Ends the stream with a reset to {@code at}, counted; as {@link #finish}. */
    private void reset(ChangeId at, boolean cut) {
        streams.countReset();
        finish(ChangeEvents.reset(at), cut);
    }

    /**
     * Ends the stream, with {@code last} as its last frame when not null, and leaves the account's subscribers; when
     * {@code cut}, closes the connection too once the end is sent or after a grace period, for a client too slow to
     * take it.
     */
    void finish(byte[] last, boolean cut) {
        if (state == State.CLOSED) {
            return;
        }
        closed();
        if (response.closed() || response.ended()) {
            return;
        }
        if (cut) {
            // the connection closes as soon as the end has gone out, before the client can reuse it for a request that
            // a late close would cut; a client that does not read never lets the end go out, and is closed after the
            // grace
            long timer = vertx.setTimer(CLOSE_GRACE_MILLIS, id -> connection.close());
            Answers.endStream(response, last).onComplete(ar -> {
                vertx.cancelTimer(timer);
                connection.close();
            });
        } else {
            Answers.endStream(response, last);
        }
    }

    /** The connection closed, or the stream ended: stop everything. */
    private void closed() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (keepAliveTimer >= 0) {
            vertx.cancelTimer(keepAliveTimer);
        }
        if (unwatch != null) {
            unwatch.run();
        }
        streams.leave(this);
        synchronized (this) {
            queue.clear();
        }
    }
}
