package io.sipmap.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Ipv4Address;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Creates and mapping deletes of many accounts in one statement ({@link WriteGroups}): numbered without gaps, one
 * write's failure failing that write alone, a group cut half-way failing each of its writes and leaving nothing.
 *
 * <p>{@code held} waits for a counter row as long as it takes (a lock timeout of a minute), so that a test can hold a
 * group at an account's counter row, locked over JDBC, while the writes after it queue for the next group.
 */
class WriteGroupsTest {

    private static final SidGenerator SIDS = SidGenerator.timeOrdered(Clock.systemUTC(), new SecureRandom()::nextLong);
    private static final Instant T = Instant.parse("2026-03-18T23:31:36Z");
    private static final String GROUP = "WITH t AS (SELECT * FROM unnest(%";
    private static PgConnectOptions database;
    private static PgStores held;
    private static PgStores other;

    @BeforeAll
    static void start() throws Exception {
        database = TestDatabase.freshDatabase();
        held = PgStores.start(TestDatabase.vertx(), PgStoreOptions.of(database).withPoolSize(4),
                Duration.ofMinutes(1)).await(60, TimeUnit.SECONDS);
        other = TestDatabase.start(PgStoreOptions.of(database).withPoolSize(4));
    }

    @AfterAll
    static void close() {
        held.close().await();
        other.close().await();
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletionStage<?> stage) throws Exception {
        try {
            Object value = stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static IpRecord newRecord(AccountSid account, int i) {
        return new IpRecord(account, SIDS.nextIpRecordSid(), "r" + i,
                new Ipv4Address(0x0a000000 | (i & 0xffffff)), 32, T, T);
    }

    private static SourceIpMapping mapping(IpRecord record) {
        return new SourceIpMapping(record.accountSid(), SIDS.nextSourceIpMappingSid(), record.sid(),
                SipDomainSid.ofHex("1".repeat(32)), T, T);
    }

    private static AccountSid account() {
        return AccountSid.ofHex(SIDS.nextHex());
    }

    /**
     * Locks the account's counter row in a transaction of {@code lock}, then sends {@code first} through
     * {@link #held}, whose group waits for the row; returns that write's stage once it waits.
     */
    private static <T> CompletionStage<T> holdAGroup(Connection lock, AccountSid account,
            Supplier<CompletionStage<T>> first) throws Exception {
        lock.setAutoCommit(false);
        try (PreparedStatement query = lock.prepareStatement(
                "SELECT 1 FROM resolution_log_heads WHERE account = ? FOR UPDATE")) {
            query.setObject(1, Columns.uuid(account));
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next()).as("the counter row to lock").isTrue();
            }
        }
        return first.get();
    }

    @Test
    void theWritesQueuedBehindAGroupAreOneTransactionNumberedInTheirOrderPerAccount() throws Exception {
        AccountSid x = account();
        AccountSid a = account();
        AccountSid b = account();
        await(held.ipRecords().insert(newRecord(x, 1)));
        try (Connection lock = TestDatabase.jdbc(database)) {
            CompletionStage<IpRecord> first = holdAGroup(lock, x, () -> held.ipRecords().insert(newRecord(x, 2)));
            int waiter = awaitGroupWaiting(0);
            List<IpRecord> records = List.of(newRecord(a, 1), newRecord(b, 1), newRecord(a, 2), newRecord(a, 3),
                    newRecord(b, 2));
            List<CompletionStage<IpRecord>> queued = new ArrayList<>();
            for (IpRecord record : records) {
                queued.add(held.ipRecords().insert(record));
            }
            assertThat(queued).noneMatch(stage -> stage.toCompletableFuture().isDone());
            lock.rollback();
            assertThat(waiter).isPositive();
            await(first);
            for (int i = 0; i < records.size(); i++) {
                assertThat(await(queued.get(i))).isEqualTo(records.get(i));
            }
        }
        // one transaction for the five, each account's changes numbered in the order its writes arrived
        assertThat(query("SELECT count(DISTINCT xmin::text) FROM resolution_log WHERE account IN (?, ?)", a, b))
                .containsExactly("1");
        assertThat(query("SELECT friendly_name FROM resolution_log WHERE account = ? ORDER BY seq", a))
                .containsExactly("r1", "r2", "r3");
        assertThat(query("SELECT seq FROM resolution_log WHERE account = ? ORDER BY seq", b)).containsExactly("1", "2");
        assertThat(Tables.head(database, a)).isEqualTo(3);
        assertThat(Tables.head(database, x)).isEqualTo(2);
        // this instance's replica had each change before its write's stage completed; the other catches up
        assertThat(held.replica().applied(a)).isEqualTo(3);
        assertReplicasAgree(a, b, x);
    }

    /** Sends each write while a group of {@code x} waits at its counter row, then lets it go: they queue as one group. */
    private static <T> List<T> queuedBehindAGroup(AccountSid x, List<Supplier<CompletionStage<T>>> writes)
            throws Exception {
        try (Connection lock = TestDatabase.jdbc(database)) {
            CompletionStage<IpRecord> first = holdAGroup(lock, x,
                    () -> held.ipRecords().insert(newRecord(x, 100 + writes.size())));
            awaitGroupWaiting(0);
            List<CompletionStage<T>> queued = new ArrayList<>();
            for (Supplier<CompletionStage<T>> write : writes) {
                queued.add(write.get());
            }
            lock.rollback();
            await(first);
            List<T> done = new ArrayList<>();
            for (CompletionStage<T> stage : queued) {
                done.add(await(stage));
            }
            return done;
        }
    }

    @Test
    void ipv6RecordsTheirMappingsAndTheirDeletesGoInGroupsAsIpv4OnesDo() throws Exception {
        AccountSid x = account();
        AccountSid a = account();
        await(held.ipRecords().insert(newRecord(x, 1)));
        List<IpRecord> records = List.of(
                new IpRecord(a, SIDS.nextIpRecordSid(), "v6 net", IpAddress.parse("2001:db8:5::"), 48, T, T),
                newRecord(a, 2),
                new IpRecord(a, SIDS.nextIpRecordSid(), "v6 host", IpAddress.parse("2001:db8:5::7"), 128, T, T));
        assertThat(queuedBehindAGroup(x, records.stream()
                .<Supplier<CompletionStage<IpRecord>>>map(r -> () -> held.ipRecords().insert(r)).toList()))
                .isEqualTo(records);
        List<SourceIpMapping> mappings = queuedBehindAGroup(x, records.stream()
                .<Supplier<CompletionStage<SourceIpMapping>>>map(r -> () -> held.sourceIpMappings().insert(mapping(r)))
                .toList());
        assertThat(queuedBehindAGroup(x, mappings.stream()
                .<Supplier<CompletionStage<Boolean>>>map(m -> () -> held.sourceIpMappings().delete(a, m.sid()))
                .toList())).containsExactly(true, true, true);
        // each kind of write one transaction (not made one by one after a refused group), the IPv6 prefix logged
        for (String change : List.of("ip_record.created", "source_ip_mapping.created", "source_ip_mapping.deleted")) {
            assertThat(query("SELECT count(DISTINCT xmin::text) FROM resolution_log WHERE account = ? AND change = ?",
                    a, change)).as(change).containsExactly("1");
            assertThat(query("SELECT coalesce(encode(ip6, 'hex'), ip_address::text) || '/' || cidr_prefix_length"
                    + " FROM resolution_log WHERE account = ? AND change = ? ORDER BY seq", a, change)).as(change)
                    .containsExactly("20010db8000500000000000000000000/48", "167772162/32",
                            "20010db8000500000000000000000007/128");
        }
        assertGapless(a);
        assertReplicasAgree(a, x);
    }

    @Test
    void aWriteTheDatabaseRefusesFailsAloneAndTheOthersOfItsGroupAreMade() throws Exception {
        AccountSid x = account();
        AccountSid a = account();
        AccountSid c = account();
        await(held.ipRecords().insert(newRecord(x, 1)));
        IpRecord taken = await(held.ipRecords().insert(newRecord(c, 1)));
        IpRecord unmapped = await(held.ipRecords().insert(newRecord(a, 1)));
        IpRecord mapped = await(held.ipRecords().insert(newRecord(a, 2)));
        SourceIpMapping existing = await(held.sourceIpMappings().insert(mapping(mapped)));
        try (Connection lock = TestDatabase.jdbc(database)) {
            CompletionStage<IpRecord> first = holdAGroup(lock, x, () -> held.ipRecords().insert(newRecord(x, 2)));
            awaitGroupWaiting(0);
            // records: one whose SID is taken among new ones
            IpRecord fresh = newRecord(a, 3);
            IpRecord duplicate = new IpRecord(c, taken.sid(), "again", new Ipv4Address(0x0b000001), 32, T, T);
            IpRecord freshToo = newRecord(c, 2);
            CompletionStage<IpRecord> made = held.ipRecords().insert(fresh);
            CompletionStage<IpRecord> refused = held.ipRecords().insert(duplicate);
            CompletionStage<IpRecord> madeToo = held.ipRecords().insert(freshToo);
            lock.rollback();
            await(first);
            assertThat(await(made)).isEqualTo(fresh);
            assertThat(await(madeToo)).isEqualTo(freshToo);
            assertThat(failure(refused)).isInstanceOf(SipmapException.Conflict.class)
                    .hasMessageContaining("already exists");
        }
        try (Connection lock = TestDatabase.jdbc(database)) {
            CompletionStage<IpRecord> first = holdAGroup(lock, x, () -> held.ipRecords().insert(newRecord(x, 3)));
            awaitGroupWaiting(0);
            // mappings: one of a record already mapped, one of no record, one fine
            SourceIpMapping fine = mapping(unmapped);
            CompletionStage<SourceIpMapping> conflict = held.sourceIpMappings().insert(mapping(mapped));
            CompletionStage<SourceIpMapping> noRecord = held.sourceIpMappings().insert(mapping(
                    new IpRecord(a, SIDS.nextIpRecordSid(), null, new Ipv4Address(1), 32, T, T)));
            CompletionStage<SourceIpMapping> made = held.sourceIpMappings().insert(fine);
            lock.rollback();
            await(first);
            assertThat(await(made)).isEqualTo(fine);
            assertThat(failure(conflict)).isInstanceOf(SipmapException.Conflict.class)
                    .hasMessageContaining("is already mapped by source IP mapping " + existing.sid());
            assertThat(failure(noRecord)).isInstanceOf(SipmapException.InvalidParameter.class);
        }
        try (Connection lock = TestDatabase.jdbc(database)) {
            CompletionStage<IpRecord> first = holdAGroup(lock, x, () -> held.ipRecords().insert(newRecord(x, 4)));
            awaitGroupWaiting(0);
            // deletes: one of a mapping not there, the same mapping twice
            CompletionStage<Boolean> gone = held.sourceIpMappings().delete(a, SIDS.nextSourceIpMappingSid());
            CompletionStage<Boolean> deleted = held.sourceIpMappings().delete(a, existing.sid());
            CompletionStage<Boolean> again = held.sourceIpMappings().delete(a, existing.sid());
            lock.rollback();
            await(first);
            assertThat(await(gone)).isFalse();
            assertThat(await(deleted)).isTrue();
            assertThat(await(again)).isFalse();
        }
        // a+1 record, a mapping created, a mapping deleted; nothing numbered for the refused writes
        assertThat(Tables.head(database, a)).isEqualTo(6);
        assertThat(Tables.head(database, c)).isEqualTo(2);
        assertGapless(a, c, x);
        assertReplicasAgree(a, c, x);
    }

    @Test
    void concurrentWritesOfTwoInstancesAreNumberedWithoutGapsAndBothReplicasAgree() throws Exception {
        List<AccountSid> accounts = List.of(account(), account(), account());
        List<CompletionStage<IpRecord>> creates = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            PgStores stores = i % 2 == 0 ? held : other;
            creates.add(stores.ipRecords().insert(newRecord(accounts.get(i % 3), i)));
        }
        List<IpRecord> records = new ArrayList<>();
        for (CompletionStage<IpRecord> create : creates) {
            records.add(await(create));
        }
        // each record mapped from both instances at once: one of the two wins
        List<CompletionStage<SourceIpMapping>> maps = new ArrayList<>();
        for (IpRecord record : records) {
            maps.add(held.sourceIpMappings().insert(mapping(record)));
            maps.add(other.sourceIpMappings().insert(mapping(record)));
        }
        List<SourceIpMapping> mapped = new ArrayList<>();
        for (CompletionStage<SourceIpMapping> map : maps) {
            try {
                mapped.add(await(map));
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(SipmapException.Conflict.class);
            }
        }
        assertThat(mapped).hasSize(records.size());
        // and each mapping deleted from both at once: one of the two deletes it
        List<CompletionStage<Boolean>> deletes = new ArrayList<>();
        for (SourceIpMapping mapping : mapped) {
            deletes.add(held.sourceIpMappings().delete(mapping.accountSid(), mapping.sid()));
            deletes.add(other.sourceIpMappings().delete(mapping.accountSid(), mapping.sid()));
        }
        int deleted = 0;
        for (CompletionStage<Boolean> delete : deletes) {
            deleted += await(delete) ? 1 : 0;
        }
        assertThat(deleted).isEqualTo(mapped.size());
        for (AccountSid account : accounts) {
            assertThat(Tables.head(database, account)).isEqualTo(90);
        }
        assertGapless(accounts.toArray(AccountSid[]::new));
        // writes shared transactions
        assertThat(Long.parseLong(query("SELECT count(DISTINCT xmin::text) FROM resolution_log"
                + " WHERE account IN (?, ?, ?)", accounts.toArray()).get(0))).isLessThan(270);
        assertReplicasAgree(accounts.toArray(AccountSid[]::new));
    }

    @Test
    void aGroupWhoseServerProcessIsKilledFailsEachOfItsWritesAndLosesNoAcknowledgedOne() throws Exception {
        AccountSid x = account();
        AccountSid a = account();
        AccountSid b = account();
        await(held.ipRecords().insert(newRecord(x, 1)));
        List<IpRecord> acknowledged = List.of(await(held.ipRecords().insert(newRecord(a, 1))),
                await(held.ipRecords().insert(newRecord(a, 2))));
        List<IpRecord> struck = new ArrayList<>();
        List<CompletionStage<IpRecord>> stages = new ArrayList<>();
        try (Connection lock = TestDatabase.jdbc(database)) {
            IpRecord first = newRecord(x, 2);
            struck.add(first);
            stages.add(holdAGroup(lock, x, () -> held.ipRecords().insert(first)));
            int pid = awaitGroupWaiting(0);
            // queued behind it, then a group of their own, which waits for the same row
            for (IpRecord record : List.of(newRecord(a, 3), newRecord(b, 1), newRecord(x, 3), newRecord(b, 2))) {
                struck.add(record);
                stages.add(held.ipRecords().insert(record));
            }
            // the queued writes fail with it when their group gets the connection being closed; else their group
            // waits for the row in turn, and is struck too
            TestDatabase.execute(database, "SELECT pg_terminate_backend(" + pid + ")");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!stages.stream().allMatch(stage -> stage.toCompletableFuture().isDone())) {
                assertThat(System.nanoTime()).as("writes still waiting").isLessThan(deadline);
                for (String waiting : query("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND query LIKE ?", GROUP)) {
                    TestDatabase.execute(database, "SELECT pg_terminate_backend(" + waiting + ")");
                }
                Thread.sleep(10);
            }
            for (CompletionStage<IpRecord> stage : stages) {
                assertThat(failure(stage)).isInstanceOf(SipmapException.Unavailable.class)
                        .hasMessageStartingWith("PostgreSQL is out of reach");
            }
            lock.rollback();
        }
        for (IpRecord record : struck) {
            assertThat(await(held.ipRecords().find(record.accountSid(), record.sid()))).isEmpty();
        }
        for (IpRecord record : acknowledged) {
            assertThat(await(held.ipRecords().find(a, record.sid()))).contains(record);
        }
        assertThat(Tables.head(database, a)).isEqualTo(2);
        assertThat(Tables.head(database, b)).isZero();
        assertThat(Tables.head(database, x)).isEqualTo(1);
        // and the same writes go through afterwards
        for (IpRecord record : struck) {
            assertThat(await(held.ipRecords().insert(record))).isEqualTo(record);
        }
        assertThat(Tables.head(database, a)).isEqualTo(3);
        assertGapless(a, b, x);
        assertReplicasAgree(a, b, x);
    }

    /** The server process of a group's statement that waits for a lock, other than {@code not}, once there is one. */
    private static int awaitGroupWaiting(int not) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<String> pids = query("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND query LIKE ? AND pid <> " + not, GROUP);
            if (!pids.isEmpty()) {
                return Integer.parseInt(pids.get(0));
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no group waits for a lock");
    }

    /** The first column of each row, as text. */
    private static List<String> query(String sql, Object... parameters) throws SQLException {
        try (Connection connection = TestDatabase.jdbc(database);
             PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setObject(i + 1, parameters[i] instanceof AccountSid account ? Columns.uuid(account)
                        : parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }
    }

    /** Each account's log holds the numbers 1 to its counter, each once. */
    private static void assertGapless(AccountSid... accounts) throws SQLException {
        for (AccountSid account : accounts) {
            long head = Tables.head(database, account);
            List<String> seqs = query("SELECT seq FROM resolution_log WHERE account = ? ORDER BY seq", account);
            List<String> expected = new ArrayList<>();
            for (long seq = 1; seq <= head; seq++) {
                expected.add(Long.toString(seq));
            }
            assertThat(seqs).as("the log of %s", account).isEqualTo(expected);
        }
    }

    private static void assertReplicasAgree(AccountSid... accounts) throws Exception {
        for (AccountSid account : accounts) {
            long head = Tables.head(database, account);
            Map<IpRecordSid, Resolution> stored = Tables.resolutions(database, account);
            for (PgStores stores : List.of(held, other)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (stores.replica().applied(account) < head && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(stores.replica().applied(account)).isEqualTo(head);
                assertThat(stores.replica().size(account)).isEqualTo(stored.size());
                stored.forEach((record, resolution) ->
                        assertThat(stores.replica().held(account, record)).isEqualTo(resolution));
            }
        }
    }
}
