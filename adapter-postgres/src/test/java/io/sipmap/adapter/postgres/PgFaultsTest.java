package io.sipmap.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.spi.SidGenerator;
import io.vertx.pgclient.PgConnectOptions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stores when PostgreSQL fails under them: out of reach, hanging, too slow, a pool with no connection free, a
 * write whose connection dies half-way. One instance reaches a fresh database through a {@link TcpProxy} that the
 * tests cut, another reaches it directly, as a second process whose network is fine.
 */
class PgFaultsTest {

    private static final SidGenerator SIDS = SidGenerator.timeOrdered(Clock.systemUTC(), new SecureRandom()::nextLong);
    private static final Instant T = Instant.parse("2026-03-18T23:31:36Z");
    /**
     * Short, but a wait for a pool connection longer than a call, so that a call that needs a new connection from a
     * database that does not answer fails at the call timeout too (with the defaults, it fails sooner, as a pool with
     * no connection to give: {@link #anExhaustedPoolQueuesCallsUpToItsBoundThenFailsThem}).
     */
    private static final PgStoreOptions.Timeouts TIMEOUTS = new PgStoreOptions.Timeouts(Duration.ofMillis(500),
            Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(3));
    /** What a call may take beyond its timeout on a busy build machine. */
    private static final long SLACK_MS = 1500;
    private static final Duration CATCH_UP = Duration.ofMillis(200);
    private static PgConnectOptions database;
    private static TcpProxy proxy;
    private static PgStores viaProxy;
    private static PgStores direct;

    @BeforeAll
    static void start() throws Exception {
        database = TestDatabase.freshDatabase();
        proxy = TcpProxy.start(TestDatabase.vertx(), database.getHost(), database.getPort());
        viaProxy = TestDatabase.start(PgStoreOptions.of(new PgConnectOptions(database).setHost("127.0.0.1")
                .setPort(proxy.port())).withPoolSize(4).withCatchUpInterval(CATCH_UP).withTimeouts(TIMEOUTS));
        direct = TestDatabase.start(PgStoreOptions.of(database).withPoolSize(4).withCatchUpInterval(CATCH_UP));
    }

    /** Restores the proxy, and waits until the pool has let go of the connections it closed. */
    @AfterEach
    void heal() throws Exception {
        proxy.restore();
        AccountSid nobody = AccountSid.ofHex(SIDS.nextHex());
        eventually(() -> assertThat(await(viaProxy.ipRecords().page(nobody, PageRequest.first(1))).items()).isEmpty());
    }

    @AfterAll
    static void close() throws Exception {
        viaProxy.close().await(10, TimeUnit.SECONDS);
        direct.close().await(10, TimeUnit.SECONDS);
        proxy.close();
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The failure of the stage, unwrapped, and how long it took to arrive after {@code startNanos}. */
    private record Failed(Throwable failure, long millis) {
    }

    private static Failed failure(long startNanos, CompletionStage<?> stage) throws Exception {
        try {
            Object value = stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return new Failed(e.getCause(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        }
    }

    private static Failed failure(Supplier<CompletionStage<?>> call) throws Exception {
        long start = System.nanoTime();
        return failure(start, call.get());
    }

    private static IpRecord record(PgStores stores, AccountSid account, String address, int length) throws Exception {
        return await(stores.ipRecords().insert(new IpRecord(account, SIDS.nextIpRecordSid(), null,
                Ipv4Address.parse(address), length, T, T)));
    }

    private static SourceIpMapping mapping(IpRecord record) {
        return new SourceIpMapping(record.accountSid(), SIDS.nextSourceIpMappingSid(), record.sid(),
                SipDomainSid.ofHex(SIDS.nextHex()), T, T);
    }

    private static SourceIpMapping map(PgStores stores, IpRecord record) throws Exception {
        return await(stores.sourceIpMappings().insert(mapping(record)));
    }

    private static Optional<Resolution> resolve(PgStores stores, AccountSid account, String address)
            throws Exception {
        return await(stores.resolutions().resolve(account, Ipv4Address.parse(address)));
    }

    @Test
    void whileTheDatabaseIsOutOfReachEveryCallFailsFastAndOnceBackAllWorksAndTheReplicaCatchesUp() throws Exception {
        AccountSid account = AccountSid.ofHex(SIDS.nextHex());
        IpRecord record = record(viaProxy, account, "10.1.0.0", 16);
        SourceIpMapping mapping = map(viaProxy, record);
        IpRecord unmapped = record(viaProxy, account, "10.9.0.0", 16);

        proxy.refuse();

        List<Supplier<CompletionStage<?>>> calls = List.of(
                () -> viaProxy.ipRecords().insert(new IpRecord(account, SIDS.nextIpRecordSid(), null,
                        Ipv4Address.parse("10.3.0.0"), 16, T, T)),
                () -> viaProxy.ipRecords().find(account, record.sid()),
                () -> viaProxy.ipRecords().page(account, PageRequest.first(50)),
                () -> viaProxy.ipRecords().replace(record.withFriendlyName("renamed", T.plusSeconds(1))),
                () -> viaProxy.ipRecords().delete(account, unmapped.sid()),
                () -> viaProxy.sourceIpMappings().insert(mapping(unmapped)),
                () -> viaProxy.sourceIpMappings().find(account, mapping.sid()),
                () -> viaProxy.sourceIpMappings().page(account, PageRequest.first(50)),
                () -> viaProxy.sourceIpMappings().replace(mapping.withSipDomainSid(SipDomainSid.ofHex(SIDS.nextHex()),
                        T.plusSeconds(1))),
                () -> viaProxy.sourceIpMappings().delete(account, mapping.sid()));
        for (Supplier<CompletionStage<?>> call : calls) {
            Failed failed = failure(call);
            assertThat(failed.failure()).isInstanceOf(SipmapException.Unavailable.class)
                    .hasMessageStartingWith("PostgreSQL");
            assertThat(failed.millis()).isLessThan(TIMEOUTS.call().toMillis() + SLACK_MS);
        }
        // resolutions come from the replica, which answers what it last knew
        assertThat(resolve(viaProxy, account, "10.1.2.3")).contains(Resolution.of(mapping, record));

        // another instance writes meanwhile
        IpRecord other = record(direct, account, "10.2.0.0", 16);
        SourceIpMapping otherMapping = map(direct, other);
        SourceIpMapping moved = await(direct.sourceIpMappings().replace(
                mapping.withSipDomainSid(SipDomainSid.ofHex(SIDS.nextHex()), T.plusSeconds(1)))).orElseThrow();

        proxy.restore();

        eventually(() -> assertThat(await(viaProxy.ipRecords().find(account, record.sid()))).contains(record));
        eventually(() -> {
            assertThat(resolve(viaProxy, account, "10.2.0.1")).contains(Resolution.of(otherMapping, other));
            assertThat(resolve(viaProxy, account, "10.1.0.1")).contains(Resolution.of(moved, record));
        });
        assertReplicaAgrees(viaProxy, account);
        assertThat(await(viaProxy.sourceIpMappings().delete(account, otherMapping.sid()))).isTrue();
        assertReplicaAgrees(direct, account);
    }

    @Test
    void aDatabaseThatStopsAnsweringFailsEachCallAtTheCallTimeout() throws Exception {
        AccountSid account = AccountSid.ofHex(SIDS.nextHex());
        IpRecord record = record(viaProxy, account, "10.4.0.0", 16);

        proxy.hang();

        for (int i = 0; i < 3; i++) {
            Failed failed = failure(() -> viaProxy.ipRecords().find(account, record.sid()));
            assertThat(failed.failure()).isInstanceOf(SipmapException.Unavailable.class)
                    .hasMessageStartingWith("PostgreSQL did not answer within 3000 ms");
            assertThat(failed.millis()).isBetween(TIMEOUTS.call().toMillis() - 100,
                    TIMEOUTS.call().toMillis() + SLACK_MS);
        }

        proxy.restore();
        eventually(() -> assertThat(await(viaProxy.ipRecords().find(account, record.sid()))).contains(record));
    }

    @Test
    void aStatementPastTheStatementTimeoutIsCancelledAndFailsAsUnavailable() throws Exception {
        AccountSid account = AccountSid.ofHex(SIDS.nextHex());
        IpRecord record = record(viaProxy, account, "10.5.0.0", 16);
        try (Connection lock = TestDatabase.jdbc(database)) {
            lock.setAutoCommit(false);
            lockRow(lock, "SELECT 1 FROM ip_records WHERE account = ? AND sid = ? FOR UPDATE",
                    Columns.uuid(account), Columns.uuid(record.sid()));

            Failed failed = failure(() -> viaProxy.ipRecords().replace(record.withFriendlyName("late", T)));

            assertThat(failed.failure()).isInstanceOf(SipmapException.Unavailable.class)
                    .hasMessageStartingWith("PostgreSQL cancelled a statement that ran past the statement timeout");
            assertThat(failed.millis()).isBetween(TIMEOUTS.statement().toMillis() - 100,
                    TIMEOUTS.statement().toMillis() + SLACK_MS);
            lock.rollback();
        }
        assertThat(await(viaProxy.ipRecords().find(account, record.sid()))).contains(record);
    }

    @Test
    void aBusyAccountHoldsOneConnectionOfThePoolAndOtherAccountsWriteMeanwhile() throws Exception {
        PgStores small = TestDatabase.start(PgStoreOptions.of(database).withPoolSize(2)
                .withCatchUpInterval(Duration.ofHours(1)));
        try (Connection lock = TestDatabase.jdbc(database)) {
            AccountSid busy = AccountSid.ofHex(SIDS.nextHex());
            record(small, busy, "10.12.0.0", 16);
            lock.setAutoCommit(false);
            lockRow(lock, "SELECT 1 FROM resolution_log_heads WHERE account = ? FOR UPDATE", Columns.uuid(busy));
            // the first waits in PostgreSQL for the counter row, the others for their turn, without a connection (a pool
            // of two gives an account one at a time)
            List<CompletionStage<IpRecord>> waiting = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                waiting.add(small.ipRecords().insert(new IpRecord(busy, SIDS.nextIpRecordSid(), null,
                        Ipv4Address.parse("10.12.1." + i), 32, T, T)));
            }
            awaitLockWaiter("WITH h AS (INSERT INTO resolution_log_heads%");

            for (int i = 0; i < 5; i++) {
                AccountSid other = AccountSid.ofHex(SIDS.nextHex());
                IpRecord written = record(small, other, "10.13." + i + ".0", 24);
                assertThat(await(small.ipRecords().find(other, written.sid()))).contains(written);
            }
            assertThat(waiting).allMatch(write -> !write.toCompletableFuture().isDone());

            lock.rollback();
            for (CompletionStage<IpRecord> write : waiting) {
                await(write);
            }
            assertThat(Tables.head(database, busy)).isEqualTo(6);
        } finally {
            small.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anExhaustedPoolQueuesWritesUpToItsBoundThenFailsThemWhileReadsGoOn() throws Exception {
        PgStores small = TestDatabase.start(PgStoreOptions.of(database).withPoolSize(1).withMaxWaitQueueSize(2)
                .withCatchUpInterval(Duration.ofHours(1)).withTimeouts(new PgStoreOptions.Timeouts(
                        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(8))));
        try (Connection lock = TestDatabase.jdbc(database)) {
            AccountSid account = AccountSid.ofHex(SIDS.nextHex());
            IpRecord record = record(small, account, "10.6.0.0", 16);
            List<IpRecord> others = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                others.add(record(small, AccountSid.ofHex(SIDS.nextHex()), "10.9.0." + i, 32));
            }
            lock.setAutoCommit(false);
            lockRow(lock, "SELECT 1 FROM ip_records WHERE account = ? AND sid = ? FOR UPDATE",
                    Columns.uuid(account), Columns.uuid(record.sid()));
            // the write pool's one connection waits for the lock
            IpRecord renamed = record.withFriendlyName("renamed", T.plusSeconds(1));
            CompletionStage<Optional<IpRecord>> holding = small.ipRecords().replace(renamed);
            awaitLockWaiter("WITH r AS (UPDATE ip_records%");

            // other accounts' writes, which queue for the pool (the account's own would queue for their turn);
            // replaces, each a statement of its own (creates queue for their group, which waits as one)
            long queuedAt = System.nanoTime();
            List<CompletionStage<?>> queued = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                queued.add(small.ipRecords().replace(others.get(i).withFriendlyName("queued", T.plusSeconds(1))));
            }
            Failed refused = failure(() -> small.ipRecords().replace(others.get(2).withFriendlyName("refused",
                    T.plusSeconds(1))));
            assertThat(refused.failure()).isInstanceOf(SipmapException.Unavailable.class)
                    .hasMessageStartingWith("PostgreSQL connection pool exhausted")
                    .hasMessageContaining("max wait queue size of 2");
            assertThat(refused.millis()).isLessThan(SLACK_MS);
            // reads have connections of their own, and never wait for a lock: they are answered meanwhile, with
            // what was committed
            for (int i = 0; i < 20; i++) {
                assertThat(await(small.ipRecords().find(account, record.sid()))).contains(record);
            }
            for (CompletionStage<?> call : queued) {
                Failed failed = failure(queuedAt, call);
                assertThat(failed.failure()).isInstanceOf(SipmapException.Unavailable.class)
                        .hasMessage("PostgreSQL connection pool exhausted: Timeout waiting for connection");
                assertThat(failed.millis()).isBetween(900L, 1000 + SLACK_MS);
            }

            lock.rollback();
            assertThat(await(holding)).contains(renamed);
            assertThat(await(small.ipRecords().find(account, record.sid()))).contains(renamed);
            // none of the refused or timed-out replaces was written
            for (IpRecord other : others) {
                assertThat(await(small.ipRecords().find(other.accountSid(), other.sid()))).contains(other);
            }
        } finally {
            small.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWriteWhoseServerProcessIsKilledHalfWayLeavesNothingAndTheReplicasAgree() throws Exception {
        Struck struck = struckHalfWay("10.7.0.0", "10.8.0.0",
                pid -> TestDatabase.execute(database, "SELECT pg_terminate_backend(" + pid + ")"));
        AccountSid account = struck.mapping().accountSid();

        assertThat(written(struck.mapping())).isEqualTo(new Written(0, 0, 3));
        assertThat(resolve(direct, account, "10.8.0.1")).isEmpty();
        assertReplicaAgrees(viaProxy, account);
        assertReplicaAgrees(direct, account);
        // and the same write goes through afterwards
        assertThat(await(viaProxy.sourceIpMappings().insert(struck.mapping()))).isEqualTo(struck.mapping());
        assertThat(written(struck.mapping())).isEqualTo(new Written(1, 1, 4));
        assertReplicaAgrees(direct, account);
    }

    @Test
    void aWriteWhoseConnectionIsCutHalfWayIsWholeOrAbsentAndTheReplicasAgree() throws Exception {
        // the server process goes on with the statement once the lock is free: it may commit or not
        Struck struck = struckHalfWay("10.10.0.0", "10.11.0.0", pid -> proxy.refuse());
        AccountSid account = struck.mapping().accountSid();
        proxy.restore();

        Written written = written(struck.mapping());
        assertThat(List.of(new Written(0, 0, 3), new Written(1, 1, 4))).contains(written);
        Optional<Resolution> expected = written.mappings() == 1
                ? Optional.of(Resolution.of(struck.mapping(), struck.record())) : Optional.empty();
        eventually(() -> assertThat(resolve(viaProxy, account, "10.11.0.1")).isEqualTo(expected));
        assertReplicaAgrees(viaProxy, account);
        assertReplicaAgrees(direct, account);
    }

    private interface Fault {
        void strike(int pid) throws Exception;
    }

    /** A mapping write that {@link #struckHalfWay} struck, and its IP record. */
    private record Struck(IpRecord record, SourceIpMapping mapping) {
    }

    /**
     * Maps an IP record in {@code network} of a fresh account (whose first change maps one in {@code firstNetwork})
     * through the proxied instance, strikes the write with {@code fault} (given its server process) while it waits,
     * half-way, for the account's counter row (first in the statement, before its mapping row is inserted); asserts
     * that the write fails as Unavailable, lets the server process go on and waits until it has ended.
     */
    private static Struck struckHalfWay(String firstNetwork, String network, Fault fault) throws Exception {
        AccountSid account = AccountSid.ofHex(SIDS.nextHex());
        map(viaProxy, record(viaProxy, account, firstNetwork, 16)); // changes 1 and 2
        IpRecord record = record(viaProxy, account, network, 16); // change 3
        SourceIpMapping mapping = mapping(record);
        try (Connection lock = TestDatabase.jdbc(database)) {
            lock.setAutoCommit(false);
            lockRow(lock, "SELECT 1 FROM resolution_log_heads WHERE account = ? FOR UPDATE", Columns.uuid(account));
            long start = System.nanoTime();
            CompletionStage<SourceIpMapping> write = viaProxy.sourceIpMappings().insert(mapping);
            int pid = awaitLockWaiter("WITH h AS (INSERT INTO resolution_log_heads%INSERT INTO source_ip_mappings%");
            fault.strike(pid);
            assertThat(failure(start, write).failure()).isInstanceOf(SipmapException.Unavailable.class);
            lock.rollback();
            awaitGone(pid);
        }
        return new Struck(record, mapping);
    }

    /** Whether a mapping's row and its change are there, and the account's counter. */
    private record Written(long mappings, long changes, long head) {
    }

    private static Written written(SourceIpMapping mapping) throws SQLException {
        return new Written(
                Tables.count(database, "SELECT count(*) FROM source_ip_mappings WHERE sid = ?",
                        Columns.uuid(mapping.sid())),
                Tables.count(database, "SELECT count(*) FROM resolution_log WHERE mapping_sid = ?",
                        Columns.uuid(mapping.sid())),
                Tables.head(database, mapping.accountSid()));
    }

    /** Runs {@code sql}, which locks a row, in the connection's transaction; the row stays locked until it ends. */
    private static void lockRow(Connection lock, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement query = lock.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next()).as("the row to lock").isTrue();
            }
        }
    }

    /** The server process of the statement like {@code pattern} that waits for a lock, once it does. */
    private static int awaitLockWaiter(String pattern) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            long pid = Tables.count(database, "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND query LIKE ?", pattern);
            if (pid != 0) {
                return (int) pid;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no statement like " + pattern + " waits for a lock");
    }

    private static void awaitGone(int pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Tables.count(database, "SELECT count(*) FROM pg_stat_activity WHERE pid = ?", pid) != 0) {
            assertThat(System.nanoTime()).as("server process %s still there", pid).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** Asserts that the instance's replica holds what the tables hold for the account, once caught up. */
    private static void assertReplicaAgrees(PgStores stores, AccountSid account) throws Exception {
        long head = Tables.head(database, account);
        eventually(() -> assertThat(stores.replica().applied(account)).isEqualTo(head));
        Map<IpRecordSid, Resolution> stored = Tables.resolutions(database, account);
        assertThat(stores.replica().size(account)).isEqualTo(stored.size());
        stored.forEach((record, resolution) -> assertThat(stores.replica().held(account, record)).isEqualTo(resolution));
    }

    private interface Check {
        void run() throws Exception;
    }

    /** Runs the check until it passes, for at most ten seconds. */
    private static void eventually(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError | ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }
}
