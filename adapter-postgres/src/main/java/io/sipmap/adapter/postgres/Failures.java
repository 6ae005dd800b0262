package io.sipmap.adapter.postgres;

import io.sipmap.domain.SipmapException;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.DatabaseException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Failures of the database as the spi reports them. The stores turn the violations they expect (a unique key, a
 * foreign key) into {@link SipmapException.Conflict} or {@link SipmapException.InvalidParameter} themselves, where they
 * know which write failed; what is left goes through {@link #translate}: a database out of reach (connection refused
 * or closed, pool exhausted, server shutting down or out of resources) is {@link SipmapException.Upstream}, anything
 * else stays as it is, a bug to be logged rather than blamed on the caller.
 */
final class Failures {

    static final String UNIQUE_VIOLATION = "23505";
    static final String FOREIGN_KEY_VIOLATION = "23503";
    static final String INTEGRITY_CONSTRAINT_VIOLATION = "23000";

    private Failures() {
    }

    /** The stage of {@code body}'s future, failures translated; a body that throws fails the stage instead. */
    static <T> CompletionStage<T> stage(Supplier<Future<T>> body) {
        try {
            return body.get().recover(e -> Future.failedFuture(translate(e))).toCompletionStage();
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    /** Whether {@code failure} is a violation of {@code constraint} with the given SQLSTATE. */
    static boolean violates(Throwable failure, String sqlState, String constraint) {
        return failure instanceof PgException pg && sqlState.equals(pg.getSqlState())
                && constraint.equals(pg.getConstraint());
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
            return failure;
        }
        if (failure instanceof VertxException || failure instanceof IOException) {
            return unreachable(failure); // closed connection, connect refused or timed out, no connection from the pool
        }
        return failure;
    }

    private static SipmapException.Upstream unreachable(Throwable cause) {
        return new SipmapException.Upstream("PostgreSQL is out of reach: " + cause.getMessage(), null, cause);
    }
}
