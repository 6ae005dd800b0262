package io.sipmap.adapter.postgres;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.SipmapException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The creates of IP records and mappings and the deletes of mappings of every account, many in one statement: while
 * one group is in flight, the writes arriving queue, and the next group carries all those of one kind (at most
 * {@link #MAX_GROUP}), the oldest write's kind first. A group is one statement over arrays, without an explicit
 * transaction: one round trip, one commit and one WAL flush for all its writes, and each write's stage completes only
 * after that commit (and after this instance's replica has its change). Its changes are numbered as a single write's
 * are: the counter row of each of its accounts is updated first, in account order (so that two groups, of this
 * instance or another, never wait for each other's rows in a cycle), by the number of its writes of that account, and
 * they take the numbers after the old value, in the order they arrived; rows are written only after their account's
 * counter row is held.
 *
 * <p>A group is all or nothing. When the database refuses it for something one write may have caused (a constraint,
 * a deadlock, or a counter row held elsewhere past {@link #LOCK_TIMEOUT}: a batch of an account, say, which must not
 * hold up the other accounts of the group), nothing of it was written, and each of its writes is made again alone,
 * with the single write's statement and its turn in {@link AccountWrites}, so that only the write at fault fails,
 * with its own reason. When the database cannot be reached, or the connection drops before the answer, every write
 * of the group fails with that failure (which the stores report as Unavailable, the write made or not, as a single
 * write's). A write whose account has another write in flight from this instance outside the groups (a replace, a
 * batch, a write made alone) waits until it has ended, rather than have its group wait for that one's counter row.
 *
 * <p>Thread-safe: writes arrive on any thread; a group starts on the thread that ended the one before it, or of the
 * write that found none in flight, and its writes complete on the event loop of its connection.
 */
final class WriteGroups {

    /** The most writes in one group: bounds the statement's arrays and the time one group holds its counter rows. */
    static final int MAX_GROUP = 256;
    /**
     * The longest a group waits for a lock held by a transaction outside it (another instance's group or batch, say)
     * before it gives up and its writes are made alone: set for the group's statement only, as its first act.
     */
    static final Duration LOCK_TIMEOUT = Duration.ofMillis(200);
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    /** One kind of grouped write: its statement over arrays, and what a write becomes. */
    interface Kind<W, R> {

        AccountSid account(W write);

        /** Two writes with equal keys never go in one group (a statement could not order their effects). */
        Object key(W write);

        /**
         * The group's statement, made with {@link #statement}: one row per write it made, the write's place in the
         * group (1 on) first.
         */
        String sql();

        /** The group's parameters from {@code $2} on: arrays of one element per write, in the group's order. */
        Object[] arrays(List<W> writes);

        /** The outcome of a write of a committed group, from its row; {@code row} null when the group made none. */
        Future<R> committed(W write, Row row);

        /** The write alone, with the single write's statement, after the account's writes before it. */
        Future<R> alone(W write);
    }

    private final Pool pool;
    private final AccountWrites accountWrites;
    private final int maxQueued;
    private final long timeoutNanos;
    private final String lockTimeout;
    /** The writes waiting for a group; guarded by this. */
    private final ArrayDeque<Pending<?, ?>> queue = new ArrayDeque<>();
    /** Whether a group is in flight; guarded by this. */
    private boolean running;

    WriteGroups(Pool pool, AccountWrites accountWrites, int maxQueued, long timeoutNanos, Duration lockTimeout) {
        this.pool = pool;
        this.lockTimeout = lockTimeout.toMillis() + "ms";
        this.accountWrites = accountWrites;
        this.maxQueued = maxQueued;
        this.timeoutNanos = timeoutNanos;
        accountWrites.onIdle(this::next);
    }

    /**
     * The statement of a group, from {@code writes}, the definition of a CTE {@code w} of the group's writes (one row
     * each, columns {@code account}, {@code nonce} and {@code ord}, its place in the group) that the group may make;
     * then {@code q}, those writes with their change numbers {@code seq}, is defined, and {@code rest}, the
     * statement's remaining CTEs and its final SELECT over {@code q}. {@code arrays} is {@code t}'s definition, the
     * group's arrays ({@code $2} on) as rows; {@code lock_timeout} is set in it to {@code $1}, before any lock is
     * asked for.
     */
    static String statement(String arrays, String writes, String rest) {
        return "WITH t AS (" + arrays + " WHERE set_config('lock_timeout', $1, true) IS NOT NULL),"
                + " w AS (" + writes + "),"
                + " h AS (INSERT INTO resolution_log_heads AS h (account, last_seq, last_nonce)"
                + " SELECT account, count(*), (array_agg(nonce ORDER BY ord DESC))[1] FROM w GROUP BY account"
                + " ORDER BY account ON CONFLICT (account) DO UPDATE SET last_seq = h.last_seq + excluded.last_seq,"
                + " last_nonce = excluded.last_nonce, changed_xid = pg_current_xact_id() RETURNING account, last_seq),"
                + " q AS (SELECT w.*, h.last_seq - count(*) OVER a + row_number() OVER (a ORDER BY w.ord) AS seq"
                + " FROM w JOIN h ON h.account = w.account WINDOW a AS (PARTITION BY w.account)), " + rest;
    }

    /** One write waiting for its group. */
    private static final class Pending<W, R> {
        final Kind<W, R> kind;
        final W write;
        final Promise<R> done = Promise.promise();
        final long queuedAt = System.nanoTime();

        Pending(Kind<W, R> kind, W write) {
            this.kind = kind;
            this.write = write;
        }

        AccountSid account() {
            return kind.account(write);
        }

        void alone() {
            try {
                kind.alone(write).onComplete(done);
            } catch (RuntimeException e) {
                done.fail(e);
            }
        }

        void committed(Row row) {
            try {
                kind.committed(write, row).onComplete(done);
            } catch (RuntimeException e) {
                done.fail(e);
            }
        }
    }

    /**
     * Makes {@code write} in the next group that may carry it: once its account has no write outside the groups in
     * flight from this instance.
     */
    <W, R> Future<R> write(Kind<W, R> kind, W write) {
        Pending<W, R> pending = new Pending<>(kind, write);
        synchronized (this) {
            if (queue.size() >= maxQueued) {
                return Future.failedFuture(new SipmapException.Unavailable("More than " + maxQueued
                        + " writes wait for their group", null));
            }
            queue.add(pending);
        }
        next();
        return pending.done.future();
    }

    /**
     * Starts the next group, unless one is in flight or none may start: of the oldest write whose account has no
     * write outside the groups in flight, with the writes of its kind after it that may go with it. The others wait
     * (those past the call timeout fail, not made); an account's last such write ending calls this again.
     */
    private void next() {
        List<Pending<?, ?>> group = new ArrayList<>();
        List<Pending<?, ?>> late = new ArrayList<>();
        synchronized (this) {
            if (running) {
                return;
            }
            Kind<?, ?> kind = null;
            Set<Object> keys = new HashSet<>();
            long now = System.nanoTime();
            for (Iterator<Pending<?, ?>> it = queue.iterator(); it.hasNext() && group.size() < MAX_GROUP; ) {
                Pending<?, ?> p = it.next();
                if (now - p.queuedAt > timeoutNanos) {
                    late.add(p);
                    it.remove();
                } else if ((kind == null || p.kind == kind) && !accountWrites.busy(p.account())
                        && keys.add(key(p))) {
                    kind = p.kind;
                    group.add(p);
                    it.remove();
                }
            }
            running = !group.isEmpty();
        }
        for (Pending<?, ?> p : late) {
            p.done.fail(new SipmapException.Unavailable("A write waited for its group longer than the call"
                    + " timeout; it was not made", null));
        }
        if (!group.isEmpty()) {
            run(group);
        }
    }

    private static <W> Object key(Pending<W, ?> p) {
        return List.of(p.kind, p.kind.key(p.write));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void run(List<Pending<?, ?>> group) {
        Kind kind = group.get(0).kind;
        List<Object> writes = new ArrayList<>(group.size());
        for (Pending<?, ?> p : group) {
            writes.add(p.write);
        }
        Future<RowSet<Row>> made;
        try {
            Object[] arrays = kind.arrays(writes);
            Object[] parameters = new Object[arrays.length + 1];
            parameters[0] = lockTimeout;
            System.arraycopy(arrays, 0, parameters, 1, arrays.length);
            made = pool.preparedQuery(kind.sql()).execute(Tuple.from(parameters));
        } catch (RuntimeException e) {
            made = Future.failedFuture(e);
        }
        made.onComplete(result -> {
            synchronized (this) {
                running = false;
            }
            if (result.failed()) {
                if (madeAgainAlone(result.cause())) {
                    // first, so that their accounts are busy when the next group is formed
                    group.forEach(Pending::alone);
                } else {
                    group.forEach(p -> p.done.fail(result.cause()));
                }
                next();
                return;
            }
            // the next group is on its way before these writes' answers are
            next();
            Row[] rows = new Row[group.size()];
            for (Row row : result.result()) {
                rows[(int) row.getLong(0).longValue() - 1] = row;
            }
            for (int i = 0; i < rows.length; i++) {
                group.get(i).committed(rows[i]);
            }
        });
    }

    /**
     * Whether a group's failure left nothing written and may be down to one of its writes, or to one account's
     * counter row held elsewhere: an integrity constraint, a serialization failure or deadlock, the lock timeout.
     */
    static boolean madeAgainAlone(Throwable failure) {
        if (!(failure instanceof PgException pg) || pg.getSqlState() == null) {
            return false;
        }
        String state = pg.getSqlState();
        return state.startsWith("23") || state.startsWith("40") || state.equals(LOCK_NOT_AVAILABLE);
    }
}
