package io.sipmap.adapter.postgres;

import io.vertx.pgclient.PgConnectOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the stores keep their data, how they reach it, and how long a call may wait for it.
 *
 * @param connect          the database; copied, so later changes to the given object do not reach the stores
 * @param poolSize         the most connections the stores' pool for writes opens, at least 1 (LISTEN takes one more)
 * @param readConnections  the most connections the stores' reads (find and list) open, at least 1: reads share
 *                         them, up to {@link #READ_PIPELINING} statements in flight on each (pipelined), which costs
 *                         both the client and PostgreSQL far less per statement than a connection per statement. Only
 *                         reads are pipelined: they never wait for a lock, so none holds up the others behind it
 * @param maxWaitQueueSize the most calls that wait for a connection when all {@code poolSize} are busy (or, for reads,
 *                         all {@code readConnections} are {@link #READ_PIPELINING} statements deep), at least 0; one
 *                         more fails at once, as an exhausted pool
 * @param catchUpInterval  how often the resolution replica compares itself with the change log, whatever it heard:
 *                         the longest a lost notification delays a change; positive
 * @param logRetention     how long the change log keeps a change; a replica behind for longer reloads the accounts
 *                         concerned from the tables; positive
 * @param timeouts         how long each step of a call may take
 */
public record PgStoreOptions(PgConnectOptions connect, int poolSize, int readConnections, int maxWaitQueueSize,
                             Duration catchUpInterval, Duration logRetention, Timeouts timeouts) {

    public static final int DEFAULT_POOL_SIZE = 8;
    public static final int DEFAULT_READ_CONNECTIONS = 2;
    /** How many reads may be in flight on one read connection. */
    public static final int READ_PIPELINING = 64;
    public static final int DEFAULT_MAX_WAIT_QUEUE_SIZE = 256;
    public static final Duration DEFAULT_CATCH_UP_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_LOG_RETENTION = Duration.ofHours(1);

    public PgStoreOptions {
        connect = new PgConnectOptions(Objects.requireNonNull(connect, "connect"));
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
        }
        if (readConnections < 1) {
            throw new IllegalArgumentException("readConnections must be at least 1, got " + readConnections);
        }
        if (maxWaitQueueSize < 0) {
            throw new IllegalArgumentException("maxWaitQueueSize must be at least 0, got " + maxWaitQueueSize);
        }
        positive(catchUpInterval, "catchUpInterval");
        positive(logRetention, "logRetention");
        Objects.requireNonNull(timeouts, "timeouts");
    }

    /**
     * How long the steps of a store call may take; each at least 1 ms. What vertx-pg-client offers decides the
     * shape: a TCP connect timeout, a timeout for the wait for a pooled connection, and no timeout of a query of its
     * own, so the database bounds each statement ({@code statement_timeout}, set when a pool connection opens), and
     * the stores bound each call as a whole, which covers what neither sees: a database that accepts a connection or
     * a query and never answers. A call past {@code call} fails; a write it carried may still commit. A call waiting
     * for a connection the pool is opening to a database that does not answer fails at {@code poolWait}, as a pool
     * with no connection to give. The replica's LISTEN connection is not bounded by these: it reconnects by itself,
     * and meanwhile the periodic catch-up, through the pool, brings the changes.
     *
     * @param connect   opening a TCP connection to the database (the client's connect timeout)
     * @param poolWait  waiting for a free pool connection when all are busy (the pool's connection timeout)
     * @param statement one statement in the database; longer ones are cancelled by the server (the replica's bulk
     *                  reads of whole accounts are exempt)
     * @param call      one store call from start to end, whatever it waits for
     */
    public record Timeouts(Duration connect, Duration poolWait, Duration statement, Duration call) {

        /** Connect 2 s, wait for a connection 2 s, statement 5 s, call 10 s. */
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofSeconds(10));

        public Timeouts {
            positive(connect, "connect timeout");
            positive(poolWait, "poolWait timeout");
            positive(statement, "statement timeout");
            positive(call, "call timeout");
        }
    }

    private static void positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.toMillis() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 ms, got " + duration);
        }
    }

    /** The default pool, queue, catch-up interval, log retention and timeouts for the given database. */
    public static PgStoreOptions of(PgConnectOptions connect) {
        return new PgStoreOptions(connect, DEFAULT_POOL_SIZE, DEFAULT_READ_CONNECTIONS, DEFAULT_MAX_WAIT_QUEUE_SIZE,
                DEFAULT_CATCH_UP_INTERVAL,
                DEFAULT_LOG_RETENTION, Timeouts.DEFAULT);
    }

    /** {@link #of} for a URI such as {@code postgresql://user:secret@host:5432/sipmap}. */
    public static PgStoreOptions fromUri(String uri) {
        return of(PgConnectOptions.fromUri(uri));
    }

    public PgStoreOptions withPoolSize(int size) {
        return new PgStoreOptions(connect, size, readConnections, maxWaitQueueSize, catchUpInterval, logRetention,
                timeouts);
    }

    public PgStoreOptions withReadConnections(int connections) {
        return new PgStoreOptions(connect, poolSize, connections, maxWaitQueueSize, catchUpInterval, logRetention,
                timeouts);
    }

    public PgStoreOptions withMaxWaitQueueSize(int size) {
        return new PgStoreOptions(connect, poolSize, readConnections, size, catchUpInterval, logRetention, timeouts);
    }

    public PgStoreOptions withCatchUpInterval(Duration interval) {
        return new PgStoreOptions(connect, poolSize, readConnections, maxWaitQueueSize, interval, logRetention,
                timeouts);
    }

    public PgStoreOptions withLogRetention(Duration retention) {
        return new PgStoreOptions(connect, poolSize, readConnections, maxWaitQueueSize, catchUpInterval, retention,
                timeouts);
    }

    public PgStoreOptions withTimeouts(Timeouts newTimeouts) {
        return new PgStoreOptions(connect, poolSize, readConnections, maxWaitQueueSize, catchUpInterval,
                logRetention, newTimeouts);
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
