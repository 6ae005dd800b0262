package io.sipmap.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PgMigrationsTest {

    @Test
    void instancesStartingTogetherOnAnEmptyDatabaseEndWithOneSchema() throws Exception {
        PgConnectOptions database = TestDatabase.freshDatabase();
        List<Future<PgStores>> starts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            starts.add(PgStores.start(TestDatabase.vertx(), PgStoreOptions.of(database)));
        }

        Future.all(starts).await(60, TimeUnit.SECONDS);

        for (Future<PgStores> start : starts) {
            start.result().close().await(10, TimeUnit.SECONDS);
        }
        try (Connection connection = TestDatabase.jdbc(database); Statement statement = connection.createStatement();
             ResultSet history = statement.executeQuery("SELECT version, success FROM "
                     + Migrations.HISTORY_TABLE + " ORDER BY installed_rank")) {
            List<String> applied = new ArrayList<>();
            while (history.next()) {
                assertThat(history.getBoolean(2)).isTrue();
                applied.add(history.getString(1));
            }
            assertThat(applied).containsExactly("1", "2", "3", "4", "5", "6", "7");
        }
    }

    @Test
    void anInstanceStartingOnACurrentSchemaAppliesNothing() throws Exception {
        PgConnectOptions database = TestDatabase.freshDatabase();
        PgStoreOptions options = PgStoreOptions.of(database);

        assertThat(TestDatabase.vertx().executeBlocking(() -> Migrations.migrate(options)).await(60, TimeUnit.SECONDS))
                .isEqualTo(7);
        assertThat(TestDatabase.vertx().executeBlocking(() -> Migrations.migrate(options)).await(60, TimeUnit.SECONDS))
                .isZero();
    }
}
