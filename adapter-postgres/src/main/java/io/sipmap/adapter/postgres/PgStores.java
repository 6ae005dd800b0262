package io.sipmap.adapter.postgres;

import io.sipmap.domain.SipmapException;
import io.sipmap.spi.BatchStore;
import io.sipmap.spi.ChangeStore;
import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.ResolutionStore;
import io.sipmap.spi.SourceIpMappingStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The stores of the spi over PostgreSQL, made together because they share the invariants between IP records and
 * mappings (kept by the database's constraints) and because resolution follows the mapping writes.
 *
 * <p>{@link #start} migrates the schema (Flyway over JDBC, on a worker thread), opens a pool of vertx-pg-client
 * connections, and loads this instance's resolution replica, which it keeps current from the database's change log
 * (see {@link PgResolutionStore}). Any number of instances may share one database, PostgreSQL 13 or later; each
 * answers resolutions from its own replica. Stages of the stores complete on Vert.x event loops; failures to reach the
 * database arrive as {@link io.sipmap.domain.SipmapException.Unavailable}, within the bounds of
 * {@link PgStoreOptions.Timeouts}: a database down, hanging or too slow, and a pool with no connection free for the
 * calls queued, fail calls rather than hold them. Once the database answers again, so do the stores, and the replica
 * catches up on what it missed. Thread-safe.
 */
public final class PgStores {

    private final Pool pool;
    private final SqlClient reads;
    private final PgResolutionStore resolutions;
    private final IpRecordStore ipRecords;
    private final SourceIpMappingStore sourceIpMappings;
    private final PgChangeStore changes;
    private final BatchStore batches;
    private final Failures failures;
    private final Duration catchUpInterval;

    private PgStores(Pool pool, SqlClient reads, PgResolutionStore resolutions, Failures failures,
            AccountWrites writes, WriteGroups groups, Duration catchUpInterval) {
        this.pool = pool;
        this.reads = reads;
        this.resolutions = resolutions;
        this.failures = failures;
        this.catchUpInterval = catchUpInterval;
        this.ipRecords = new PgIpRecordStore(pool, reads, resolutions, failures, writes, groups);
        this.changes = new PgChangeStore(pool, reads, resolutions, failures);
        this.sourceIpMappings = new PgSourceIpMappingStore(pool, reads, resolutions, failures, writes, groups);
        this.batches = new PgBatchStore(pool, reads, resolutions, failures, writes);
    }

    /**
     * Migrates the database, then opens the stores; fails, leaving nothing open, when either fails (Flyway's
     * exception for a failed migration, {@link java.sql.SQLException} or the client's for an unreachable database).
     */
    public static Future<PgStores> start(Vertx vertx, PgStoreOptions options) {
        return start(vertx, options, WriteGroups.LOCK_TIMEOUT);
    }

    /** {@link #start(Vertx, PgStoreOptions)} with another lock timeout for the groups of writes (for tests). */
    static Future<PgStores> start(Vertx vertx, PgStoreOptions options, Duration groupLockTimeout) {
        return vertx.executeBlocking(() -> Migrations.migrate(options), false).compose(migrated -> {
            PgStoreOptions.Timeouts timeouts = options.timeouts();
            Pool pool = PgBuilder.pool()
                    .with(poolOptions(options.poolSize(), options, "sipmap-pool"))
                    .with(new NetClientOptions().setConnectTimeout(millis(timeouts.connect())))
                    // a copy, named apart in the metrics, so that the caller's options are not changed; each
                    // connection keeps the few statements the stores run prepared, parsed and planned once
                    .connectingTo(statements(options, "sipmap-pool"))
                    .using(vertx)
                    .build();
            // reads share a few connections, pipelined: a page costs a fraction of the CPU of a statement on a
            // connection of its own, on both sides (fewer writes, reads and wake-ups per statement)
            SqlClient reads = PgBuilder.client()
                    .with(poolOptions(options.readConnections(), options, "sipmap-reads"))
                    .with(new NetClientOptions().setConnectTimeout(millis(timeouts.connect())))
                    .connectingTo(statements(options, "sipmap-reads")
                            .setPipeliningLimit(PgStoreOptions.READ_PIPELINING)
                            // each read is planned once per connection, for any values: left to choose,
                            // PostgreSQL plans a page again at every execution once its statistics are real
                            // (the generic plan's cost, with LIMIT unknown, exceeds the custom one's), which
                            // tripled its CPU per page here; the plans of every page are index scans
                            // (PgPagingPlanTest)
                            .addProperty("plan_cache_mode", "force_generic_plan"))
                    .using(vertx)
                    .build();
            PgResolutionStore resolutions = new PgResolutionStore(vertx, pool, reads);
            // a quarter of the pool per account: see AccountWrites
            AccountWrites writes = new AccountWrites(Math.max(1, options.poolSize() / 4),
                    options.maxWaitQueueSize(), timeouts.call().toNanos());
            // the creates and mapping deletes of every account, many to a statement; a group holds one connection
            WriteGroups groups = new WriteGroups(pool, writes,
                    Math.max(options.maxWaitQueueSize(), WriteGroups.MAX_GROUP) * 4, timeouts.call().toNanos(),
                    groupLockTimeout);
            return resolutions.start(options.connect(), options.catchUpInterval(), options.logRetention())
                    .map(v -> new PgStores(pool, reads, resolutions, new Failures(timeouts.call()), writes, groups,
                            options.catchUpInterval()))
                    .recover(e -> resolutions.close().transform(closed -> reads.close())
                            .transform(closed -> pool.close()).transform(closed -> Future.failedFuture(e)));
        });
    }

    /** A pool named apart, so that the metrics of one do not take the place of the other's. */
    private static PoolOptions poolOptions(int connections, PgStoreOptions options, String name) {
        return new PoolOptions().setName(name).setMaxSize(connections).setMaxWaitQueueSize(options.maxWaitQueueSize())
                .setConnectionTimeout(millis(options.timeouts().poolWait()))
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    }

    private static PgConnectOptions statements(PgStoreOptions options, String name) {
        return PgResolutionStore.named(options.connect(), name).setCachePreparedStatements(true)
                .addProperty("statement_timeout", Long.toString(options.timeouts().statement().toMillis()));
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    public IpRecordStore ipRecords() {
        return ipRecords;
    }

    public SourceIpMappingStore sourceIpMappings() {
        return sourceIpMappings;
    }

    /** Batches of writes to these stores, each in one transaction ({@link PgBatchStore}). */
    public BatchStore batches() {
        return batches;
    }

    /**
     * The change feed: every write of either store, numbered per account in the change log the replica follows
     * ({@link PgChangeStore}).
     */
    public ChangeStore changes() {
        return changes;
    }

    /** Resolutions from this instance's replica of the mappings. */
    public ResolutionStore resolutions() {
        return resolutions;
    }

    /** Package-private access to the replica, for tests comparing it with the database. */
    PgResolutionStore replica() {
        return resolutions;
    }

    /**
     * How far behind the database this instance's resolution replica may be (see {@link #ready}): the time since its
     * last complete catch-up read, which runs every {@link PgStoreOptions#catchUpInterval()}.
     */
    public Duration replicaLag() {
        return resolutions.lag();
    }

    /**
     * Completes when the database answers and the replica is current, that is its lag is under three catch-up
     * intervals; fails with {@link SipmapException.Unavailable} saying which is not.
     */
    public CompletionStage<Void> ready() {
        return failures.stage(() -> pool.query("SELECT 1").execute().compose(answered -> {
            Duration lag = resolutions.lag();
            return lag.compareTo(catchUpInterval.multipliedBy(3)) < 0 ? Future.<Void>succeededFuture()
                    : Future.failedFuture(new SipmapException.Unavailable(
                            "the resolution replica has not caught up for " + lag.toMillis() + " ms", null));
        }));
    }

    /** Stops following the change log and closes the connections. */
    public Future<Void> close() {
        return resolutions.close().transform(closed -> reads.close()).transform(closed -> pool.close());
    }
}
