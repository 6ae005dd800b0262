package io.sipmap.contract;

import static io.sipmap.contract.Fixtures.CREATED;
import static io.sipmap.contract.Fixtures.LATER;
import static io.sipmap.contract.Fixtures.await;
import static io.sipmap.contract.Fixtures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.AddressSnapshot;
import io.sipmap.domain.Change;
import io.sipmap.domain.Change.Kind;
import io.sipmap.domain.ChangeBatch;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.spi.ChangeStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ChangeStore} promises, with the two stores of the same backing system whose writes it records:
 * numbering per account from 1 without gaps or duplicates, whatever races; an exact replay after any number; a
 * snapshot that is exactly the effect of the changes up to its number, even under concurrent writes; too old when the
 * log no longer holds what a reader missed; subscribers getting every later change in order; accounts isolated. Each
 * test works in fresh accounts, so the suite runs on a shared system.
 */
public abstract class ChangeStoreContract {

    /** The stores under test, changes included; called before each test, and may return the same stores every time. */
    protected abstract Stores stores();

    /**
     * Makes the store forget the account's changes before its latest one, as its retention does in time (an
     * in-memory log by writing past its capacity, a database by pruning): a reader behind that is then too old.
     */
    protected abstract void forgetOldChanges(Stores stores, AccountSid account);

    /**
     * Stores over which the account's history starts again from nothing, as a restart over an empty memory store or a
     * database restored from a backup older than the account's first write leaves it: fresh stores in memory; over a
     * database, the same stores once the account's rows are gone. Its next changes reuse the numbers from 1.
     */
    protected abstract Stores historyStartedAgain(Stores stores, AccountSid account);

    private static final Duration DELIVERY = Duration.ofSeconds(10);

    private Stores system;
    private ChangeStore changes;
    private AccountSid account;

    @BeforeEach
    void freshAccount() {
        system = stores();
        changes = system.changes();
        assertThat(changes).as("the change store of the stores under test").isNotNull();
        account = Fixtures.account();
    }

    private IpRecord record(AccountSid owner, String address, int length) {
        return await(system.ipRecords().insert(new IpRecord(owner, Fixtures.sids().nextIpRecordSid(), null,
                IpAddress.parse(address), length, CREATED, CREATED)));
    }

    private SourceIpMapping map(IpRecord record) {
        return await(system.sourceIpMappings().insert(new SourceIpMapping(record.accountSid(),
                Fixtures.sids().nextSourceIpMappingSid(), record.sid(), Fixtures.sipDomain(), CREATED, CREATED)));
    }

    private ChangeBatch after(AccountSid owner, long seq, int limit) {
        return after(owner, ChangeId.of(seq, null), limit);
    }

    private ChangeBatch after(AccountSid owner, ChangeId id, int limit) {
        return await(changes.changesAfter(owner, id, limit));
    }

    /** The same change number with another nonce. */
    private static ChangeId otherNonce(ChangeId id) {
        return ChangeId.of(id.seq(), id.nonce().orElseThrow() ^ 0x5a5a);
    }

    private List<Change> all(AccountSid owner) {
        List<Change> read = new ArrayList<>();
        while (true) {
            ChangeBatch batch = after(owner, read.size(), ChangeStore.MAX_BATCH);
            assertThat(batch.tooOld()).as("too old after " + read.size()).isFalse();
            if (batch.changes().isEmpty()) {
                return read;
            }
            read.addAll(batch.changes());
        }
    }

    private static List<Long> numbers(List<Change> read) {
        return read.stream().map(Change::seq).toList();
    }

    private static List<Long> oneTo(long n) {
        List<Long> numbers = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            numbers.add(i);
        }
        return numbers;
    }

    @Test
    void anAccountWithoutChangesHasHeadZeroAndAnEmptySnapshot() {
        ChangeBatch batch = after(account, 0, 10);
        assertThat(batch.head()).isEqualTo(ChangeId.ZERO);
        assertThat(batch.tooOld()).isFalse();
        assertThat(batch.changes()).isEmpty();
        AddressSnapshot snapshot = await(changes.snapshot(account));
        assertThat(snapshot.head()).isEqualTo(ChangeId.ZERO);
        assertThat(snapshot.entries()).isEmpty();
    }

    @Test
    void everyWriteOfBothResourcesIsNumberedInOneSequenceWithItsResource() {
        IpRecord created = record(account, "10.1.0.0", 16);
        IpRecord renamed = await(system.ipRecords().replace(created.withFriendlyName("office", LATER))).orElseThrow();
        SourceIpMapping mapped = map(renamed);
        SourceIpMapping moved = await(system.sourceIpMappings().replace(
                mapped.withSipDomainSid(Fixtures.sipDomain(), LATER))).orElseThrow();
        assertThat(await(system.sourceIpMappings().delete(account, moved.sid()))).isTrue();
        assertThat(await(system.ipRecords().delete(account, created.sid()))).isTrue();

        List<Change> read = all(account);

        assertThat(numbers(read)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(read).extracting(Change::kind).containsExactly(Kind.IP_RECORD_CREATED, Kind.IP_RECORD_UPDATED,
                Kind.SOURCE_IP_MAPPING_CREATED, Kind.SOURCE_IP_MAPPING_UPDATED, Kind.SOURCE_IP_MAPPING_DELETED,
                Kind.IP_RECORD_DELETED);
        assertThat(read).extracting(Change::resource).containsExactly(created, renamed, mapped, moved, moved,
                renamed);
        assertThat(read).allSatisfy(change -> assertThat(change.account()).isEqualTo(account));
        assertThat(after(account, 0, 10).head()).isEqualTo(read.get(5).id());
    }

    @Test
    void aMappingsChangeCarriesItsRecordsOwnAddressLiveOnReplayAndInTheSnapshot() {
        List<Change> heard = new CopyOnWriteArrayList<>();
        ChangeStore.Subscription subscription = await(changes.subscribe(account, heard::add));
        try {
            // host bits set: the change names the address as the record holds it, not its network
            IpRecord record = record(account, "10.9.8.7", 16);
            SourceIpMapping mapped = map(record);
            SourceIpMapping moved = await(system.sourceIpMappings().replace(
                    mapped.withSipDomainSid(Fixtures.sipDomain(), LATER))).orElseThrow();
            AddressSnapshot snapshot = await(changes.snapshot(account));
            assertThat(await(system.sourceIpMappings().delete(account, moved.sid()))).isTrue();

            List<Change> read = all(account);
            awaitHeard(heard, 4);
            assertThat(heard).as("live as on replay").isEqualTo(read);
            assertThat(read).extracting(Change::ipRecordPrefix).containsExactly(null, record.prefix(),
                    record.prefix(), record.prefix());
            assertThat(read.get(3).ipRecordPrefix().address()).isEqualTo(Ipv4Address.parse("10.9.8.7"));
            assertThat(snapshot.head()).isEqualTo(read.get(2).id());
            assertThat(snapshot.entries()).extracting(Resolution::prefix).containsExactly(record.prefix());
        } finally {
            subscription.cancel();
        }
    }

    @Test
    void everyChangeHasANonceAndTheHeadIsNamedWithIt() {
        IpRecord record = record(account, "10.9.0.0", 16);
        for (int i = 0; i < 7; i++) {
            record = await(system.ipRecords().replace(record.withFriendlyName("n" + i, LATER))).orElseThrow();
        }
        List<Change> read = all(account);
        assertThat(read).allSatisfy(change -> assertThat(change.id().nonce()).isPresent());
        assertThat(read.stream().map(change -> change.id().nonce()).distinct().count())
                .as("random nonces").isGreaterThan(1);
        assertThat(after(account, 3, 10).head()).isEqualTo(read.get(7).id());
        assertThat(await(changes.snapshot(account)).head()).isEqualTo(read.get(7).id());
    }

    @Test
    void aReplayAfterAnIdWithItsNonceContinuesAndWithAnotherIsTooOld() {
        IpRecord record = record(account, "10.9.0.0", 16);
        map(record);
        record(account, "10.10.0.0", 16);
        List<Change> read = all(account);
        ChangeId head = read.get(2).id();
        for (int n = 0; n < 3; n++) {
            ChangeBatch rest = after(account, read.get(n).id(), 10);
            assertThat(rest.tooOld()).isFalse();
            assertThat(rest.head()).isEqualTo(head);
            assertThat(rest.changes()).isEqualTo(read.subList(n + 1, 3));
            ChangeBatch other = after(account, otherNonce(read.get(n).id()), 10);
            assertThat(other.tooOld()).as("another nonce for change " + (n + 1)).isTrue();
            assertThat(other.head()).isEqualTo(head);
        }
        assertThat(after(account, ChangeId.of(4, head.nonce().getAsInt()), 10).tooOld()).as("beyond the head")
                .isTrue();
    }

    @Test
    void anIdOfAnEarlierHistoryOfTheSameNumbersIsTooOld() {
        IpRecord record = record(account, "10.11.0.0", 16);
        map(record);
        record(account, "10.12.0.0", 16);
        List<Change> before = all(account);

        system = historyStartedAgain(system, account);
        changes = system.changes();
        assertThat(after(account, before.get(1).id(), 10).tooOld()).as("ahead of the new history's head").isTrue();
        IpRecord again = record(account, "10.11.0.0", 16);
        map(again);
        record(account, "10.13.0.0", 16);
        record(account, "10.14.0.0", 16);
        List<Change> now = all(account);
        assertThat(numbers(now)).isEqualTo(oneTo(4));

        for (int n = 0; n < 3; n++) {
            ChangeBatch stale = after(account, before.get(n).id(), 10);
            assertThat(stale.tooOld()).as("change " + (n + 1) + " of the earlier history").isTrue();
            assertThat(stale.head()).isEqualTo(now.get(3).id());
            assertThat(after(account, before.get(n).seq(), 10).changes()).as("a bare number is not compared")
                    .isEqualTo(now.subList(n + 1, 4));
        }
    }

    @Test
    void writesThatChangeNothingRecordNothing() {
        IpRecord mapped = record(account, "10.2.0.0", 16);
        SourceIpMapping mapping = map(mapped);
        ChangeId head = after(account, 0, 1).head();

        assertThat(await(system.ipRecords().delete(account, Fixtures.unknownIpRecordSid()))).isFalse();
        assertThat(await(system.sourceIpMappings().delete(account, Fixtures.unknownSourceIpMappingSid()))).isFalse();
        assertThat(failureOf(system.ipRecords().delete(account, mapped.sid())))
                .isInstanceOf(SipmapException.Conflict.class);
        assertThat(failureOf(system.sourceIpMappings().insert(new SourceIpMapping(account,
                Fixtures.sids().nextSourceIpMappingSid(), Fixtures.unknownIpRecordSid(), Fixtures.sipDomain(),
                CREATED, CREATED)))).isInstanceOf(SipmapException.InvalidParameter.class);
        assertThat(failureOf(system.sourceIpMappings().insert(new SourceIpMapping(account,
                Fixtures.sids().nextSourceIpMappingSid(), mapped.sid(), Fixtures.sipDomain(), CREATED, CREATED))))
                .isInstanceOf(SipmapException.Conflict.class);
        assertThat(await(system.sourceIpMappings().replace(new SourceIpMapping(account,
                Fixtures.unknownSourceIpMappingSid(), mapped.sid(), Fixtures.sipDomain(), CREATED, LATER))))
                .isEmpty();

        assertThat(after(account, 0, 10).head()).isEqualTo(head);
        assertThat(head.seq()).isEqualTo(2);
        assertThat(all(account)).extracting(Change::resource).containsExactly(mapped, mapping);
    }

    @Test
    void replaysExactlyWhatCameAfterAnyNumberInBoundedBatches() {
        IpRecord record = record(account, "10.3.0.0", 16);
        for (int i = 0; i < 19; i++) {
            record = await(system.ipRecords().replace(record.withFriendlyName("name " + i, LATER))).orElseThrow();
        }
        List<Change> everything = all(account);
        assertThat(numbers(everything)).isEqualTo(oneTo(20));

        for (int n = 0; n <= 20; n++) {
            ChangeBatch rest = after(account, n, 1000);
            assertThat(rest.tooOld()).isFalse();
            assertThat(rest.head()).isEqualTo(everything.get(19).id());
            assertThat(rest.changes()).isEqualTo(everything.subList(n, 20));
            ChangeBatch three = after(account, n, 3);
            assertThat(three.changes()).isEqualTo(everything.subList(n, Math.min(20, n + 3)));
        }
    }

    @Test
    void aNumberBeyondTheHeadIsTooOld() {
        record(account, "10.4.0.0", 16);
        assertThat(after(account, 1, 10).tooOld()).isFalse();
        ChangeBatch ahead = after(account, 2, 10);
        assertThat(ahead.tooOld()).isTrue();
        assertThat(ahead.head().seq()).isEqualTo(1);
        assertThat(ahead.changes()).isEmpty();
        assertThat(after(Fixtures.account(), 5, 10).tooOld()).as("an account without changes, asked after 5")
                .isTrue();
    }

    @Test
    void aReaderBehindWhatTheLogKeepsIsTooOldAndTheSnapshotStillServes() {
        IpRecord record = record(account, "10.5.0.0", 16);
        SourceIpMapping mapping = map(record);
        ChangeId first = after(account, 0, 1).changes().get(0).id();
        forgetOldChanges(system, account);
        ChangeId head = after(account, 0, 1).head();
        assertThat(head.seq()).isGreaterThanOrEqualTo(2);

        assertThat(after(account, 0, 10).tooOld()).isTrue();
        assertThat(after(account, 0, 10).head()).isEqualTo(head);
        assertThat(after(account, first, 10).tooOld()).as("a forgotten change named with its nonce").isTrue();
        assertThat(after(account, head.seq(), 10).tooOld()).isFalse();
        assertThat(after(account, head, 10).tooOld()).as("the head is known by its nonce still").isFalse();
        assertThat(after(account, otherNonce(head), 10).tooOld()).isTrue();

        AddressSnapshot snapshot = await(changes.snapshot(account));
        assertThat(snapshot.head()).isEqualTo(head);
        assertThat(snapshot.entries()).containsExactly(Resolution.of(mapping, record));

        IpRecord next = record(account, "10.6.0.0", 16);
        ChangeBatch fromSnapshot = after(account, snapshot.head(), 10);
        assertThat(fromSnapshot.tooOld()).isFalse();
        assertThat(fromSnapshot.changes()).extracting(Change::resource).containsExactly(next);
    }

    @Test
    void accountsAreIsolated() {
        AccountSid other = Fixtures.account();
        List<Change> heard = new CopyOnWriteArrayList<>();
        ChangeStore.Subscription subscription = await(changes.subscribe(account, heard::add));
        try {
            IpRecord mine = record(account, "10.7.0.0", 16);
            IpRecord theirs = record(other, "10.7.0.0", 16);
            map(theirs);
            IpRecord mineToo = record(account, "10.8.0.0", 16);

            assertThat(all(account)).extracting(Change::resource).containsExactly(mine, mineToo);
            assertThat(all(other)).extracting(Change::resource).hasSize(2).first().isEqualTo(theirs);
            assertThat(await(changes.snapshot(account)).entries()).isEmpty();
            assertThat(await(changes.snapshot(other)).entries()).hasSize(1);
            awaitHeard(heard, 2);
            assertThat(heard).extracting(Change::resource).containsExactly(mine, mineToo);
        } finally {
            subscription.cancel();
        }
    }

    @Test
    void concurrentWritersNeverLeaveAGapOrADuplicate() {
        int threads = 8;
        int each = 12;
        List<Supplier<? extends CompletionStage<?>>> calls = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            calls.add(() -> {
                CompletionStage<?> chain = java.util.concurrent.CompletableFuture.completedStage(null);
                for (int i = 0; i < each; i++) {
                    String address = "10." + (10 + thread) + "." + i + ".0";
                    chain = chain.thenCompose(v -> system.ipRecords().insert(new IpRecord(account,
                                    Fixtures.sids().nextIpRecordSid(), null, Ipv4Address.parse(address), 24, CREATED,
                                    CREATED)))
                            .thenCompose(r -> system.sourceIpMappings().insert(new SourceIpMapping(account,
                                    Fixtures.sids().nextSourceIpMappingSid(), r.sid(), Fixtures.sipDomain(), CREATED,
                                    CREATED)));
                }
                return chain;
            });
        }
        try (Race race = new Race(threads)) {
            assertThat(race.run(calls)).allMatch(Race.Outcome::succeeded);
        }

        List<Change> read = all(account);
        assertThat(numbers(read)).isEqualTo(oneTo(2L * threads * each));
        assertThat(read.stream().map(Change::resource).distinct()).hasSize(2 * threads * each);
        Set<IpRecordSid> created = new HashSet<>();
        for (Change change : read) {
            if (change.kind() == Kind.IP_RECORD_CREATED) {
                created.add(change.ipRecord().sid());
            } else {
                assertThat(created).as("a mapping's record is created before it").contains(
                        change.mapping().ipRecordSid());
            }
        }
    }

    @Test
    void aSnapshotIsExactlyTheChangesUpToItsNumberWhileWritesGoOn() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        // the highest number a snapshot was taken at so far: half-way, the writer waits until the reader has taken
        // one, so that the snapshots are taken at several numbers however the two threads are scheduled
        AtomicLong snapshotAt = new AtomicLong(-1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread writer = new Thread(() -> {
            try {
                List<IpRecord> records = new ArrayList<>();
                for (int i = 0; i < 30 && writing.get(); i++) {
                    records.add(record(account, "10.20." + i + ".0", 24));
                }
                List<SourceIpMapping> mappings = new ArrayList<>();
                for (IpRecord r : records) {
                    mappings.add(map(r));
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(Fixtures.TIMEOUT_SECONDS).toNanos();
                while (snapshotAt.get() < records.size() * 2L && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < mappings.size(); i++) {
                        SourceIpMapping m = mappings.get(i);
                        if ((i + round) % 3 == 0) {
                            await(system.sourceIpMappings().delete(account, m.sid()));
                            mappings.set(i, map(records.get(i)));
                        } else {
                            mappings.set(i, await(system.sourceIpMappings().replace(
                                    m.withSipDomainSid(Fixtures.sipDomain(), LATER))).orElseThrow());
                        }
                    }
                }
            } catch (Throwable e) {
                failures.add(e);
            } finally {
                writing.set(false);
            }
        }, "change-writer");
        writer.start();
        List<AddressSnapshot> snapshots = new ArrayList<>();
        while (writing.get()) {
            AddressSnapshot snapshot = await(changes.snapshot(account));
            snapshots.add(snapshot);
            snapshotAt.accumulateAndGet(snapshot.head().seq(), Math::max);
        }
        writer.join(Duration.ofSeconds(Fixtures.TIMEOUT_SECONDS).toMillis());
        assertThat(failures).isEmpty();
        snapshots.add(await(changes.snapshot(account)));

        List<Change> log = all(account);
        assertThat(numbers(log)).isEqualTo(oneTo(log.size()));
        for (AddressSnapshot snapshot : snapshots) {
            long seq = snapshot.head().seq();
            assertThat(snapshot.entries()).as("the snapshot at " + seq)
                    .containsExactlyInAnyOrderElementsOf(replay(log.subList(0, (int) seq)));
            assertThat(snapshot.head()).isEqualTo(seq == 0 ? ChangeId.ZERO : log.get((int) seq - 1).id());
        }
        assertThat(snapshots.get(snapshots.size() - 1).head().seq()).isEqualTo(log.size());
        assertThat(snapshots.stream().map(AddressSnapshot::head).distinct().count())
                .as("snapshots taken at different numbers").isGreaterThan(1);
    }

    /** The resolution table that {@code log} leaves. */
    private static List<Resolution> replay(List<Change> log) {
        Map<IpRecordSid, IpRecord> records = new HashMap<>();
        Map<IpRecordSid, SourceIpMapping> mappings = new HashMap<>();
        for (Change change : log) {
            switch (change.kind()) {
                case IP_RECORD_CREATED, IP_RECORD_UPDATED -> records.put(change.ipRecord().sid(), change.ipRecord());
                case IP_RECORD_DELETED -> records.remove(change.ipRecord().sid());
                case SOURCE_IP_MAPPING_CREATED, SOURCE_IP_MAPPING_UPDATED ->
                        mappings.put(change.mapping().ipRecordSid(), change.mapping());
                case SOURCE_IP_MAPPING_DELETED -> mappings.remove(change.mapping().ipRecordSid());
            }
        }
        return mappings.values().stream().map(m -> Resolution.of(m, records.get(m.ipRecordSid()))).toList();
    }

    @Test
    void anIpv6RecordsChangesCarryItsPrefixLiveOnReplayAndInTheSnapshot() {
        List<Change> heard = new CopyOnWriteArrayList<>();
        ChangeStore.Subscription subscription = await(changes.subscribe(account, heard::add));
        try {
            IpRecord record = record(account, "2001:db8:9:8::7", 48);
            IpRecord renamed = await(system.ipRecords().replace(record.withFriendlyName("v6", LATER))).orElseThrow();
            SourceIpMapping mapped = map(renamed);
            SourceIpMapping moved = await(system.sourceIpMappings().replace(
                    mapped.withSipDomainSid(Fixtures.sipDomain(), LATER))).orElseThrow();
            AddressSnapshot snapshot = await(changes.snapshot(account));
            assertThat(await(system.sourceIpMappings().delete(account, moved.sid()))).isTrue();
            assertThat(await(system.ipRecords().delete(account, record.sid()))).isTrue();

            List<Change> read = all(account);
            awaitHeard(heard, 6);
            assertThat(heard).as("live as on replay").isEqualTo(read);
            assertThat(read).extracting(Change::kind).containsExactly(Kind.IP_RECORD_CREATED, Kind.IP_RECORD_UPDATED,
                    Kind.SOURCE_IP_MAPPING_CREATED, Kind.SOURCE_IP_MAPPING_UPDATED, Kind.SOURCE_IP_MAPPING_DELETED,
                    Kind.IP_RECORD_DELETED);
            assertThat(read).extracting(Change::resource).containsExactly(record, renamed, mapped, moved, moved,
                    renamed);
            assertThat(read).extracting(Change::ipRecordPrefix).containsExactly(null, null, record.prefix(),
                    record.prefix(), record.prefix(), null);
            assertThat(read.get(2).ipRecordPrefix().toString()).isEqualTo("2001:db8:9:8::7/48");
            assertThat(snapshot.head()).isEqualTo(read.get(3).id());
            assertThat(snapshot.entries()).containsExactly(Resolution.of(moved, renamed));
        } finally {
            subscription.cancel();
        }
    }

    @Test
    void theSnapshotHoldsBothFamiliesIpv4FirstLongestFirst() {
        map(record(account, "2001:db8::", 32));
        map(record(account, "10.0.0.0", 8));
        map(record(account, "2001:db8:1:2::3", 128));
        map(record(account, "10.1.2.3", 32));
        map(record(account, "2001:db8:1::", 48));
        AddressSnapshot snapshot = await(changes.snapshot(account));
        assertThat(snapshot.entries()).extracting(r -> r.prefix().toString()).containsExactly("10.1.2.3/32",
                "10.0.0.0/8", "2001:db8:1:2::3/128", "2001:db8:1::/48", "2001:db8::/32");
    }

    @Test
    void theSnapshotIsInFirstMatchOrder() {
        map(record(account, "10.0.0.0", 8));
        map(record(account, "10.1.2.3", 32));
        map(record(account, "10.1.0.0", 16));
        map(record(account, "10.1.2.0", 24));
        map(record(account, "10.1.2.77", 24));
        AddressSnapshot snapshot = await(changes.snapshot(account));
        assertThat(snapshot.entries()).extracting(r -> r.prefix().toString())
                .containsExactly("10.1.2.3/32", "10.1.2.0/24", "10.1.2.77/24", "10.1.0.0/16", "10.0.0.0/8");
        assertThat(snapshot.winners()).extracting(r -> r.prefix().toString())
                .containsExactly("10.1.2.3/32", "10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8");
    }

    @Test
    void aSubscriberGetsEveryLaterChangeInOrderEachOnce() {
        IpRecord before = record(account, "10.30.0.0", 16);
        List<Change> heard = new CopyOnWriteArrayList<>();
        ChangeStore.Subscription subscription = await(changes.subscribe(account, heard::add));
        try {
            List<Supplier<? extends CompletionStage<?>>> calls = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                calls.add(() -> {
                    CompletionStage<?> chain = java.util.concurrent.CompletableFuture.completedStage(null);
                    for (int i = 0; i < 10; i++) {
                        String address = "10." + (31 + thread) + "." + i + ".0";
                        chain = chain.thenCompose(v -> system.ipRecords().insert(new IpRecord(account,
                                Fixtures.sids().nextIpRecordSid(), null, Ipv4Address.parse(address), 24, CREATED,
                                CREATED)));
                    }
                    return chain;
                });
            }
            try (Race race = new Race(4)) {
                assertThat(race.run(calls)).allMatch(Race.Outcome::succeeded);
            }
            awaitHeard(heard, 41);
            // every change committed after the subscription's stage completed, 2 to 41 (the port allows change 1, from
            // before it, too): awaitHeard checked that the heard ones are consecutive up to the head
            assertThat(numbers(heard).get(0)).as("the first change heard").isBetween(1L, 2L);
            List<Change> log = all(account);
            assertThat(heard).isEqualTo(log.subList(log.size() - heard.size(), log.size()));
            assertThat(heard).extracting(Change::resource).doesNotContain(before);
        } finally {
            subscription.cancel();
        }
    }

    @Test
    void aCancelledSubscriptionHearsNothingMore() {
        List<Change> heard = new CopyOnWriteArrayList<>();
        List<Change> stillListening = new CopyOnWriteArrayList<>();
        ChangeStore.Subscription cancelled = await(changes.subscribe(account, heard::add));
        ChangeStore.Subscription kept = await(changes.subscribe(account, stillListening::add));
        try {
            record(account, "10.40.0.0", 16);
            awaitHeard(heard, 1);
            cancelled.cancel();
            cancelled.cancel();
            record(account, "10.41.0.0", 16);
            awaitHeard(stillListening, 2);
            assertThat(heard).extracting(Change::seq).containsExactly(1L);
        } finally {
            kept.cancel();
        }
    }

    @Test
    void aListenerThatThrowsDoesNotFailTheWriteNorOtherListeners() {
        List<Change> heard = new CopyOnWriteArrayList<>();
        ChangeStore.Subscription throwing = await(changes.subscribe(account, change -> {
            throw new IllegalStateException("a listener's bug");
        }));
        ChangeStore.Subscription kept = await(changes.subscribe(account, heard::add));
        try {
            record(account, "10.42.0.0", 16);
            record(account, "10.43.0.0", 16);
            awaitHeard(heard, 2);
            assertThat(after(account, 0, 10).head().seq()).isEqualTo(2);
        } finally {
            throwing.cancel();
            kept.cancel();
        }
    }

    /** Waits until {@code heard} ends at the account's head, which must be at least {@code atLeast}. */
    private void awaitHeard(List<Change> heard, long atLeast) {
        long deadline = System.nanoTime() + DELIVERY.toNanos();
        while (System.nanoTime() < deadline) {
            long head = after(account, 0, 1).head().seq();
            if (head >= atLeast && !heard.isEmpty() && heard.get(heard.size() - 1).seq() == head) {
                List<Long> seqs = numbers(heard);
                long first = seqs.get(0);
                List<Long> expected = new ArrayList<>();
                for (long s = first; s <= head; s++) {
                    expected.add(s);
                }
                assertThat(seqs).as("delivered in order, each once, without gaps").isEqualTo(expected);
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("not delivered within " + DELIVERY + ": heard " + numbers(heard));
    }
}
