package io.sipmap.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The statements that page read the primary key's index in order, wherever the page starts: the plans PostgreSQL
 * chooses on realistic statistics (10,000 rows in the account paged, as many in each of four others, analysed and
 * vacuumed) have an index scan and neither a sequential scan nor a sort, both the plans made for the values given
 * and the generic plans the stores' read connections use; and the scans a page makes are index-only, reading no row
 * of the table itself.
 */
class PgPagingPlanTest {

    private static final int ROWS = 10_000;
    private static final UUID ACCOUNT = new UUID(0x5eed_0000_0000_0002L, 3);
    private static PgConnectOptions database;
    private static Pool pool;
    private static Pool generic;

    @BeforeAll
    static void fill() {
        database = TestDatabase.freshDatabase();
        TestDatabase.start(PgStoreOptions.of(database)).close().await();
        for (int account = 0; account < 5; account++) {
            UUID owner = account == 2 ? ACCOUNT : new UUID(0x5eed_0000_0000_0000L + account, account);
            // SIDs spread over the whole range, top bit set or not, inserted out of order
            TestDatabase.execute(database, "INSERT INTO ip_records SELECT '" + owner + "', md5('" + owner
                    + "' || i)::uuid, NULL, i, 32, now(), now() FROM generate_series(1, " + ROWS + ") i");
        }
        TestDatabase.execute(database, "INSERT INTO source_ip_mappings SELECT account, md5('m' || sid)::uuid, sid,"
                + " sid, now(), now() FROM ip_records");
        TestDatabase.execute(database, "VACUUM ANALYZE");
        pool = PgBuilder.pool().connectingTo(database).using(TestDatabase.vertx()).build();
        generic = PgBuilder.pool().connectingTo(new PgConnectOptions(database)
                .addProperty("plan_cache_mode", "force_generic_plan")).using(TestDatabase.vertx()).build();
    }

    @AfterAll
    static void close() {
        pool.close().await();
        generic.close().await();
    }

    private static String plan(Pool on, String sql, Tuple parameters) throws Exception {
        if (on == pool) {
            return lines(pool.preparedQuery("EXPLAIN " + sql).execute(parameters).await(10, TimeUnit.SECONDS));
        }
        // EXPLAIN with parameters plans for their values: the generic plan is the prepared statement's
        List<String> values = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            values.add("'" + parameters.getValue(i) + "'");
        }
        return lines(generic.withConnection(connection -> connection.query("PREPARE paged AS " + sql).execute()
                .compose(prepared -> connection.query("EXPLAIN EXECUTE paged(" + String.join(", ", values) + ")")
                        .execute())
                .eventually(() -> connection.query("DEALLOCATE paged").execute()))
                .await(10, TimeUnit.SECONDS));
    }

    private static String lines(Iterable<Row> rows) {
        return String.join("\n", StreamSupport.stream(rows.spliterator(), false)
                .map((Row row) -> row.getString(0)).toList());
    }

    private static void assertIndexScanOnly(String sql, Tuple parameters) throws Exception {
        String custom = plan(pool, sql, parameters);
        assertThat(custom).as(custom).contains("Index").doesNotContain("Seq Scan").doesNotContain("Sort");
        String planned = plan(generic, sql, parameters);
        // a generic plan names the parameters rather than their values
        assertThat(planned).as(planned).contains("$1").contains("Index").doesNotContain("Seq Scan")
                .doesNotContain("Sort");
    }

    /** Plans whose every scan is index-only: the table's rows are never read. */
    private static void assertIndexOnly(String sql, Tuple parameters) throws Exception {
        for (Pool on : List.of(pool, generic)) {
            String text = plan(on, sql, parameters);
            assertThat(text.lines().filter(line -> line.contains(" Scan ")))
                    .as(text).isNotEmpty().allMatch(line -> line.contains("Index Only Scan"));
        }
    }

    @Test
    void everyPageOfIpRecordsIsAnIndexRangeScan() throws Exception {
        assertEveryPageIsAnIndexRangeScan(PgIpRecordStore.PAGES);
    }

    @Test
    void everyPageOfMappingsIsAnIndexRangeScan() throws Exception {
        assertEveryPageIsAnIndexRangeScan(PgSourceIpMappingStore.PAGES);
    }

    private static void assertEveryPageIsAnIndexRangeScan(PgPages<?> pages) throws Exception {
        List<UUID> cursors = new ArrayList<>();
        for (String cursor : new String[] {"00000000-0000-0000-0000-000000000000", "7fffffff-ffff-ffff-ffff-ffffffffffff",
                "80000000-0000-0000-0000-000000000000", "c0ffee00-0000-0000-8000-000000000000",
                "ffffffff-ffff-ffff-ffff-ffffffffffff"}) {
            cursors.add(UUID.fromString(cursor));
        }
        for (int size : new int[] {2, 51, 1001}) {
            assertIndexScanOnly(pages.first, Tuple.of(ACCOUNT, size));
            assertIndexScanOnly(pages.offset, Tuple.of(ACCOUNT, size, 500L));
            for (UUID cursor : cursors) {
                assertIndexScanOnly(pages.after, Tuple.of(ACCOUNT, cursor, size));
                assertIndexScanOnly(pages.before, Tuple.of(ACCOUNT, cursor, size));
                assertIndexScanOnly(pages.fromAfter, Tuple.of(ACCOUNT, cursor, size));
                assertIndexScanOnly(pages.fromBefore, Tuple.of(ACCOUNT, cursor, size));
            }
        }
        UUID middle = cursors.get(1);
        assertIndexOnly(pages.first, Tuple.of(ACCOUNT, 51));
        assertIndexOnly(pages.fromAfter, Tuple.of(ACCOUNT, middle, 52));
        assertIndexOnly(pages.fromBefore, Tuple.of(ACCOUNT, middle, 52));
        assertIndexOnly(pages.after, Tuple.of(ACCOUNT, middle, 51));
    }
}
