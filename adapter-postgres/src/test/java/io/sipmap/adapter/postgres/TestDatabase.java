package io.sipmap.adapter.postgres;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL server of this test JVM, started once: the one named by {@code SIPMAP_TEST_DATABASE_URL} (a URI such
 * as {@code postgresql://user:secret@host:5432/db}, whose database the suites share), or else an embedded one
 * (zonky's binaries from Maven Central; as root it runs them under {@code unshare -U}, since initdb refuses root).
 * Also the one {@link Vertx} and the one {@link PgStores} that the contract suites share: each of their tests works
 * in a fresh account, so they need no cleanup.
 */
final class TestDatabase {

    static final String URL_VARIABLE = "SIPMAP_TEST_DATABASE_URL";

    private static PgConnectOptions shared;
    private static Vertx vertx;
    private static PgStores stores;
    private static PgStores secondStores;

    private TestDatabase() {
    }

    /** The database the suites share, migrated by the first {@link #stores()}. */
    static synchronized PgConnectOptions shared() {
        if (shared == null) {
            String url = System.getenv(URL_VARIABLE);
            if (url != null && !url.isBlank()) {
                shared = PgConnectOptions.fromUri(url.startsWith("jdbc:") ? url.substring(5) : url);
            } else {
                shared = freshDatabase(embedded());
            }
        }
        return new PgConnectOptions(shared);
    }

    /** A new, empty database on the same server. */
    static PgConnectOptions freshDatabase() {
        return freshDatabase(shared());
    }

    private static PgConnectOptions freshDatabase(PgConnectOptions server) {
        String name = "sipmap_" + UUID.randomUUID().toString().replace("-", "");
        execute(server, "CREATE DATABASE " + name);
        return new PgConnectOptions(server).setDatabase(name);
    }

    static synchronized Vertx vertx() {
        if (vertx == null) {
            vertx = Vertx.vertx();
        }
        return vertx;
    }

    /** The stores over {@link #shared()}, started once. */
    static synchronized PgStores stores() {
        if (stores == null) {
            stores = start(PgStoreOptions.of(shared()));
        }
        return stores;
    }

    /** A second instance over {@link #shared()}, with its own pool and replica, started once. */
    static synchronized PgStores secondStores() {
        if (secondStores == null) {
            secondStores = start(PgStoreOptions.of(shared()));
        }
        return secondStores;
    }

    static PgStores start(PgStoreOptions options) {
        try {
            return PgStores.start(vertx(), options).await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the stores did not start", e);
        }
    }

    /** Runs one statement over JDBC, for set-up the stores do not offer. */
    static void execute(PgConnectOptions database, String sql) {
        try (Connection connection = jdbc(database); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static Connection jdbc(PgConnectOptions database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", database.getUser());
        if (database.getPassword() != null) {
            properties.setProperty("password", database.getPassword());
        }
        return DriverManager.getConnection(PgStoreOptions.of(database).jdbcUrl(), properties);
    }

    private static PgConnectOptions embedded() {
        try {
            EmbeddedPostgres server = EmbeddedPostgres.builder().start(); // stopped by its shutdown hook
            return new PgConnectOptions().setHost("localhost").setPort(server.getPort()).setDatabase("postgres")
                    .setUser("postgres").setPassword("postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded PostgreSQL did not start", e);
        }
    }
}
