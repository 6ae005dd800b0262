package io.sipmap.adapter.postgres;

import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.flywaydb.core.Flyway;

/**
 * Brings the schema to the latest version with Flyway, over JDBC (which Flyway needs), once at start; blocking, so it
 * runs on a worker thread. The versioned scripts live in {@code io/sipmap/adapter/postgres/migrations}.
 *
 * <p>Instances starting together take turns: each holds a session-level advisory lock on a connection of its own for
 * the whole migration, so only the first one migrates and the others find the schema current. Flyway takes locks of its
 * own while it migrates; the one here spans the whole run, the creation of the history table included, so that the
 * turn-taking does not depend on how a Flyway version does it.
 */
final class Migrations {

    static final String LOCATION = "classpath:io/sipmap/adapter/postgres/migrations";
    static final String HISTORY_TABLE = "sipmap_schema_history";
    /** The advisory lock key: "sipmap" in ASCII. */
    private static final long LOCK_KEY = 0x7369706d6170L;

    private Migrations() {
    }

    /** @return the number of migrations this call applied */
    static int migrate(PgStoreOptions options) throws SQLException {
        PgConnectOptions connect = options.connect();
        Properties credentials = new Properties();
        if (connect.getUser() != null) {
            credentials.setProperty("user", connect.getUser());
        }
        if (connect.getPassword() != null) {
            credentials.setProperty("password", connect.getPassword());
        }
        // seconds, rounded up; 0 would mean none
        credentials.setProperty("connectTimeout",
                Long.toString(Math.max(1, (options.timeouts().connect().toMillis() + 999) / 1000)));
        String url = options.jdbcUrl();
        try (Connection lock = DriverManager.getConnection(url, credentials)) {
            try (Statement statement = lock.createStatement()) {
                statement.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
            }
            // closing the connection releases the lock, whatever happened
            int applied = Flyway.configure()
                    .dataSource(url, connect.getUser(), connect.getPassword())
                    .locations(LOCATION)
                    .table(HISTORY_TABLE)
                    .failOnMissingLocations(true)
                    .load()
                    .migrate()
                    .migrationsExecuted;
            if (applied > 0) {
                // a rewritten table (V4, V7) has no page marked all-visible, so its pages would read the table
                // (a heap fetch a row) until autovacuum came by, which its rewrite does not count as a change; a
                // vacuum marks them now (outside a transaction, which Flyway's migrations are not)
                try (Statement statement = lock.createStatement()) {
                    statement.execute("VACUUM (ANALYZE) ip_records, source_ip_mappings");
                }
            }
            return applied;
        }
    }
}
