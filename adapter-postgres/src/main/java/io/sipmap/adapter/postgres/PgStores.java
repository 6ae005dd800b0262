package io.sipmap.adapter.postgres;

import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.ResolutionStore;
import io.sipmap.spi.SourceIpMappingStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * The stores of the spi over PostgreSQL, made together because they share the invariants between IP records and
 * mappings (kept by the database's constraints) and because resolution follows the mapping writes.
 *
 * <p>{@link #start} migrates the schema (Flyway over JDBC, on a worker thread), opens a pool of vertx-pg-client
 * connections, and loads this instance's resolution replica, which it keeps current from the database's change log
 * (see {@link PgResolutionStore}). Any number of instances may share one database, PostgreSQL 13 or later; each
 * answers resolutions from its own replica. Stages of the stores complete on Vert.x event loops; failures to reach the
 * database arrive as {@link io.sipmap.domain.SipmapException.Upstream}. Thread-safe.
 */
public final class PgStores {

    private final Pool pool;
    private final PgResolutionStore resolutions;
    private final IpRecordStore ipRecords;
    private final SourceIpMappingStore sourceIpMappings;

    private PgStores(Pool pool, PgResolutionStore resolutions) {
        this.pool = pool;
        this.resolutions = resolutions;
        this.ipRecords = new PgIpRecordStore(pool);
        this.sourceIpMappings = new PgSourceIpMappingStore(pool, resolutions);
    }

    /**
     * Migrates the database, then opens the stores; fails, leaving nothing open, when either fails (Flyway's
     * exception for a failed migration, {@link java.sql.SQLException} or the client's for an unreachable database).
     */
    public static Future<PgStores> start(Vertx vertx, PgStoreOptions options) {
        return vertx.executeBlocking(() -> Migrations.migrate(options), false).compose(migrated -> {
            Pool pool = PgBuilder.pool()
                    .with(new PoolOptions().setMaxSize(options.poolSize()))
                    .connectingTo(PgResolutionStore.named(options.connect(), "sipmap-pool"))
                    .using(vertx)
                    .build();
            PgResolutionStore resolutions = new PgResolutionStore(vertx, pool);
            return resolutions.start(options.connect(), options.catchUpInterval(), options.logRetention())
                    .map(v -> new PgStores(pool, resolutions))
                    .recover(e -> resolutions.close().transform(closed -> pool.close())
                            .transform(closed -> Future.failedFuture(e)));
        });
    }

    public IpRecordStore ipRecords() {
        return ipRecords;
    }

    public SourceIpMappingStore sourceIpMappings() {
        return sourceIpMappings;
    }

    /** Resolutions from this instance's replica of the mappings. */
    public ResolutionStore resolutions() {
        return resolutions;
    }

    /** Package-private access to the replica, for tests comparing it with the database. */
    PgResolutionStore replica() {
        return resolutions;
    }

    /** Stops following the change log and closes the connections. */
    public Future<Void> close() {
        return resolutions.close().transform(closed -> pool.close());
    }
}
