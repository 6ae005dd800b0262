package io.sipmap.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeBatch;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Taking a database of the version before over (migration V7, IPv6 records): a database at V6 holding IPv4 data
 * written by V6's own statements ({@code v6-statements.properties}, printed from that version's classes) reads back
 * identically through this version once its start has migrated it, then takes IPv6 records; and an instance of the
 * version before, running those same statements against the migrated database, reads exactly what it read before
 * and keeps writing IPv4 records and mappings, while it is refused, never misled, on an IPv6 record.
 */
class PgV7MigrationTest {

    private static final Properties V6 = load();
    private static final OffsetDateTime T = OffsetDateTime.parse("2024-05-06T07:08:09Z");
    private static final SidGenerator SIDS = SidGenerator.timeOrdered(Clock.systemUTC(),
            () -> ThreadLocalRandom.current().nextLong());

    private static Properties load() {
        Properties statements = new Properties();
        try (InputStream in = PgV7MigrationTest.class.getResourceAsStream("v6-statements.properties")) {
            statements.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return statements;
    }

    private static String v6(String name) {
        return V6.getProperty(name);
    }

    private static RowSet<Row> run(Pool pool, String statement, Tuple parameters) {
        try {
            return pool.preparedQuery(v6(statement)).execute(parameters).await(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(statement + " took over 30 s", e);
        }
    }

    /** Every value of every row, as text (a bytea in hex): what an instance reads, to compare before and after. */
    private static List<String> rows(RowSet<Row> rows) {
        List<String> out = new ArrayList<>();
        for (Row row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                Object value = row.getValue(i);
                line.append(value instanceof Buffer b ? "\\x" + java.util.HexFormat.of().formatHex(b.getBytes())
                        : String.valueOf(value)).append('|');
            }
            out.add(line.toString());
        }
        return out;
    }

    /** What an instance of V6 reads of the account: pages of both resources, the log (both readers), resolutions. */
    private static List<List<String>> v6Reads(Pool pool, UUID account) {
        return List.of(rows(run(pool, "PgIpRecordStore.PAGE_FIRST", Tuple.of(account, 1000))),
                rows(run(pool, "PgSourceIpMappingStore.PAGE_FIRST", Tuple.of(account, 1000))),
                rows(run(pool, "PgChangeStore.CHANGES_AFTER", Tuple.of(account, 0L, 1000))),
                rows(run(pool, "PgResolutionStore.CHANGES_AFTER", Tuple.of(account, 0L))),
                rows(run(pool, "PgChangeStore.MAPPED", Tuple.of(account))),
                rows(run(pool, "PgResolutionStore.RESOLUTIONS", Tuple.tuple())));
    }

    private static UUID uuid(io.sipmap.domain.Sid sid) {
        return Columns.uuid(sid);
    }

    /** V6's insert of an IPv4 record, as its PgIpRecordStore sends it. */
    private static IpRecordSid v6Record(Pool pool, UUID account, String address, int length, String name) {
        IpRecordSid sid = SIDS.nextIpRecordSid();
        run(pool, "PgIpRecordStore.INSERT", Tuple.from(new Object[] {account, uuid(sid), name,
                Ipv4Address.parse(address).bits(), (short) length, T, T}));
        return sid;
    }

    private static SourceIpMappingSid v6Mapping(Pool pool, UUID account, IpRecordSid record, UUID domain) {
        SourceIpMappingSid sid = SIDS.nextSourceIpMappingSid();
        RowSet<Row> rows = run(pool, "PgSourceIpMappingStore.INSERT", Tuple.of(account, uuid(sid), uuid(record), domain,
                T, T));
        assertThat(rows.size()).isEqualTo(1);
        return sid;
    }

    @Test
    void aV6DatabaseReadsBackIdenticallyAfterV7TakesIpv6AndStillServesV6Instances() throws Exception {
        PgConnectOptions database = TestDatabase.freshDatabase();
        PgStoreOptions options = PgStoreOptions.of(database);
        Flyway.configure().dataSource(options.jdbcUrl(), database.getUser(), database.getPassword())
                .locations(Migrations.LOCATION).table(Migrations.HISTORY_TABLE).target("6").load().migrate();
        Pool pool = PgBuilder.pool().connectingTo(database).using(TestDatabase.vertx()).build();
        AccountSid account = AccountSid.ofHex(UUID.randomUUID().toString().replace("-", ""));
        UUID owner = uuid(account);
        UUID domain = UUID.randomUUID();
        UUID otherDomain = UUID.randomUUID();
        try {
            // V6 writes: records with and without names and host bits, mappings, a rename, a remap, an unmap
            IpRecordSid wide = v6Record(pool, owner, "10.0.0.0", 8, "wide");
            IpRecordSid narrow = v6Record(pool, owner, "10.1.2.5", 24, null);
            IpRecordSid single = v6Record(pool, owner, "192.0.2.1", 32, "single");
            IpRecordSid unmapped = v6Record(pool, owner, "203.0.113.0", 24, null);
            v6Mapping(pool, owner, wide, domain);
            SourceIpMappingSid narrowMapping = v6Mapping(pool, owner, narrow, domain);
            SourceIpMappingSid singleMapping = v6Mapping(pool, owner, single, domain);
            v6Mapping(pool, owner, unmapped, domain);
            run(pool, "PgBatchStore.RENAME", Tuple.of(owner, uuid(narrow), "renamed", T.plusHours(1)));
            run(pool, "PgSourceIpMappingStore.REPLACE", Tuple.of(owner, uuid(narrowMapping), uuid(narrow),
                    otherDomain, T.plusHours(2), T));
            assertThat(run(pool, "PgSourceIpMappingStore.DELETE", Tuple.of(owner, uuid(singleMapping))).size())
                    .isEqualTo(1);
            List<List<String>> before = v6Reads(pool, owner);
            assertThat(before.get(0)).hasSize(4);
            assertThat(before.get(2)).hasSize(11);

            PgStores stores = TestDatabase.start(options); // migrates to V7
            try {
                assertThat(TestDatabase.vertx().executeBlocking(() -> Migrations.migrate(options))
                        .await(60, TimeUnit.SECONDS)).isZero();
                // an instance of V6 reads exactly what it read: same rows, same bytes (packed included)
                assertThat(v6Reads(pool, owner)).isEqualTo(before);

                // this version reads the same records, mappings, changes and resolutions
                Page<IpRecord> records = stores.ipRecords().page(account, PageRequest.first(1000))
                        .toCompletableFuture().get(30, TimeUnit.SECONDS);
                List<IpRecord> expected = new ArrayList<>();
                for (Row row : run(pool, "PgIpRecordStore.PAGE_FIRST", Tuple.of(owner, 1000))) {
                    Buffer packed = row.getBuffer(0);
                    expected.add(new IpRecord(account, new IpRecordSid(packed.getLong(0), packed.getLong(8)),
                            row.getString(1), new Ipv4Address(packed.getInt(16)), packed.getShort(20),
                            Instant.ofEpochSecond(946_684_800L + packed.getLong(22) / 1_000_000),
                            Instant.ofEpochSecond(946_684_800L + packed.getLong(30) / 1_000_000)));
                }
                assertThat(records.items()).isEqualTo(expected);
                assertThat(records.items()).extracting(r -> r.prefix().toString())
                        .containsExactly("10.0.0.0/8", "10.1.2.5/24", "192.0.2.1/32", "203.0.113.0/24");
                assertThat(records.items().get(1).friendlyName()).isEqualTo("renamed");
                ChangeBatch log = stores.changes().changesAfter(account, ChangeId.ZERO, 1000).toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
                assertThat(log.tooOld()).isFalse();
                assertThat(log.changes()).extracting(Change::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L,
                        10L, 11L);
                assertThat(log.changes().get(9).ipRecordPrefix().toString()).isEqualTo("10.1.2.5/24");
                assertThat(resolve(stores, account, "10.1.2.9").orElseThrow().sipDomainSid())
                        .isEqualTo(new SipDomainSid(otherDomain.getMostSignificantBits(),
                                otherDomain.getLeastSignificantBits()));
                assertThat(resolve(stores, account, "10.9.9.9").orElseThrow().ipRecordSid()).isEqualTo(wide);
                assertThat(resolve(stores, account, "192.0.2.1")).as("its mapping was deleted").isEmpty();
                assertThat(resolve(stores, account, "203.0.113.7")).isPresent();

                // an instance of V6 keeps writing IPv4 records and mappings, which this version follows
                IpRecordSid late = v6Record(pool, owner, "198.51.100.0", 24, "late");
                v6Mapping(pool, owner, late, domain);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (resolve(stores, account, "198.51.100.7").isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(resolve(stores, account, "198.51.100.7").orElseThrow().ipRecordSid()).isEqualTo(late);

                // this version takes IPv6 records, beside the IPv4 ones
                IpRecord v6 = stores.ipRecords().insert(new IpRecord(account, SIDS.nextIpRecordSid(), "v6",
                        IpAddress.parse("2001:db8::"), 32, T.toInstant(), T.toInstant())).toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
                SourceIpMapping v6Mapping = stores.sourceIpMappings().insert(new SourceIpMapping(account,
                        SIDS.nextSourceIpMappingSid(), v6.sid(), new SipDomainSid(domain.getMostSignificantBits(),
                                domain.getLeastSignificantBits()), T.toInstant(), T.toInstant()))
                        .toCompletableFuture().get(30, TimeUnit.SECONDS);
                assertThat(resolve(stores, account, "2001:db8:1::1")).contains(Resolution.of(v6Mapping, v6));
                assertThat(stores.ipRecords().find(account, v6.sid()).toCompletableFuture().get(10, TimeUnit.SECONDS))
                        .contains(v6);
                assertThat(stores.ipRecords().page(account, PageRequest.first(1000)).toCompletableFuture()
                        .get(30, TimeUnit.SECONDS).items()).hasSize(6).contains(v6).containsAll(expected);

                // an instance of V6 still reads its IPv4 rows as before, and is refused, never misled, on the IPv6 one
                List<String> pageNow = rows(run(pool, "PgIpRecordStore.PAGE_FIRST", Tuple.of(owner, 1000)));
                assertThat(pageNow).containsAll(before.get(0));
                Buffer packed = run(pool, "PgIpRecordStore.FIND", Tuple.of(owner, uuid(v6.sid()))).iterator().next()
                        .getBuffer(0);
                assertThat(packed.length()).isEqualTo(56);
                assertThat(packed.getShort(20)).as("the prefix length V6 decodes, which its IpRecord refuses")
                        .isZero();
                ChangeId head = stores.changes().changesAfter(account, ChangeId.ZERO, 1).toCompletableFuture()
                        .get(10, TimeUnit.SECONDS).head();
                IpRecordSid v6Unmapped = stores.ipRecords().insert(new IpRecord(account, SIDS.nextIpRecordSid(),
                        null, IpAddress.parse("2001:db8:1::5"), 48, T.toInstant(), T.toInstant()))
                        .toCompletableFuture().get(30, TimeUnit.SECONDS).sid();
                ChangeId headNow = stores.changes().changesAfter(account, ChangeId.ZERO, 1).toCompletableFuture()
                        .get(10, TimeUnit.SECONDS).head();
                assertThatThrownBy(() -> v6Mapping(pool, owner, v6Unmapped, domain))
                        .hasMessageContaining("resolution_log_one_address");
                assertThatThrownBy(() -> run(pool, "PgBatchStore.RENAME", Tuple.of(owner, uuid(v6.sid()), "x",
                        T.plusHours(3)))).hasMessageContaining("resolution_log_one_address");
                assertThatThrownBy(() -> run(pool, "PgSourceIpMappingStore.REPLACE", Tuple.of(owner,
                        uuid(v6Mapping.sid()), uuid(v6.sid()), otherDomain, T.plusHours(3), T)))
                        .hasMessageContaining("older than migration V7");
                assertThat(stores.changes().changesAfter(account, ChangeId.ZERO, 1).toCompletableFuture()
                        .get(10, TimeUnit.SECONDS).head()).as("the refused writes logged nothing").isEqualTo(headNow);
                assertThat(headNow.seq()).isEqualTo(head.seq() + 1);
                assertThat(resolve(stores, account, "2001:db8:1::1")).contains(Resolution.of(v6Mapping, v6));
            } finally {
                stores.close().await(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static Optional<Resolution> resolve(PgStores stores, AccountSid account, String address)
            throws Exception {
        return stores.resolutions().resolve(account, IpAddress.parse(address)).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }
}
