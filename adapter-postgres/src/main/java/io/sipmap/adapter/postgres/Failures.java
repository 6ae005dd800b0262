package io.sipmap.adapter.postgres;

import io.sipmap.domain.SipmapException;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.DatabaseException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Failures of the database as the spi reports them, and the bound on a store call. The stores turn the violations
 * they expect (a unique key, a foreign key) into {@link SipmapException.Conflict} or
 * {@link SipmapException.InvalidParameter} themselves, where they know which write failed; what is left goes through
 * {@link #translate}: a database out of reach (connection refused or closed, server shutting down or out of
 * resources), too slow (a statement cancelled at its timeout, a call past its own) or a pool exhausted (no free
 * connection, wait queue full) is {@link SipmapException.Unavailable}, which the server answers 503 with Retry-After,
 * with a message saying which; anything else stays as it is, a bug to be logged rather than blamed on the caller.
 */
final class Failures {

    static final String UNIQUE_VIOLATION = "23505";
    static final String FOREIGN_KEY_VIOLATION = "23503";
    static final String NOT_NULL_VIOLATION = "23502";
    static final String INTEGRITY_CONSTRAINT_VIOLATION = "23000";
    static final String QUERY_CANCELED = "57014";
    /** The message of vertx-sql-client's pool when no connection came free within its connection timeout. */
    private static final String POOL_WAIT_TIMEOUT = "Timeout waiting for connection";

    private final long callTimeoutMillis;

    /** @param callTimeout the longest a store call may take, whatever it waits for */
    Failures(Duration callTimeout) {
        this.callTimeoutMillis = callTimeout.toMillis();
    }

    /**
     * The stage of {@code body}'s future, failed when it takes longer than the call timeout, failures translated; a
     * body that throws fails the stage instead.
     */
    <T> CompletionStage<T> stage(Supplier<Future<T>> body) {
        try {
            return body.get().timeout(callTimeoutMillis, TimeUnit.MILLISECONDS)
                    .recover(e -> Future.failedFuture(translate(e instanceof TimeoutException
                            ? new SipmapException.Unavailable("PostgreSQL did not answer within " + callTimeoutMillis
                                    + " ms; a write may or may not have been made", e)
                            : e)))
                    .toCompletionStage();
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    /** Whether {@code failure} is a violation of {@code constraint} (any, when null) with the given SQLSTATE. */
    static boolean violates(Throwable failure, String sqlState, String constraint) {
        return failure instanceof PgException pg && sqlState.equals(pg.getSqlState())
                && (constraint == null || constraint.equals(pg.getConstraint()));
    }

    static Throwable translate(Throwable failure) {
        if (failure instanceof SipmapException) {
            return failure;
        }
        if (failure instanceof DatabaseException db) {
            String state = db.getSqlState() == null ? "" : db.getSqlState();
            // 08: connection exception; 53: insufficient resources; 57P: operator intervention (shutdown, restart)
            if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")) {
                return unreachable(failure);
            }
            if (state.equals(QUERY_CANCELED)) {
                return new SipmapException.Unavailable("PostgreSQL cancelled a statement that ran past the statement"
                        + " timeout: " + failure.getMessage(), failure);
            }
            return failure;
        }
        if (failure instanceof ConnectionPoolTooBusyException
                || failure instanceof VertxException && POOL_WAIT_TIMEOUT.equals(failure.getMessage())) {
            return new SipmapException.Unavailable("PostgreSQL connection pool exhausted: " + failure.getMessage(),
                    failure);
        }
        if (failure instanceof VertxException || failure instanceof IOException) {
            return unreachable(failure); // closed connection, connect refused or timed out, no connection from the pool
        }
        return failure;
    }

    private static SipmapException.Unavailable unreachable(Throwable cause) {
        return new SipmapException.Unavailable("PostgreSQL is out of reach: " + cause.getMessage(), cause);
    }
}
