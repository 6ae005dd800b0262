package io.sipmap.adapter.postgres;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.SipmapException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The writes of each account, at most {@code inFlight} at a time from this instance. They would wait for each other
 * anyway, on the account's counter row in the database (whose lock numbers its changes without gaps); waiting here
 * instead holds no connection, so that a busy account cannot take all the pool's connections from the others'
 * writes. More than one in flight keeps the next write waiting at the lock, ready when the one before commits, rather
 * than a round trip behind it. Accounts share nothing here but a concurrent map. A write waits at most the call
 * timeout for its turn (its caller has given up by then, so it is not made), and at most {@code maxQueued} wait per
 * account; beyond, a write fails at once. Thread-safe; a write starts on the thread that ended one before it.
 */
final class AccountWrites {

    private final ConcurrentHashMap<AccountSid, Turns> accounts = new ConcurrentHashMap<>();
    private final int inFlight;
    private final int maxQueued;
    private final long timeoutNanos;

    /** Told of an account whose writes here have all ended (see {@link WriteGroups}). */
    private volatile Runnable idle = () -> { };

    AccountWrites(int inFlight, int maxQueued, long timeoutNanos) {
        this.inFlight = inFlight;
        this.maxQueued = maxQueued;
        this.timeoutNanos = timeoutNanos;
    }

    /** An account's writes in flight and those waiting; changed only inside the map's compute of its account. */
    private static final class Turns {
        int running = 1;
        final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    }

    /** Whether a write of the account from this instance is in flight or waits for its turn here. */
    boolean busy(AccountSid account) {
        return accounts.containsKey(account);
    }

    /** Runs {@code write} once the account's writes before it from this instance have ended. */
    <T> Future<T> run(AccountSid account, Supplier<Future<T>> write) {
        Promise<T> done = Promise.promise();
        long queuedAt = System.nanoTime();
        Runnable start = () -> {
            Future<T> written;
            if (System.nanoTime() - queuedAt > timeoutNanos) {
                written = Future.failedFuture(new SipmapException.Unavailable("Writes of account " + account
                        + " queued longer than the call timeout; this one was not made", null));
            } else {
                try {
                    written = write.get();
                } catch (RuntimeException e) {
                    written = Future.failedFuture(e);
                }
            }
            written.onComplete(result -> {
                done.handle(result);
                next(account);
            });
        };
        boolean[] now = {false};
        boolean[] full = {false};
        accounts.compute(account, (a, turns) -> {
            if (turns == null) {
                now[0] = true;
                return new Turns();
            }
            if (turns.running < inFlight) {
                turns.running++;
                now[0] = true;
            } else if (turns.waiting.size() >= maxQueued) {
                full[0] = true;
            } else {
                turns.waiting.add(start);
            }
            return turns;
        });
        if (full[0]) {
            return Future.failedFuture(new SipmapException.Unavailable("More than " + maxQueued + " writes of account "
                    + account + " wait for their turn", null));
        }
        if (now[0]) {
            start.run();
        }
        return done.future();
    }

    /** Starts the account's next write in the turn of one that ended, or forgets the account when none is left. */
    private void next(AccountSid account) {
        Runnable[] next = {null};
        accounts.computeIfPresent(account, (a, turns) -> {
            next[0] = turns.waiting.poll();
            if (next[0] == null) {
                turns.running--;
            }
            return turns.running == 0 ? null : turns;
        });
        if (next[0] != null) {
            next[0].run();
        } else if (!accounts.containsKey(account)) {
            idle.run();
        }
    }

    /** Sets what runs when an account's last write here ends. */
    void onIdle(Runnable idle) {
        this.idle = idle;
    }
}
