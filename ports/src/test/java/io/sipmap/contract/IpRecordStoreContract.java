package io.sipmap.contract;

import static io.sipmap.contract.Fixtures.CREATED;
import static io.sipmap.contract.Fixtures.LATER;
import static io.sipmap.contract.Fixtures.await;
import static io.sipmap.contract.Fixtures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Cursor;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.spi.IpRecordStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IpRecordStore} does, with the {@link io.sipmap.spi.SourceIpMappingStore} it shares invariants
 * with. An adapter runs it with a few-line subclass. Each test works in a fresh random account, so the suite needs no
 * cleanup and can run on a shared database.
 */
public abstract class IpRecordStoreContract {

    /** The stores under test; called before each test, and may return the same stores every time. */
    protected abstract Stores stores();

    private Stores system;
    private IpRecordStore store;
    private AccountSid account;

    @BeforeEach
    void freshAccount() {
        system = stores();
        store = system.ipRecords();
        account = Fixtures.account();
    }

    static IpRecord record(AccountSid account, String hex) {
        return new IpRecord(account, IpRecordSid.ofHex(hex), "office " + hex.substring(24),
                Ipv4Address.parse("192.0.2.10"), 32, CREATED, CREATED);
    }

    private IpRecord record() {
        return record(account, Fixtures.orderedHex());
    }

    private IpRecord inserted(IpRecord record) {
        assertThat(await(store.insert(record))).isEqualTo(record);
        return record;
    }

    /** {@code count} new records, inserted in SID order. */
    private List<IpRecord> insertedRecords(int count) {
        List<IpRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(inserted(record()));
        }
        return records;
    }

    private SourceIpMapping mapped(IpRecord record) {
        SourceIpMapping mapping = new SourceIpMapping(record.accountSid(),
                SourceIpMappingSid.ofHex(Fixtures.orderedHex()), record.sid(), Fixtures.sipDomain(), CREATED, CREATED);
        return await(system.sourceIpMappings().insert(mapping));
    }

    private Page<IpRecord> page(int size, Cursor cursor) {
        return await(store.page(account, new PageRequest(size, cursor)));
    }

    private static List<String> sids(Page<IpRecord> page) {
        return page.items().stream().map(r -> r.sid().value()).toList();
    }

    @Test
    void findsInsertedRecord() {
        IpRecord record = new IpRecord(account, IpRecordSid.ofHex(Fixtures.orderedHex()), null,
                Ipv4Address.parse("198.51.100.77"), 24, CREATED, LATER);

        inserted(record);

        assertThat(await(store.find(account, record.sid()))).contains(record);
    }

    @Test
    void keepsFriendlyNameOf255CodePointsIntact() {
        String name = Fixtures.friendlyNameOf255CodePoints();
        IpRecord record = new IpRecord(account, IpRecordSid.ofHex(Fixtures.orderedHex()), name,
                Ipv4Address.parse("203.0.113.5"), 32, CREATED, CREATED);

        inserted(record);

        assertThat(await(store.find(account, record.sid())).orElseThrow().friendlyName()).isEqualTo(name);
    }

    @Test
    void findsNothingForUnknownSid() {
        inserted(record());

        assertThat(await(store.find(account, Fixtures.unknownIpRecordSid()))).isEmpty();
    }

    @Test
    void replaceStoresNewValue() {
        IpRecord record = inserted(record());
        IpRecord renamed = record.withFriendlyName("renamed", LATER);

        assertThat(await(store.replace(renamed))).contains(renamed);

        assertThat(await(store.find(account, record.sid()))).contains(renamed);
    }

    @Test
    void insertOfExistingSidFailsWithConflictAndKeepsStoredRecord() {
        IpRecord record = inserted(record());
        IpRecord again = new IpRecord(account, record.sid(), "again", Ipv4Address.parse("198.51.100.1"), 24,
                LATER, LATER);

        failsWith(SipmapException.Conflict.class, store.insert(again));

        assertThat(await(store.find(account, record.sid()))).contains(record);
        assertThat(page(50, Cursor.FIRST).items()).containsExactly(record);
    }

    @Test
    void replaceMayClearFriendlyName() {
        IpRecord record = inserted(record());
        IpRecord unnamed = record.withFriendlyName(null, LATER);

        assertThat(await(store.replace(unnamed))).contains(unnamed);

        assertThat(await(store.find(account, record.sid()))).contains(unnamed);
    }

    @Test
    void replaceRefusesAnotherAddressPrefixOrCreationDateAndChangesNothing() {
        IpRecord record = inserted(record());
        List<IpRecord> refused = List.of(
                new IpRecord(account, record.sid(), "moved", Ipv4Address.parse("192.0.2.11"), 32, CREATED, LATER),
                new IpRecord(account, record.sid(), "widened", record.ipAddress(), 24, CREATED, LATER),
                new IpRecord(account, record.sid(), "reborn", record.ipAddress(), 32, LATER, LATER));

        for (IpRecord replacement : refused) {
            failsWith(IllegalArgumentException.class, store.replace(replacement));

            assertThat(await(store.find(account, record.sid()))).as("after replacing with %s", replacement)
                    .contains(record);
        }
    }

    @Test
    void replaceOfUnknownRecordStoresNothing() {
        IpRecord record = record();

        assertThat(await(store.replace(record))).isEmpty();

        assertThat(await(store.find(account, record.sid()))).isEmpty();
    }

    @Test
    void replaceDoesNotResurrectDeletedRecord() {
        IpRecord record = inserted(record());
        assertThat(await(store.delete(account, record.sid()))).isTrue();

        assertThat(await(store.replace(record.withFriendlyName("renamed", LATER)))).isEmpty();

        assertThat(await(store.find(account, record.sid()))).isEmpty();
    }

    @Test
    void deletesRecordOnce() {
        IpRecord record = inserted(record());
        IpRecord other = inserted(record());

        assertThat(await(store.delete(account, record.sid()))).isTrue();
        assertThat(await(store.delete(account, record.sid()))).isFalse();

        assertThat(await(store.find(account, record.sid()))).isEmpty();
        assertThat(await(store.find(account, other.sid()))).contains(other);
    }

    @Test
    void deleteOfUnknownRecordIsFalse() {
        assertThat(await(store.delete(account, Fixtures.unknownIpRecordSid()))).isFalse();
    }

    @Test
    void refusesToDeleteMappedRecordAndKeepsIt() {
        IpRecord record = inserted(record());
        SourceIpMapping mapping = mapped(record);

        failsWith(SipmapException.Conflict.class, store.delete(account, record.sid()));

        assertThat(await(store.find(account, record.sid()))).contains(record);
        assertThat(await(system.sourceIpMappings().find(account, mapping.sid()))).contains(mapping);
    }

    @Test
    void deletesRecordOnceItsMappingIsDeleted() {
        IpRecord record = inserted(record());
        SourceIpMapping mapping = mapped(record);
        assertThat(await(system.sourceIpMappings().delete(account, mapping.sid()))).isTrue();

        assertThat(await(store.delete(account, record.sid()))).isTrue();

        assertThat(await(store.find(account, record.sid()))).isEmpty();
    }

    @Test
    void listsAccountWithoutRecordsAsEmptyPage() {
        Page<IpRecord> page = page(50, Cursor.FIRST);

        assertThat(page.items()).isEmpty();
        assertThat(page.next()).isEmpty();
        assertThat(page.previous()).isEmpty();
    }

    @Test
    void pagesThroughAllRecordsInSidOrderBothWays() {
        List<IpRecord> records = new ArrayList<>();
        for (String hex : Fixtures.orderedHexes(2345)) {
            records.add(record(account, hex));
        }
        List<String> expected = records.stream().map(r -> r.sid().value()).toList();
        List<IpRecord> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new Random(2345));
        shuffled.forEach(this::inserted);

        for (int size : new int[] {1, 7, 50, 1000}) {
            Walk.assertWalksBothWays(request -> await(store.page(account, request)), size, expected,
                    r -> r.sid().value());
        }
    }

    @Test
    void pageCursorsNameItsFirstAndLastRecords() {
        List<IpRecord> records = insertedRecords(10);

        Page<IpRecord> page = page(3, new Cursor.After(records.get(2).sid().value()));

        assertThat(page.items()).containsExactlyElementsOf(records.subList(3, 6));
        assertThat(page.previous()).contains(new Cursor.Before(records.get(3).sid().value()));
        assertThat(page.next()).contains(new Cursor.After(records.get(5).sid().value()));
    }

    @Test
    void pagesWithoutItemsHaveNeitherCursorWhateverLiesAround() {
        IpRecord first = inserted(record());
        IpRecord last = inserted(record());

        List<Page<IpRecord>> empty = List.of(page(5, new Cursor.Before(first.sid().value())),
                page(5, new Cursor.After(last.sid().value())), page(5, new Cursor.Offset(2)));

        assertThat(empty).allSatisfy(page -> {
            assertThat(page.items()).isEmpty();
            assertThat(page.next()).isEmpty();
            assertThat(page.previous()).isEmpty();
        });
    }

    @Test
    void beforePageHoldsOnlyWhatPrecedesItsSid() {
        List<IpRecord> records = insertedRecords(6);

        Page<IpRecord> start = page(4, new Cursor.Before(records.get(2).sid().value()));
        Page<IpRecord> full = page(4, new Cursor.Before(records.get(5).sid().value()));

        assertThat(start.items()).containsExactlyElementsOf(records.subList(0, 2));
        assertThat(start.previous()).isEmpty();
        assertThat(start.next()).contains(new Cursor.After(records.get(1).sid().value()));
        assertThat(full.items()).containsExactlyElementsOf(records.subList(1, 5));
        assertThat(full.previous()).contains(new Cursor.Before(records.get(1).sid().value()));
        assertThat(full.next()).contains(new Cursor.After(records.get(4).sid().value()));
    }

    @Test
    void keysetCursorsMayNameSidsNeverStored() {
        List<String> hexes = Fixtures.orderedHexes(5);
        List<IpRecord> stored = List.of(inserted(record(account, hexes.get(0))),
                inserted(record(account, hexes.get(2))), inserted(record(account, hexes.get(4))));

        Page<IpRecord> after = page(5, new Cursor.After(IpRecordSid.ofHex(hexes.get(1)).value()));
        Page<IpRecord> before = page(5, new Cursor.Before(IpRecordSid.ofHex(hexes.get(3)).value()));

        assertThat(after.items()).containsExactlyElementsOf(stored.subList(1, 3));
        assertThat(after.previous()).contains(new Cursor.Before(stored.get(1).sid().value()));
        assertThat(after.next()).isEmpty();
        assertThat(before.items()).containsExactlyElementsOf(stored.subList(0, 2));
        assertThat(before.previous()).isEmpty();
        assertThat(before.next()).contains(new Cursor.After(stored.get(1).sid().value()));
    }

    @Test
    void ordersSidsAsUnsigned128BitNumbers() {
        List<String> hexes = Fixtures.hexesAcrossSignAndLetters();
        List<IpRecord> shuffled = new ArrayList<>(hexes.stream().map(hex -> record(account, hex)).toList());
        Collections.shuffle(shuffled, new Random(hexes.size()));
        shuffled.forEach(this::inserted);

        Walk.assertListsInOrder(request -> await(store.page(account, request)),
                hexes.stream().map(hex -> IpRecordSid.ofHex(hex).value()).toList(), r -> r.sid().value());
    }

    @Test
    void offsetSkipsThatManyRecordsInSidOrder() {
        List<String> expected = insertedRecords(30).stream().map(r -> r.sid().value()).toList();

        Page<IpRecord> start = page(7, new Cursor.Offset(0));
        Page<IpRecord> middle = page(7, new Cursor.Offset(10));
        Page<IpRecord> end = page(7, new Cursor.Offset(28));
        Page<IpRecord> beyond = page(7, new Cursor.Offset(30));

        assertThat(sids(start)).containsExactlyElementsOf(expected.subList(0, 7));
        assertThat(start.previous()).isEmpty();
        assertThat(start.next()).isPresent();
        assertThat(sids(middle)).containsExactlyElementsOf(expected.subList(10, 17));
        assertThat(middle.previous()).isPresent();
        assertThat(middle.next()).isPresent();
        assertThat(sids(end)).containsExactlyElementsOf(expected.subList(28, 30));
        assertThat(end.next()).isEmpty();
        assertThat(beyond.items()).isEmpty();
        assertThat(beyond.next()).isEmpty();
    }

    @Test
    void afterCursorOfDeletedRecordStillWorks() {
        List<IpRecord> records = insertedRecords(9);
        Page<IpRecord> first = page(3, Cursor.FIRST);
        assertThat(await(store.delete(account, records.get(2).sid()))).isTrue();

        Page<IpRecord> second = page(3, first.next().orElseThrow());

        assertThat(second.items()).containsExactlyElementsOf(records.subList(3, 6));
        assertThat(second.previous()).isPresent();
        assertThat(second.next()).isPresent();
    }

    @Test
    void beforeCursorOfDeletedRecordStillWorks() {
        List<IpRecord> records = insertedRecords(9);
        Page<IpRecord> last = page(3, new Cursor.After(records.get(5).sid().value()));
        assertThat(await(store.delete(account, records.get(6).sid()))).isTrue();

        Page<IpRecord> previous = page(3, last.previous().orElseThrow());

        assertThat(previous.items()).containsExactlyElementsOf(records.subList(3, 6));
        assertThat(previous.previous()).isPresent();
        assertThat(previous.next()).isPresent();
    }

    @Test
    void cursorsOfDeletedEndsHaveNothingOnTheirOtherSide() {
        List<IpRecord> records = insertedRecords(5);
        Cursor after = new Cursor.After(records.get(0).sid().value());
        Cursor before = new Cursor.Before(records.get(4).sid().value());
        assertThat(await(store.delete(account, records.get(0).sid()))).isTrue();
        assertThat(await(store.delete(account, records.get(4).sid()))).isTrue();

        Page<IpRecord> forwards = page(2, after);
        Page<IpRecord> backwards = page(2, before);

        assertThat(forwards.items()).containsExactlyElementsOf(records.subList(1, 3));
        assertThat(forwards.previous()).isEmpty();
        assertThat(forwards.next()).isPresent();
        assertThat(backwards.items()).containsExactlyElementsOf(records.subList(2, 4));
        assertThat(backwards.previous()).isPresent();
        assertThat(backwards.next()).isEmpty();
    }

    @Test
    void walkSeesEveryLastingRecordOnceWhileOthersComeAndGo() {
        List<String> hexes = Fixtures.orderedHexes(400);
        TreeSet<String> lasting = new TreeSet<>();
        TreeSet<String> spare = new TreeSet<>();
        for (int i = 0; i < hexes.size(); i++) {
            IpRecord record = record(account, hexes.get(i));
            if (i % 2 == 0) {
                inserted(record);
                lasting.add(record.sid().value());
            } else {
                spare.add(record.sid().value());
            }
        }
        Set<String> initial = Set.copyOf(lasting);
        Set<String> deletedUnseen = new HashSet<>();

        List<String> seen = Walk.forwards(request -> await(store.page(account, request)), 10,
                r -> r.sid().value(), 100, position -> {
                    insertSpare(spare.lower(position), spare);
                    insertSpare(spare.higher(position), spare);
                    String next = lasting.higher(position);
                    String ahead = next == null ? null : lasting.higher(next);
                    if (ahead != null) {
                        assertThat(await(store.delete(account, new IpRecordSid(ahead)))).isTrue();
                        lasting.remove(ahead);
                        deletedUnseen.add(ahead);
                    }
                    String behind = lasting.lower(position);
                    if (behind != null) {
                        assertThat(await(store.delete(account, new IpRecordSid(behind)))).isTrue();
                        lasting.remove(behind);
                    }
                });

        assertThat(seen).doesNotHaveDuplicates().isSorted().containsAll(lasting)
                .doesNotContainAnyElementsOf(deletedUnseen);
        assertThat(lasting).hasSizeGreaterThan(initial.size() / 3);
    }

    private void insertSpare(String sid, Set<String> spare) {
        if (sid != null) {
            inserted(record(account, sid.substring(2)));
            spare.remove(sid);
        }
    }

    @Test
    void accountsNeverSeeEachOthersRecords() {
        IpRecord mine = inserted(record());
        AccountSid other = Fixtures.account();
        IpRecord theirs = inserted(record(other, Fixtures.orderedHex()));

        assertThat(await(store.find(other, mine.sid()))).isEmpty();
        assertThat(await(store.replace(new IpRecord(other, mine.sid(), "stolen", mine.ipAddress(),
                mine.cidrPrefixLength(), CREATED, LATER)))).isEmpty();
        assertThat(await(store.delete(other, mine.sid()))).isFalse();
        assertThat(await(store.page(other, PageRequest.first())).items()).containsExactly(theirs);

        assertThat(await(store.find(account, mine.sid()))).contains(mine);
        assertThat(await(store.page(account, PageRequest.first())).items()).containsExactly(mine);
    }

    @Test
    void concurrentInsertsAreAllListedInSidOrder() {
        int threads = 8;
        int perThread = 100;
        List<Supplier<? extends CompletionStage<?>>> calls = new ArrayList<>();
        Set<String> inserted = ConcurrentHashMap.newKeySet();
        for (int t = 0; t < threads; t++) {
            calls.add(() -> {
                for (int i = 0; i < perThread; i++) {
                    IpRecord record = record();
                    await(store.insert(record));
                    inserted.add(record.sid().value());
                }
                return CompletableFuture.completedStage(null);
            });
        }
        try (Race race = new Race(threads)) {
            assertThat(race.run(calls)).allMatch(Race.Outcome::succeeded);
        }

        List<String> listed = sids(page(1000, Cursor.FIRST));

        assertThat(listed).hasSize(threads * perThread).isSorted().containsExactlyInAnyOrderElementsOf(inserted);
    }

    @Test
    void deleteRacingMappingInsertNeverLeavesMappingOfDeletedRecord() {
        try (Race race = new Race(2)) {
            for (int i = 0; i < 200; i++) {
                IpRecord record = inserted(record());
                SourceIpMapping mapping = new SourceIpMapping(account, SourceIpMappingSid.ofHex(Fixtures.orderedHex()),
                        record.sid(), Fixtures.sipDomain(), CREATED, CREATED);

                List<Race.Outcome> outcomes = race.run(List.of(
                        () -> store.delete(account, record.sid()),
                        () -> system.sourceIpMappings().insert(mapping)));

                Race.Outcome delete = outcomes.get(0);
                Race.Outcome insert = outcomes.get(1);
                if (delete.succeeded()) {
                    assertThat(delete.value()).isEqualTo(true);
                    assertThat(insert.failure()).isInstanceOf(SipmapException.InvalidParameter.class);
                    assertThat(await(system.sourceIpMappings().find(account, mapping.sid()))).isEmpty();
                    assertThat(await(store.find(account, record.sid()))).isEmpty();
                } else {
                    assertThat(delete.failure()).isInstanceOf(SipmapException.Conflict.class);
                    assertThat(insert.succeeded()).isTrue();
                    assertThat(await(system.sourceIpMappings().find(account, mapping.sid()))).contains(mapping);
                    assertThat(await(store.find(account, record.sid()))).contains(record);
                }
            }
        }
    }
}
