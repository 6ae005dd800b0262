package io.sipmap.adapter.postgres;

import static io.sipmap.adapter.postgres.Columns.uuid;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.PrefixIndex;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.spi.ResolutionStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@link ResolutionStore} answered from a replica in this instance's memory: one {@link PrefixIndex} per account, as
 * the in-memory store keeps, so a resolution takes no lock, does no I/O and returns a completed stage.
 *
 * <p>The replica follows the database's change log ({@code resolution_log}), which every write appends to in its own
 * transaction, numbered per account without gaps (see {@code sipmap_log_change} in migration V2). A
 * replica applies an account's changes strictly in number order, each once: a change numbered {@code applied + 1} is
 * applied at once, one already applied is dropped, and one further ahead makes the replica read the log from
 * {@code applied + 1} on. That read cannot miss a change: numbers are handed out by updating the account's counter
 * row, which the writing transaction holds until it ends, so a transaction numbered n commits (and becomes visible)
 * only after every transaction numbered below it has committed or rolled back, and a rolled-back one leaves no number
 * behind. Whoever sees change n can therefore read changes 1..n, all of them.
 *
 * <p>Changes arrive three ways: the instance that wrote applies its own change before its write's stage completes
 * (read your own writes); after its writes commit, it signals the other instances by NOTIFY, one signal per burst of
 * writes (at most one every {@value #SIGNAL_EVERY_MS} ms), and each of them catches up from the log on hearing it,
 * milliseconds after the commit; and a periodic catch-up compares the counter rows with the replica and reads what
 * is missing, so a lost signal, a signal never sent (its sender gone between the commit and the signal) or a dropped
 * connection (the subscriber reconnects by itself) costs latency, never correctness. The signal is sent apart from
 * the writes since a NOTIFY in a write's transaction serialized the commits of every account on the database's one
 * notification lock, each with its own WAL flush; it is a transaction without durable effect, committed without
 * waiting for the disk. The catch-up reads only the counter rows changed by
 * transactions that had not finished at its previous look (those at or above that snapshot's xmin), so its cost
 * follows the accounts written meanwhile, not all accounts. At start, the replica is loaded from one repeatable-read
 * snapshot of the mappings and counters, after LISTEN has begun, and caught up once more.
 *
 * <p>The log is pruned of changes older than a retention period. A replica that needs a change no longer there (it
 * was behind for longer, or meets an account it never saw) reloads that account from the tables, in one
 * repeatable-read snapshot of its mappings and its counter, then goes on from the log.
 *
 * <p>Thread-safety: an account's partition is changed under its monitor, from the event loop of whichever pool
 * connection or subscriber delivered the change; lookups read the index's published snapshot without locking.
 */
final class PgResolutionStore implements ResolutionStore {

    /** A channel of its own: instances of the version before V6 expect a change in each payload on theirs. */
    static final String CHANNEL = "sipmap_changes";
    /** The least time between two signals of this instance: a burst of writes is one signal. */
    static final long SIGNAL_EVERY_MS = 10;
    private static final String SIGNAL = "SELECT set_config('synchronous_commit', 'off', true), pg_notify('" + CHANNEL
            + "', $1)";
    private static final System.Logger LOG = System.getLogger(PgResolutionStore.class.getName());
    private static final long RECONNECT_DELAY_MS = 200;
    private static final int LOAD_FETCH = 10_000;
    private static final String HEADS = "SELECT account, last_seq FROM resolution_log_heads";
    private static final String RESOLUTIONS = "SELECT m.account, m.ip_record_sid, m.sid, m.sip_domain_sid,"
            + " r.ip_address, r.cidr_prefix_length, r.ip6 FROM source_ip_mappings m"
            + " JOIN ip_records r ON r.account = m.account AND r.sid = m.ip_record_sid";
    /**
     * Starts a transaction reading one snapshot, for the bulk reads of whole accounts, which the statement timeout of
     * the store calls does not bound: a large account takes as long as it takes, and a replica missing it is wrong.
     */
    private static final String SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;"
            + " SET LOCAL statement_timeout = 0";
    private static final String HEAD_OF = HEADS + " WHERE account = $1";
    /**
     * The counter rows changed by transactions not finished at the last look, and the oldest transaction not finished
     * now, in one snapshot: a change not visible then was made by a transaction at or above that look's xmin.
     */
    private static final String HEADS_SINCE = "WITH s AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin)"
            + " SELECT s.xmin, h.account, h.last_seq FROM s"
            + " LEFT JOIN resolution_log_heads h ON h.changed_xid >= $1::text::xid8";
    private static final String XMIN = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text";
    private static final String RESOLUTIONS_OF = RESOLUTIONS + " WHERE m.account = $1";
    private static final String PRUNE = "DELETE FROM resolution_log WHERE logged_at < now() - make_interval(secs => $1)";
    private static final String CHANGES_AFTER = "SELECT seq, ip_record_sid, mapping_sid, sip_domain_sid, ip_address,"
            + " cidr_prefix_length, ip6 FROM resolution_log WHERE account = $1 AND seq > $2 ORDER BY seq";

    private final ConcurrentHashMap<AccountSid, Partition> partitions = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final Pool pool;
    /** Where the signals go: the stores' pipelined client, so that a signal never queues behind the writes. */
    private final SqlClient signals;
    /** The payload of this instance's signals, which it ignores when it hears them. */
    private final String instance = UUID.randomUUID().toString();
    private final AtomicBoolean signalDue = new AtomicBoolean();
    private volatile long signalledAt = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
    private final AtomicBoolean catchingUp = new AtomicBoolean();
    /** Set by a catch-up asked for while one runs, which then runs once more: it may have begun before the news. */
    private final AtomicBoolean catchUpAgain = new AtomicBoolean();
    private volatile boolean loaded;
    /** The xmin of the snapshot the replica last compared itself with: where the next catch-up looks from. */
    private volatile String since;
    private volatile boolean deaf;
    /** When the last catch-up that found nothing missing began: the replica had every change committed by then. */
    private volatile long caughtUpAt = System.nanoTime();
    /** Set by {@link #close}: a catch-up still running then fails with the pool, and that is no news. */
    private volatile boolean closed;
    private volatile PgSubscriber subscriber;
    private volatile long timer = -1;
    private volatile long pruneTimer = -1;
    /**
     * Told of each account's latest known change number, however it was learnt (this instance's write, a
     * notification, a catch-up): what the change feed's followers wake up on ({@link PgChangeStore}).
     */
    private volatile java.util.function.ObjLongConsumer<AccountSid> heads = (account, seq) -> { };

    PgResolutionStore(Vertx vertx, Pool pool, SqlClient signals) {
        this.vertx = vertx;
        this.pool = pool;
        this.signals = signals;
    }

    /** One account's replica: its index, and the number of the last change applied to it. */
    private static final class Partition {
        /** Replaced whole when the account is reloaded; both fields written under this partition's monitor. */
        volatile PrefixIndex<IpRecordSid, Resolution> index = new PrefixIndex<>();
        volatile long applied;
        /** The reload of this account under way, or null; under this partition's monitor. */
        Future<Void> reload;

        /** Applies {@code change} if it is the next one; under this partition's monitor. */
        void offer(Change change) {
            if (change.seq() == applied + 1) {
                change.applyTo(index);
                applied = change.seq();
            }
        }
    }

    /**
     * One entry of the log: what an IP record resolves to after change {@code seq} of its account.
     *
     * @param mapping the record's mapping, null when the change deleted it (then {@code domain} is null too)
     */
    record Change(AccountSid account, long seq, IpRecordSid ipRecord, SourceIpMappingSid mapping, SipDomainSid domain,
                  IpPrefix prefix) {

        /** The change that a mapping write logged; {@code mapping} null for a delete. */
        static Change of(AccountSid account, long seq, IpRecordSid record, SourceIpMapping mapping, IpPrefix prefix) {
            return new Change(account, seq, record, mapping == null ? null : mapping.sid(),
                    mapping == null ? null : mapping.sipDomainSid(), prefix);
        }

        /** A change as {@link #CHANGES_AFTER} reads it. */
        static Change read(AccountSid account, Row row) {
            return new Change(account, row.getLong(0), Columns.ipRecordSid(row, 1), Columns.mappingSid(row, 2),
                    Columns.sipDomainSid(row, 3), Columns.prefix(row, 4, 6, 5));
        }

        void applyTo(PrefixIndex<IpRecordSid, Resolution> index) {
            if (mapping == null) {
                index.remove(ipRecord);
            } else {
                index.put(ipRecord, prefix, new Resolution(domain, mapping, ipRecord, prefix));
            }
        }
    }

    @Override
    public CompletionStage<Optional<Resolution>> resolve(AccountSid account, IpAddress address) {
        try {
            Partition p = partitions.get(account);
            return CompletableFuture.completedStage(
                    Optional.ofNullable(p == null ? null : p.index.lookup(address)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    /** {@code connect} under another name in the client metrics, which count each named client apart. */
    static PgConnectOptions named(PgConnectOptions connect, String name) {
        PgConnectOptions copy = new PgConnectOptions(connect);
        copy.setMetricsName(name);
        return copy;
    }

    /**
     * Listens for changes, loads the replica, catches up, and from then on every {@code catchUpInterval}; prunes the
     * log of changes older than {@code logRetention} every quarter of it (at most every minute).
     */
    Future<Void> start(PgConnectOptions connect, Duration catchUpInterval, Duration logRetention) {
        // named apart from the pool, so that metrics count the two clients separately
        subscriber = PgSubscriber.subscriber(vertx, named(connect, "sipmap-changes"))
                .reconnectPolicy(retries -> RECONNECT_DELAY_MS);
        subscriber.channel(CHANNEL)
                .handler(this::notified)
                .subscribeHandler(v -> catchUp()); // after a reconnection: what was said meanwhile is lost
        return subscriber.connect()
                .compose(v -> load())
                .compose(v -> catchUp())
                .onSuccess(v -> {
                    timer = vertx.setPeriodic(catchUpInterval.toMillis(), id -> catchUp());
                    long pruneEvery = Math.max(1, Math.min(logRetention.toMillis() / 4, 60_000));
                    pruneTimer = vertx.setPeriodic(pruneEvery, id -> prune(logRetention));
                });
    }

    Future<Void> close() {
        closed = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (pruneTimer >= 0) {
            vertx.cancelTimer(pruneTimer);
        }
        return subscriber == null ? Future.succeededFuture() : subscriber.close();
    }

    /**
     * Every account's changes up to what its counter row says, for those behind, among the rows changed since the last
     * look; one run at a time.
     */
    Future<Void> catchUp() {
        if (closed || !loaded) {
            return Future.succeededFuture();
        }
        catchUpAgain.set(true);
        if (!catchingUp.compareAndSet(false, true)) {
            return Future.succeededFuture(); // the one running sees catchUpAgain when it ends
        }
        catchUpAgain.set(false);
        return pool.preparedQuery(HEADS_SINCE).execute(Tuple.of(since)).compose(heads -> {
            List<Future<Boolean>> reads = new ArrayList<>();
            String xmin = null;
            for (Row row : heads) {
                xmin = row.getString(0);
                if (row.getValue(1) == null) {
                    continue; // no row changed: the left join's one row
                }
                AccountSid account = Columns.accountSid(row, 1);
                long head = row.getLong(2);
                this.heads.accept(account, head);
                Partition p = partitions.get(account);
                if (p == null || p.applied < head) {
                    reads.add(catchUp(account, head).map(v -> partition(account).applied >= head));
                }
            }
            String next = xmin;
            long looked = System.nanoTime();
            return Future.all(reads).<Void>map(all -> {
                if (reads.stream().allMatch(Future::result)) {
                    since = next; // else look from the same point again: an account is still behind
                    caughtUpAt = looked;
                }
                return null;
            });
        }).andThen(done -> {
            catchingUp.set(false);
            if (done.failed() && !closed) {
                LOG.log(Level.WARNING, "Resolution replica: catching up failed; next try at the next period",
                        done.cause());
            } else if (catchUpAgain.get()) {
                catchUp();
            }
        });
    }

    /**
     * How far behind the database this replica may be: the time since the last catch-up that found it holding every
     * change committed before that catch-up began. Zero right after one; it grows while the database is out of reach.
     */
    Duration lag() {
        return Duration.ofNanos(Math.max(0, System.nanoTime() - caughtUpAt));
    }

    /**
     * A change this instance committed: applied before the returned future completes, after the changes before it
     * (read from the log when they have not arrived yet). Never fails: the write did commit, so a failed read of the
     * log is logged and leaves the change to the next catch-up.
     */
    Future<Void> written(Change change) {
        signal();
        heads.accept(change.account(), change.seq());
        Partition p = partition(change.account());
        synchronized (p) {
            p.offer(change);
            if (p.applied >= change.seq()) {
                return Future.succeededFuture();
            }
        }
        return catchUp(change.account(), change.seq()).otherwise(e -> {
            LOG.log(Level.WARNING, "Resolution replica: a committed write of account " + change.account()
                    + " waits for the next catch-up", e);
            return null;
        });
    }

    /**
     * Changes this instance committed up to {@code seq}, a batch's last: applied before the returned future completes,
     * read from the log, and signals the other instances as {@link #written} does; never fails, as {@link #written}
     * does not.
     */
    Future<Void> writtenUpTo(AccountSid account, long seq) {
        signal();
        heads.accept(account, seq);
        return catchUp(account, seq).otherwise(e -> {
            LOG.log(Level.WARNING, "Resolution replica: a committed batch of account " + account
                    + " waits for the next catch-up", e);
            return null;
        });
    }

    /**
     * Tells the other instances that this one committed writes: now, or when {@value #SIGNAL_EVERY_MS} ms have passed
     * since the last signal, which then covers every write committed meanwhile. Each write calls it after its commit,
     * and a signal is sent after the flag is cleared, so the signal that a write counts on is sent after it commits.
     */
    private void signal() {
        if (!signalDue.compareAndSet(false, true)) {
            return;
        }
        long wait = SIGNAL_EVERY_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalledAt);
        if (wait < 1) {
            sendSignal();
        } else {
            vertx.setTimer(wait, id -> sendSignal());
        }
    }

    private void sendSignal() {
        if (closed) {
            return;
        }
        signalledAt = System.nanoTime();
        signalDue.set(false);
        signals.preparedQuery(SIGNAL).execute(Tuple.of(instance)).onFailure(e -> LOG.log(Level.DEBUG,
                "Resolution replica: a signal was lost; the others catch up at their next period", e));
    }

    private void notified(String payload) {
        if (!loaded || deaf || closed || instance.equals(payload)) {
            return; // the snapshot being loaded, and the catch-up after it, cover it; this instance has its own writes
        }
        catchUp();
    }

    /**
     * Reads and applies the account's changes after the last applied, when that is below {@code upTo}. When the log
     * no longer reaches back that far (pruned while this replica was behind, or an account it has never seen), the
     * account is reloaded from the tables instead, and the log read once more from there.
     */
    private Future<Void> catchUp(AccountSid account, long upTo) {
        Partition p = partition(account);
        long from = p.applied;
        if (from >= upTo) {
            return Future.succeededFuture();
        }
        return pool.preparedQuery(CHANGES_AFTER).execute(Tuple.of(uuid(account), from)).compose(rows -> {
            boolean reachesBack = rows.size() > 0 && rows.iterator().next().getLong(0) <= from + 1;
            offerAll(account, p, rows);
            if (reachesBack || p.applied >= upTo) {
                return Future.succeededFuture();
            }
            return reload(account, p).compose(v -> catchUpOnce(account, p));
        });
    }

    /** Applies what the log holds after the last applied; no reload, so that a log pruned very fast cannot loop. */
    private Future<Void> catchUpOnce(AccountSid account, Partition p) {
        return pool.preparedQuery(CHANGES_AFTER).execute(Tuple.of(uuid(account), p.applied))
                .map(rows -> {
                    offerAll(account, p, rows);
                    return null;
                });
    }

    /** Offers the changes read by {@link #CHANGES_AFTER}, in their order. */
    private static void offerAll(AccountSid account, Partition p, RowSet<Row> rows) {
        synchronized (p) {
            for (Row row : rows) {
                p.offer(Change.read(account, row));
            }
        }
    }

    /** Replaces the account's index and counter with one snapshot of the tables; one reload at a time per account. */
    private Future<Void> reload(AccountSid account, Partition p) {
        synchronized (p) {
            if (p.reload != null) {
                return p.reload;
            }
            Promise<Void> done = Promise.promise();
            Future<Void> reload = done.future();
            p.reload = reload;
            Tuple owner = Tuple.of(uuid(account));
            pool.withTransaction(conn -> conn.query(SNAPSHOT)
                    .execute()
                    .compose(v -> conn.preparedQuery(HEAD_OF).execute(owner))
                    .compose(head -> conn.preparedQuery(RESOLUTIONS_OF).execute(owner).compose(resolutions -> {
                        long seq = head.size() == 0 ? 0 : head.iterator().next().getLong(1);
                        List<PrefixIndex.Entry<IpRecordSid, Resolution>> entries = new ArrayList<>(resolutions.size());
                        resolutions.forEach(row -> entries.add(entry(row)));
                        return vertx.executeBlocking(() -> { // the index built on a worker, as at the load
                            PrefixIndex<IpRecordSid, Resolution> index = new PrefixIndex<>();
                            index.putAll(entries);
                            synchronized (p) {
                                if (seq > p.applied) {
                                    p.index = index;
                                    p.applied = seq;
                                }
                            }
                            return (Void) null;
                        }, false);
                    })))
                    .andThen(result -> {
                        synchronized (p) {
                            p.reload = null;
                        }
                    })
                    .onComplete(done);
            return reload;
        }
    }

    /** Deletes the log's changes older than the retention; replicas further behind reload the accounts concerned. */
    Future<Void> prune(Duration retention) {
        return pool.preparedQuery(PRUNE).execute(Tuple.of(retention.toMillis() / 1000.0)).<Void>mapEmpty()
                .onFailure(e -> LOG.log(Level.WARNING, "Resolution log: pruning failed; next try at the next period",
                        e));
    }

    /** The index entry of a row of {@link #RESOLUTIONS}. */
    private static PrefixIndex.Entry<IpRecordSid, Resolution> entry(Row row) {
        IpRecordSid record = Columns.ipRecordSid(row, 1);
        IpPrefix prefix = Columns.prefix(row, 4, 6, 5);
        return new PrefixIndex.Entry<>(record, prefix, new Resolution(Columns.sipDomainSid(row, 3),
                Columns.mappingSid(row, 2), record, prefix));
    }

    /**
     * Loads every account's resolutions and counters from one snapshot, so each index is exactly at its counter.
     * Rows are streamed, {@value #LOAD_FETCH} at a time, so that a large database is not held in memory twice.
     */
    private Future<Void> load() {
        return pool.withTransaction(conn -> conn.query(SNAPSHOT)
                .execute()
                .compose(v -> conn.query(XMIN).execute())
                .compose(xmin -> {
                    since = xmin.iterator().next().getString(0);
                    return forEachRow(conn, HEADS, row -> {
                        Partition p = partition(Columns.accountSid(row, 0));
                        synchronized (p) {
                            p.applied = row.getLong(1);
                        }
                    });
                })
                .compose(v -> {
                    // each account's index built once from all its rows (PrefixIndex.putAll), not row by row
                    Map<AccountSid, List<PrefixIndex.Entry<IpRecordSid, Resolution>>> entries = new HashMap<>();
                    return forEachRow(conn, RESOLUTIONS, row -> entries
                            .computeIfAbsent(Columns.accountSid(row, 0), account -> new ArrayList<>())
                            .add(entry(row)))
                            .map(streamed -> entries);
                })
                // on a worker: a million entries take a second or two, too long for an event loop
                .compose(entries -> vertx.executeBlocking(() -> {
                    entries.forEach((account, accountEntries) -> {
                        Partition p = partition(account);
                        synchronized (p) {
                            p.index.putAll(accountEntries);
                        }
                    });
                    loaded = true;
                    return null;
                }, false)));
    }

    /** Runs {@code sql} in the connection's transaction and hands its rows to {@code action} as they arrive. */
    private static Future<Void> forEachRow(SqlConnection conn, String sql, Consumer<Row> action) {
        return conn.prepare(sql).compose(statement -> {
            Promise<Void> done = Promise.promise();
            RowStream<Row> rows = statement.createStream(LOAD_FETCH);
            rows.exceptionHandler(done::tryFail).endHandler(v -> done.tryComplete()).handler(action::accept);
            return done.future().eventually(statement::close);
        });
    }

    private Partition partition(AccountSid account) {
        return partitions.computeIfAbsent(account, a -> new Partition());
    }

    /** Tells {@code listener} of every account's latest known change number from now on (one listener). */
    void onHeads(java.util.function.ObjLongConsumer<AccountSid> listener) {
        heads = listener;
    }

    /** What the replica holds for one IP record: its resolution, or null; for tests comparing it with the database. */
    Resolution held(AccountSid account, IpRecordSid record) {
        Partition p = partitions.get(account);
        return p == null ? null : p.index.get(record);
    }

    /** How many mapped IP records the replica holds for the account. */
    int size(AccountSid account) {
        Partition p = partitions.get(account);
        return p == null ? 0 : p.index.size();
    }

    /** Makes this replica drop every notification, as if lost, for tests of the other ways changes arrive. */
    void dropNotifications(boolean drop) {
        deaf = drop;
    }

    /** The server process of the LISTEN connection, for tests that cut it. */
    int listenerProcessId() {
        return subscriber.actualConnection().processId();
    }

    /** The number of the account's last change applied, 0 for none. */
    long applied(AccountSid account) {
        Partition p = partitions.get(account);
        return p == null ? 0 : p.applied;
    }
}
