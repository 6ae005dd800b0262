package io.sipmap.adapter.postgres;

import io.vertx.pgclient.PgConnectOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the stores keep their data and how they reach it.
 *
 * @param connect         the database; copied, so later changes to the given object do not reach the stores
 * @param poolSize        the most connections the stores' pool opens, at least 1 (LISTEN takes one more)
 * @param catchUpInterval how often the resolution replica compares itself with the change log, whatever it heard:
 *                        the longest a lost notification delays a change; positive
 * @param logRetention    how long the change log keeps a change; a replica behind for longer reloads the accounts
 *                        concerned from the tables; positive
 */
public record PgStoreOptions(PgConnectOptions connect, int poolSize, Duration catchUpInterval, Duration logRetention) {

    public static final int DEFAULT_POOL_SIZE = 8;
    public static final Duration DEFAULT_CATCH_UP_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_LOG_RETENTION = Duration.ofHours(1);

    public PgStoreOptions {
        connect = new PgConnectOptions(Objects.requireNonNull(connect, "connect"));
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
        }
        Objects.requireNonNull(catchUpInterval, "catchUpInterval");
        if (catchUpInterval.toMillis() < 1) {
            throw new IllegalArgumentException("catchUpInterval must be at least 1 ms, got " + catchUpInterval);
        }
        Objects.requireNonNull(logRetention, "logRetention");
        if (logRetention.toMillis() < 1) {
            throw new IllegalArgumentException("logRetention must be at least 1 ms, got " + logRetention);
        }
    }

    /** The default pool size, catch-up interval and log retention for the given database. */
    public static PgStoreOptions of(PgConnectOptions connect) {
        return new PgStoreOptions(connect, DEFAULT_POOL_SIZE, DEFAULT_CATCH_UP_INTERVAL, DEFAULT_LOG_RETENTION);
    }

    /** {@link #of} for a URI such as {@code postgresql://user:secret@host:5432/sipmap}. */
    public static PgStoreOptions fromUri(String uri) {
        return of(PgConnectOptions.fromUri(uri));
    }

    public PgStoreOptions withPoolSize(int size) {
        return new PgStoreOptions(connect, size, catchUpInterval, logRetention);
    }

    public PgStoreOptions withCatchUpInterval(Duration interval) {
        return new PgStoreOptions(connect, poolSize, interval, logRetention);
    }

    public PgStoreOptions withLogRetention(Duration retention) {
        return new PgStoreOptions(connect, poolSize, catchUpInterval, retention);
    }

    /** A copy of the connection options; the record's own stays unchanged. */
    @Override
    public PgConnectOptions connect() {
        return new PgConnectOptions(connect);
    }

    /** The same database as a JDBC URL, for the migrations. */
    String jdbcUrl() {
        return "jdbc:postgresql://" + connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
    }
}
