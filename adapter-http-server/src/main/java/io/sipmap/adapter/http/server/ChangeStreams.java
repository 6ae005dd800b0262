package io.sipmap.adapter.http.server;

import io.sipmap.api.ChangeFeed;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Change;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The subscribers of {@code GET /sipmap/v1/Changes}, by account: one subscription to the feed per account that anyone
 * follows, whatever the number of its subscribers, fanned out to them. The feed's listener only queues the change and
 * returns (a writer of the in-memory store calls it under its account's lock); the fan-out runs later on an event loop
 * of the account's, and hands each subscriber the change, encoded once ({@link ChangeEvents.Event}), into its own
 * bounded queue ({@link ChangeStream}). So a subscriber, however slow, never holds a writer or another subscriber back.
 * An idle subscriber costs its connection, a queue and a keep-alive timer; no poll of any store. Thread-safe.
 */
final class ChangeStreams {

    private static final System.Logger LOG = System.getLogger(ChangeStreams.class.getName());

    private final Vertx vertx;
    private final ChangeFeed feed;
    private final ConcurrentHashMap<AccountSid, Followed> accounts = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final LongAdder resets = new LongAdder();

    ChangeStreams(Vertx vertx, ChangeFeed feed) {
        this.vertx = vertx;
        this.feed = feed;
    }

    ChangeFeed feed() {
        return feed;
    }

    /** How many streams are open, over all accounts. */
    int subscribers() {
        return subscribers.get();
    }

    /** How many streams have been sent {@code reset}: a follower that then has to reload everything. */
    long resets() {
        return resets.sum();
    }

    void countReset() {
        resets.increment();
    }

    /**
     * Adds {@code stream} to its account's subscribers; the stage completes once the account's subscription to the
     * feed is running, so that every change committed after it reaches the stream.
     */
    CompletionStage<Void> join(ChangeStream stream) {
        boolean[] created = new boolean[1];
        Followed joined = accounts.compute(stream.account(), (account, followed) -> {
            Followed f = followed != null ? followed : new Followed(account);
            created[0] = followed == null;
            f.streams.add(stream);
            subscribers.incrementAndGet(); // counted with the add, as leave counts with the removal
            return f;
        });
        if (created[0]) {
            joined.start(); // outside compute: a store may call back at once
        }
        return joined.running;
    }

    /** Removes {@code stream}; the account's subscription ends with its last stream. Idempotent. */
    void leave(ChangeStream stream) {
        accounts.computeIfPresent(stream.account(), (account, followed) -> {
            if (followed.streams.remove(stream)) {
                subscribers.decrementAndGet();
            }
            if (!followed.streams.isEmpty()) {
                return followed;
            }
            followed.cancel();
            return null;
        });
    }

    /** One followed account: its streams, its subscription, and the changes waiting for the fan-out. */
    private final class Followed {
        final Set<ChangeStream> streams = new CopyOnWriteArraySet<>();
        final CompletableFuture<Void> running = new CompletableFuture<>();
        private final AccountSid account;
        /** Where the fan-out runs: an event loop picked for this account. */
        private final Context context = vertx.getOrCreateContext();
        private final List<ChangeEvents.Event> pending = new ArrayList<>();
        private boolean scheduled;
        private volatile boolean cancelled;
        private volatile ChangeFeed.Subscription subscription;

        Followed(AccountSid account) {
            this.account = account;
        }

        void start() {
            CompletableFuture<Void> ready = running;
            feed.subscribe(account, this::changed).whenComplete((sub, failure) -> {
                if (failure != null) {
                    // its streams fail and leave, which removes it; until then, joiners fail with them
                    LOG.log(System.Logger.Level.WARNING, "Change feed: could not follow an account", failure);
                    ready.completeExceptionally(failure);
                    return;
                }
                subscription = sub;
                if (cancelled) {
                    sub.cancel();
                }
                ready.complete(null);
            });
        }

        /** The feed's listener: queues and returns. */
        private void changed(Change change) {
            ChangeEvents.Event event = new ChangeEvents.Event(change);
            synchronized (this) {
                pending.add(event);
                if (scheduled) {
                    return;
                }
                scheduled = true;
            }
            context.runOnContext(v -> fanOut());
        }

        private void fanOut() {
            List<ChangeEvents.Event> events;
            synchronized (this) {
                events = new ArrayList<>(pending);
                pending.clear();
                scheduled = false;
            }
            streams.forEach(stream -> stream.offer(events));
        }

        void cancel() {
            cancelled = true;
            ChangeFeed.Subscription sub = subscription;
            if (sub != null) {
                sub.cancel();
            }
        }
    }
}
