package io.sipmap.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.spi.BatchWrite;
import io.sipmap.spi.SidGenerator;
import io.vertx.pgclient.PgConnectOptions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three instances on one database, each with its own resolution replica: a writer sees its own write at once, the
 * others within a bounded time, and after concurrent writes on all of them every replica equals the database.
 */
class PgReplicationTest {

    private static final SidGenerator SIDS = SidGenerator.timeOrdered(Clock.systemUTC(), new SecureRandom()::nextLong);
    private static final Instant T = Instant.parse("2026-03-18T23:31:36Z");
    private static final Duration CATCH_UP = Duration.ofMillis(300);
    private static PgConnectOptions database;
    private static final List<PgStores> instances = new ArrayList<>();

    @BeforeAll
    static void start() {
        database = TestDatabase.freshDatabase();
        for (int i = 0; i < 3; i++) {
            instances.add(TestDatabase.start(PgStoreOptions.of(database).withPoolSize(4).withCatchUpInterval(CATCH_UP)));
        }
    }

    @AfterAll
    static void close() {
        instances.forEach(stores -> stores.close().await());
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static IpRecord record(PgStores stores, AccountSid account, int address, int length) throws Exception {
        return await(stores.ipRecords().insert(new IpRecord(account, SIDS.nextIpRecordSid(), null,
                new Ipv4Address(address), length, T, T)));
    }

    private static SourceIpMapping map(PgStores stores, IpRecord record) throws Exception {
        return await(stores.sourceIpMappings().insert(new SourceIpMapping(record.accountSid(),
                SIDS.nextSourceIpMappingSid(), record.sid(), SipDomainSid.ofHex(SIDS.nextHex()), T, T)));
    }

    @Test
    void afterConcurrentWritersOnEveryInstanceEveryReplicaEqualsTheDatabase() throws Exception {
        List<AccountSid> accounts = List.of(AccountSid.ofHex(SIDS.nextHex()), AccountSid.ofHex(SIDS.nextHex()));
        int writers = 6;
        ExecutorService threads = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                PgStores stores = instances.get(w % instances.size());
                Random random = new Random(w);
                runs.add(threads.submit(() -> {
                    write(stores, accounts, random);
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        for (AccountSid account : accounts) {
            long head = head(account);
            Map<IpRecordSid, Resolution> stored = resolutions(account);
            assertThat(head).isGreaterThan(100);
            for (PgStores stores : instances) {
                awaitApplied(stores, account, head);
                PgResolutionStore replica = stores.replica();
                assertThat(replica.size(account)).isEqualTo(stored.size());
                stored.forEach((record, resolution) ->
                        assertThat(replica.held(account, record)).isEqualTo(resolution));
            }
        }
    }

    /** Random mapping writes of one writer on its own records; after each, its own instance already holds it. */
    private static void write(PgStores stores, List<AccountSid> accounts, Random random) throws Exception {
        List<SourceIpMapping> mine = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            AccountSid account = accounts.get(random.nextInt(accounts.size()));
            int op = mine.isEmpty() ? 0 : random.nextInt(3);
            if (op == 0) {
                IpRecord record = record(stores, account, random.nextInt(), 8 + random.nextInt(25));
                SourceIpMapping mapping = map(stores, record);
                mine.add(mapping);
                assertThat(stores.replica().held(account, record.sid()))
                        .isEqualTo(new Resolution(mapping.sipDomainSid(), mapping.sid(), record.sid(), record.prefix()));
            } else if (op == 1) {
                SourceIpMapping mapping = mine.get(random.nextInt(mine.size()));
                SourceIpMapping moved = mapping.withSipDomainSid(SipDomainSid.ofHex(SIDS.nextHex()), T);
                await(stores.sourceIpMappings().replace(moved));
                mine.set(mine.indexOf(mapping), moved);
                assertThat(stores.replica().held(moved.accountSid(), moved.ipRecordSid()).sipDomainSid())
                        .isEqualTo(moved.sipDomainSid());
            } else {
                SourceIpMapping mapping = mine.remove(random.nextInt(mine.size()));
                assertThat(await(stores.sourceIpMappings().delete(mapping.accountSid(), mapping.sid()))).isTrue();
                assertThat(stores.replica().held(mapping.accountSid(), mapping.ipRecordSid())).isNull();
            }
        }
    }

    @Test
    void anotherInstanceResolvesAWriteWithinMilliseconds() throws Exception {
        PgStores writer = instances.get(0);
        PgStores reader = instances.get(1);
        AccountSid account = AccountSid.ofHex(SIDS.nextHex());
        int samples = 300;
        long[] afterStage = new long[samples];
        long[] afterStart = new long[samples];
        for (int i = 0; i < samples; i++) {
            IpRecord record = record(writer, account, 0x0a000000 + (i << 8), 24);
            long start = System.nanoTime();
            SourceIpMapping mapping = map(writer, record);
            long written = System.nanoTime();
            long deadline = written + TimeUnit.SECONDS.toNanos(5);
            while (reader.replica().held(account, record.sid()) == null && System.nanoTime() < deadline) {
                LockSupport.parkNanos(20_000);
            }
            long seen = System.nanoTime();
            assertThat(await(reader.resolutions().resolve(account, new Ipv4Address(0x0a000001 + (i << 8))))
                    .orElseThrow().mappingSid()).isEqualTo(mapping.sid());
            afterStage[i] = seen - written;
            afterStart[i] = seen - start;
        }
        long p50 = percentile(afterStage, 50);
        long p99 = percentile(afterStage, 99);
        System.out.printf("Propagation to another instance over %d writes, from the write's completed stage: "
                        + "p50 %.2f ms, p99 %.2f ms; from the write's start: p50 %.2f ms, p99 %.2f ms%n", samples,
                p50 / 1e6, p99 / 1e6, percentile(afterStart, 50) / 1e6, percentile(afterStart, 99) / 1e6);
        // the target is a p99 under 100 ms; the bound asserted leaves room for a busy build machine
        assertThat(p99).isLessThan(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void aBurstOfWritesReachesAnotherInstanceBySignalsAloneWithinMilliseconds() throws Exception {
        PgStores writer = instances.get(0);
        // no periodic catch-up to lean on: only the writer's signals can bring the changes
        PgStores listening = TestDatabase.start(PgStoreOptions.of(database).withPoolSize(2)
                .withCatchUpInterval(Duration.ofHours(1)));
        try {
            AccountSid account = AccountSid.ofHex(SIDS.nextHex());
            List<CompletionStage<SourceIpMapping>> burst = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                IpRecord record = await(writer.ipRecords().insert(new IpRecord(account, SIDS.nextIpRecordSid(), null,
                        new Ipv4Address(0x0f000000 + (i << 8)), 24, T, T)));
                // the mappings in flight together: far more writes than signals
                burst.add(writer.sourceIpMappings().insert(new SourceIpMapping(account,
                        SIDS.nextSourceIpMappingSid(), record.sid(), SipDomainSid.ofHex(SIDS.nextHex()), T, T)));
            }
            for (CompletionStage<SourceIpMapping> write : burst) {
                await(write);
            }
            long head = head(account);
            assertThat(head).isEqualTo(200);
            awaitApplied(listening, account, head);
            resolutions(account).forEach((record, resolution) ->
                    assertThat(listening.replica().held(account, record)).isEqualTo(resolution));
        } finally {
            listening.close().await();
        }
    }

    @Test
    void aBatchReachesAnotherInstanceBySignalWithinMillisecondsAndIsLoggedAsSingleWrites() throws Exception {
        PgStores writer = instances.get(0);
        // no periodic catch-up to lean on: only the writer's signal after the batch's commit can bring it
        PgStores listening = TestDatabase.start(PgStoreOptions.of(database).withPoolSize(2)
                .withCatchUpInterval(Duration.ofHours(1)));
        try {
            AccountSid account = AccountSid.ofHex(SIDS.nextHex());
            IpRecord single = await(writer.ipRecords().insert(new IpRecord(account, SIDS.nextIpRecordSid(), "single",
                    new Ipv4Address(0x0f200000), 24, T, T)));
            awaitApplied(listening, account, head(account));
            List<BatchWrite> batch = new ArrayList<>();
            List<IpRecord> records = new ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                IpRecord record = new IpRecord(account, SIDS.nextIpRecordSid(), "r" + i,
                        new Ipv4Address(0x0f200000 + (i << 8)), 24, T, T);
                records.add(record);
                batch.add(new BatchWrite.InsertIpRecord(record));
            }
            for (IpRecord record : records) {
                batch.add(new BatchWrite.InsertSourceIpMapping(new SourceIpMapping(account,
                        SIDS.nextSourceIpMappingSid(), record.sid(), SipDomainSid.ofHex(SIDS.nextHex()), T, T)));
            }
            // a write of a single write's kind after the runs
            batch.add(new BatchWrite.RenameIpRecord(single.sid(), "renamed", T));
            await(writer.batches().apply(account, batch, false));
            long committed = System.nanoTime();
            long head = head(account);
            assertThat(head).isEqualTo(1 + 101);
            assertThat(writer.replica().applied(account)).as("the writer's replica at the answer").isEqualTo(head);

            awaitApplied(listening, account, head);
            assertThat(System.nanoTime() - committed).as("by the signal, not the hourly catch-up")
                    .isLessThan(TimeUnit.SECONDS.toNanos(2));
            resolutions(account).forEach((record, resolution) ->
                    assertThat(listening.replica().held(account, record)).isEqualTo(resolution));
            // logged as the single writes log: a nonce each, the head's the last one's, a mapping's record address,
            // a new record's name, as the batch's and the single write's log it
            String uuid = Columns.uuid(account).toString();
            assertThat(Tables.count(database, "SELECT count(*) FROM resolution_log WHERE account = ?::uuid"
                    + " AND nonce IS NULL", uuid)).isZero();
            assertThat(Tables.count(database, "SELECT count(*) FROM resolution_log l JOIN resolution_log_heads h"
                    + " ON h.account = l.account AND h.last_seq = l.seq AND h.last_nonce = l.nonce"
                    + " WHERE l.account = ?::uuid", uuid)).isEqualTo(1);
            assertThat(Tables.count(database, "SELECT count(*) FROM resolution_log l JOIN ip_records r"
                    + " ON r.account = l.account AND r.sid = l.ip_record_sid AND r.ip_address = l.ip_address"
                    + " AND r.cidr_prefix_length = l.cidr_prefix_length"
                    + " WHERE l.account = ?::uuid AND l.change = 'source_ip_mapping.created'", uuid)).isEqualTo(50);
            assertThat(Tables.count(database, "SELECT count(*) FROM resolution_log WHERE account = ?::uuid"
                    + " AND change = 'ip_record.created' AND friendly_name IS NOT NULL", uuid)).isEqualTo(1 + 50);
        } finally {
            listening.close().await();
        }
    }

    @Test
    void aWriteCommittedWithoutItsSignalReachesTheOthersAtTheirNextCatchUp() throws Exception {
        PgStores reader = instances.get(1);
        AccountSid account = AccountSid.ofHex(SIDS.nextHex());
        IpRecord record = record(instances.get(0), account, 0x0f100000, 24);
        awaitApplied(reader, account, head(account));
        // as an instance would leave it that stopped between its commit and its signal: the write and its change
        // committed, no signal sent
        SourceIpMapping mapping = new SourceIpMapping(account, SIDS.nextSourceIpMappingSid(), record.sid(),
                SipDomainSid.ofHex(SIDS.nextHex()), T, T);
        TestDatabase.execute(database, "WITH m AS (INSERT INTO source_ip_mappings (account, sid, ip_record_sid,"
                + " sip_domain_sid, date_created, date_updated) VALUES ('" + Columns.uuid(account) + "', '"
                + Columns.uuid(mapping.sid()) + "', '" + Columns.uuid(record.sid()) + "', '"
                + Columns.uuid(mapping.sipDomainSid()) + "', now(), now()) RETURNING *) SELECT l.* FROM m CROSS JOIN"
                + " LATERAL sipmap_log_change(m.account, 'source_ip_mapping.created', m.ip_record_sid, m.sid,"
                + " m.sip_domain_sid, NULL, NULL, NULL, m.date_created, m.date_updated) l");
        long written = System.nanoTime();

        awaitApplied(reader, account, head(account));
        assertThat(System.nanoTime() - written).as("within two catch-up periods")
                .isLessThan(2 * CATCH_UP.toNanos() + 500_000_000L);
        assertThat(reader.replica().held(account, record.sid()).mappingSid()).isEqualTo(mapping.sid());
    }

    private static long percentile(long[] values, int percent) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percent / 100.0 * sorted.length) - 1)];
    }

    @Test
    void aReplicaWhoseListenConnectionDropsCatchesUp() throws Exception {
        PgStores writer = instances.get(0);
        PgStores cut = instances.get(2);
        AccountSid account = AccountSid.ofHex(SIDS.nextHex());
        TestDatabase.execute(database, "SELECT pg_terminate_backend(" + cut.replica().listenerProcessId() + ")");

        List<SourceIpMapping> mappings = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            mappings.add(map(writer, record(writer, account, 0x0b000000 + (i << 8), 24)));
        }

        awaitApplied(cut, account, head(account));
        for (SourceIpMapping mapping : mappings) {
            assertThat(cut.replica().held(account, mapping.ipRecordSid()).mappingSid()).isEqualTo(mapping.sid());
        }
        // and it hears notifications again
        SourceIpMapping later = map(writer, record(writer, account, 0x0c000000, 24));
        awaitApplied(cut, account, head(account));
        assertThat(cut.replica().held(account, later.ipRecordSid()).mappingSid()).isEqualTo(later.sid());
    }

    @Test
    void aReplicaThatHearsNothingFollowsByCatchingUpAndReadsItsOwnWritesAfterAGap() throws Exception {
        PgStores writer = instances.get(0);
        PgStores deaf = instances.get(1);
        AccountSid account = AccountSid.ofHex(SIDS.nextHex());
        deaf.replica().dropNotifications(true);
        try {
            IpRecord first = record(writer, account, 0x0d000000, 24);
            SourceIpMapping lost = map(writer, first);
            long written = System.nanoTime();
            awaitApplied(deaf, account, head(account));
            long caughtUp = System.nanoTime() - written;
            assertThat(deaf.replica().held(account, first.sid()).mappingSid()).isEqualTo(lost.sid());
            assertThat(caughtUp).as("caught up within two periods").isLessThan(2 * CATCH_UP.toNanos() + 500_000_000L);

            // two changes it has not heard of, then one of its own: it reads the two before applying its own
            SourceIpMapping second = map(writer, record(writer, account, 0x0d000100, 24));
            await(writer.sourceIpMappings().delete(account, lost.sid()));
            IpRecord own = record(deaf, account, 0x0d000200, 24);
            SourceIpMapping mine = map(deaf, own);

            assertThat(deaf.replica().applied(account)).isEqualTo(head(account));
            assertThat(deaf.replica().held(account, first.sid())).isNull();
            assertThat(deaf.replica().held(account, second.ipRecordSid()).mappingSid()).isEqualTo(second.sid());
            assertThat(deaf.replica().held(account, own.sid()).mappingSid()).isEqualTo(mine.sid());
        } finally {
            deaf.replica().dropNotifications(false);
        }
    }

    @Test
    void aReplicaBehindAPrunedLogReloadsTheAccountFromTheTables() throws Exception {
        PgStores writer = instances.get(0);
        PgStores behind = TestDatabase.start(PgStoreOptions.of(database).withPoolSize(2)
                .withCatchUpInterval(Duration.ofHours(1)));
        try {
            behind.replica().dropNotifications(true);
            AccountSid account = AccountSid.ofHex(SIDS.nextHex());
            SourceIpMapping first = map(writer, record(writer, account, 0x0e000000, 24));
            SourceIpMapping second = map(writer, record(writer, account, 0x0e000100, 24));
            await(writer.sourceIpMappings().replace(second.withSipDomainSid(SipDomainSid.ofHex(SIDS.nextHex()), T)));
            Thread.sleep(20);
            behind.replica().prune(Duration.ofMillis(1)).await(10, TimeUnit.SECONDS);
            assertThat(behind.replica().applied(account)).isZero();

            // its own writes are numbered 6 (the record) and 7; changes 1 to 5 are gone from the log, so it reloads
            // the account
            SourceIpMapping own = map(behind, record(behind, account, 0x0e000200, 24));

            Map<IpRecordSid, Resolution> stored = resolutions(account);
            assertThat(stored).hasSize(3).containsKeys(first.ipRecordSid(), own.ipRecordSid());
            assertThat(behind.replica().applied(account)).isEqualTo(head(account)).isEqualTo(7);
            assertThat(behind.replica().size(account)).isEqualTo(3);
            stored.forEach((record, resolution) ->
                    assertThat(behind.replica().held(account, record)).isEqualTo(resolution));
        } finally {
            behind.close().await();
        }
    }

    @Test
    void aNewInstanceLoadsEveryResolutionOfALargeDatabase() throws Exception {
        PgConnectOptions large = TestDatabase.freshDatabase();
        TestDatabase.start(PgStoreOptions.of(large)).close().await();
        List<AccountSid> accounts = List.of(AccountSid.ofHex(SIDS.nextHex()), AccountSid.ofHex(SIDS.nextHex()));
        int perAccount = 12_500; // more than one fetch of the streamed load
        for (AccountSid account : accounts) {
            UUID owner = Columns.uuid(account);
            TestDatabase.execute(large, "INSERT INTO ip_records SELECT '" + owner + "', md5('" + owner
                    + "' || i)::uuid, NULL, i, 32, now(), now() FROM generate_series(1, " + perAccount + ") i");
            TestDatabase.execute(large, "INSERT INTO source_ip_mappings SELECT account, md5('m' || sid)::uuid, sid,"
                    + " sid, now(), now() FROM ip_records WHERE account = '" + owner + "'");
            TestDatabase.execute(large, "INSERT INTO resolution_log_heads (account, last_seq) VALUES ('" + owner
                    + "', 7)");
        }

        PgStores loaded = TestDatabase.start(PgStoreOptions.of(large));
        try {
            for (AccountSid account : accounts) {
                assertThat(loaded.replica().size(account)).isEqualTo(perAccount);
                assertThat(loaded.replica().applied(account)).isEqualTo(7);
                Resolution last = await(loaded.resolutions().resolve(account, new Ipv4Address(perAccount)))
                        .orElseThrow();
                assertThat(Columns.uuid(last.sipDomainSid())).isEqualTo(Columns.uuid(last.ipRecordSid()));
                assertThat(last.prefix()).isEqualTo(new IpPrefix(new Ipv4Address(perAccount), 32));
            }
        } finally {
            loaded.close().await();
        }
    }

    private static void awaitApplied(PgStores stores, AccountSid account, long head) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stores.replica().applied(account) < head && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(stores.replica().applied(account)).as("changes applied").isEqualTo(head);
    }

    private static long head(AccountSid account) throws Exception {
        return Tables.head(database, account);
    }

    private static Map<IpRecordSid, Resolution> resolutions(AccountSid account) throws Exception {
        return Tables.resolutions(database, account);
    }
}
