package io.sipmap.junit;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The one {@link Vertx} of the JVM's test runs: made by the first lease, closed when the last lease is given back (a
 * test run's end), so that every test class after the first only deploys a verticle on it. Thread-safe.
 */
final class SharedVertx {

    private static Vertx vertx;
    private static int leases;

    private SharedVertx() {
    }

    /** A lease on the shared {@link Vertx}; closing it gives it back, once. */
    static final class Lease implements AutoCloseable {
        private final Vertx leased;
        private boolean closed;

        private Lease(Vertx leased) {
            this.leased = leased;
        }

        Vertx vertx() {
            return leased;
        }

        @Override
        public void close() throws Exception {
            synchronized (SharedVertx.class) {
                if (closed) {
                    return;
                }
                closed = true;
                if (--leases > 0) {
                    return;
                }
                vertx = null;
            }
            leased.close().await(30, TimeUnit.SECONDS);
        }
    }

    static synchronized Lease lease() {
        if (vertx == null) {
            vertx = Vertx.vertx();
        }
        leases++;
        return new Lease(vertx);
    }
}
