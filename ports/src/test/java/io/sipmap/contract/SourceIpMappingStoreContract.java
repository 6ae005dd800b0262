package io.sipmap.contract;

import static io.sipmap.contract.Fixtures.await;
import static io.sipmap.contract.Fixtures.failsWith;
import static io.sipmap.contract.Fixtures.CREATED;
import static io.sipmap.contract.Fixtures.LATER;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Cursor;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.spi.SourceIpMappingStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SourceIpMappingStore} does, with the {@link io.sipmap.spi.IpRecordStore} it shares invariants
 * with: a mapping's IP record exists in the same account, and has no other mapping. An adapter runs it with a
 * few-line subclass. Each test works in a fresh random account, so the suite needs no cleanup and can run on a shared
 * database.
 */
public abstract class SourceIpMappingStoreContract {

    /** The stores under test; called before each test, and may return the same stores every time. */
    protected abstract Stores stores();

    private Stores system;
    private SourceIpMappingStore store;
    private AccountSid account;

    @BeforeEach
    void freshAccount() {
        system = stores();
        store = system.sourceIpMappings();
        account = Fixtures.account();
    }

    private IpRecord ipRecord(AccountSid owner) {
        IpRecord record = IpRecordStoreContract.record(owner, Fixtures.orderedHex());
        return await(system.ipRecords().insert(record));
    }

    private IpRecord ipRecord() {
        return ipRecord(account);
    }

    private static SourceIpMapping mappingOf(IpRecord record, String hex) {
        return new SourceIpMapping(record.accountSid(), SourceIpMappingSid.ofHex(hex), record.sid(),
                Fixtures.sipDomain(), CREATED, CREATED);
    }

    private static SourceIpMapping mappingOf(IpRecord record) {
        return mappingOf(record, Fixtures.orderedHex());
    }

    private SourceIpMapping inserted(SourceIpMapping mapping) {
        assertThat(await(store.insert(mapping))).isEqualTo(mapping);
        return mapping;
    }

    private Page<SourceIpMapping> page(int size, Cursor cursor) {
        return await(store.page(account, new PageRequest(size, cursor)));
    }

    @Test
    void findsInsertedMapping() {
        SourceIpMapping mapping = new SourceIpMapping(account, SourceIpMappingSid.ofHex(Fixtures.orderedHex()),
                ipRecord().sid(), Fixtures.sipDomain(), CREATED, LATER);

        inserted(mapping);

        assertThat(await(store.find(account, mapping.sid()))).contains(mapping);
    }

    @Test
    void findsNothingForUnknownSid() {
        inserted(mappingOf(ipRecord()));

        assertThat(await(store.find(account, Fixtures.unknownSourceIpMappingSid()))).isEmpty();
    }

    @Test
    void rejectsMappingOfUnknownIpRecordAndStoresNothing() {
        SourceIpMapping mapping = new SourceIpMapping(account, SourceIpMappingSid.ofHex(Fixtures.orderedHex()),
                Fixtures.unknownIpRecordSid(), Fixtures.sipDomain(), CREATED, CREATED);

        var failure = failsWith(SipmapException.InvalidParameter.class, store.insert(mapping));

        assertThat(failure.parameter()).isEqualTo("IpRecordSid");
        assertThat(await(store.find(account, mapping.sid()))).isEmpty();
        assertThat(page(50, Cursor.FIRST).items()).isEmpty();
    }

    @Test
    void rejectsMappingOfAnotherAccountsIpRecord() {
        IpRecord theirs = ipRecord(Fixtures.account());
        SourceIpMapping mapping = new SourceIpMapping(account, SourceIpMappingSid.ofHex(Fixtures.orderedHex()),
                theirs.sid(), Fixtures.sipDomain(), CREATED, CREATED);

        var failure = failsWith(SipmapException.InvalidParameter.class, store.insert(mapping));

        assertThat(failure.parameter()).isEqualTo("IpRecordSid");
        assertThat(await(store.find(account, mapping.sid()))).isEmpty();
        assertThat(await(store.page(theirs.accountSid(), PageRequest.first())).items()).isEmpty();
    }

    @Test
    void rejectsSecondMappingOfSameIpRecord() {
        IpRecord record = ipRecord();
        SourceIpMapping first = inserted(mappingOf(record));
        SourceIpMapping second = mappingOf(record);

        failsWith(SipmapException.Conflict.class, store.insert(second));

        assertThat(await(store.find(account, second.sid()))).isEmpty();
        assertThat(await(store.find(account, first.sid()))).contains(first);
        assertThat(page(50, Cursor.FIRST).items()).containsExactly(first);
    }

    @Test
    void insertOfExistingSidFailsWithConflictAndKeepsStoredMapping() {
        SourceIpMapping mapping = inserted(mappingOf(ipRecord()));
        IpRecord unmapped = ipRecord();
        SourceIpMapping again = mappingOf(unmapped, mapping.sid().value().substring(2));

        failsWith(SipmapException.Conflict.class, store.insert(again));

        assertThat(await(store.find(account, mapping.sid()))).contains(mapping);
        assertThat(page(50, Cursor.FIRST).items()).containsExactly(mapping);
        SourceIpMapping ofUnmapped = inserted(mappingOf(unmapped));
        assertThat(await(store.find(account, ofUnmapped.sid()))).contains(ofUnmapped);
    }

    @Test
    void exactlyOneOfConcurrentMappingsOfOneIpRecordWins() {
        int threads = 8;
        try (Race race = new Race(threads)) {
            for (int round = 0; round < 25; round++) {
                IpRecord record = ipRecord();
                List<Supplier<? extends CompletionStage<?>>> calls = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    SourceIpMapping mapping = mappingOf(record);
                    calls.add(() -> store.insert(mapping));
                }

                List<Race.Outcome> outcomes = race.run(calls);

                assertThat(outcomes).filteredOn(Race.Outcome::succeeded).hasSize(1);
                assertThat(outcomes).filteredOn(o -> !o.succeeded())
                        .allSatisfy(o -> assertThat(o.failure()).isInstanceOf(SipmapException.Conflict.class));
                SourceIpMapping winner = (SourceIpMapping) outcomes.stream().filter(Race.Outcome::succeeded)
                        .findFirst().orElseThrow().value();
                assertThat(await(store.find(account, winner.sid()))).contains(winner);
            }
        }
        assertThat(page(1000, Cursor.FIRST).items()).hasSize(25);
    }

    @Test
    void replaceStoresNewSipDomain() {
        SourceIpMapping mapping = inserted(mappingOf(ipRecord()));
        SourceIpMapping moved = mapping.withSipDomainSid(Fixtures.sipDomain(), LATER);

        assertThat(await(store.replace(moved))).contains(moved);

        assertThat(await(store.find(account, mapping.sid()))).contains(moved);
    }

    @Test
    void replaceDoesNotResurrectDeletedMapping() {
        SourceIpMapping mapping = inserted(mappingOf(ipRecord()));
        assertThat(await(store.delete(account, mapping.sid()))).isTrue();

        assertThat(await(store.replace(mapping.withSipDomainSid(Fixtures.sipDomain(), LATER)))).isEmpty();

        assertThat(await(store.find(account, mapping.sid()))).isEmpty();
    }

    @Test
    void replaceRefusesAnotherIpRecordOrCreationDateAndChangesNothing() {
        SourceIpMapping mapping = inserted(mappingOf(ipRecord()));
        IpRecord other = ipRecord();
        List<SourceIpMapping> refused = List.of(
                new SourceIpMapping(account, mapping.sid(), other.sid(), Fixtures.sipDomain(), CREATED, LATER),
                new SourceIpMapping(account, mapping.sid(), mapping.ipRecordSid(), Fixtures.sipDomain(), LATER,
                        LATER));

        for (SourceIpMapping replacement : refused) {
            failsWith(IllegalArgumentException.class, store.replace(replacement));

            assertThat(await(store.find(account, mapping.sid()))).as("after replacing with %s", replacement)
                    .contains(mapping);
        }
        SourceIpMapping ofOther = inserted(mappingOf(other));
        assertThat(await(store.find(account, ofOther.sid()))).contains(ofOther);
    }

    @Test
    void deletesMappingOnce() {
        SourceIpMapping mapping = inserted(mappingOf(ipRecord()));
        SourceIpMapping other = inserted(mappingOf(ipRecord()));

        assertThat(await(store.delete(account, mapping.sid()))).isTrue();
        assertThat(await(store.delete(account, mapping.sid()))).isFalse();

        assertThat(await(store.find(account, mapping.sid()))).isEmpty();
        assertThat(await(store.find(account, other.sid()))).contains(other);
    }

    @Test
    void deleteOfUnknownMappingIsFalse() {
        assertThat(await(store.delete(account, Fixtures.unknownSourceIpMappingSid()))).isFalse();
    }

    @Test
    void deletingMappingFreesItsIpRecordForAnotherMapping() {
        IpRecord record = ipRecord();
        SourceIpMapping first = inserted(mappingOf(record));
        assertThat(await(store.delete(account, first.sid()))).isTrue();

        SourceIpMapping second = inserted(mappingOf(record));

        assertThat(await(store.find(account, second.sid()))).contains(second);
    }

    @Test
    void pagesThroughAllMappingsInSidOrderBothWays() {
        List<SourceIpMapping> mappings = new ArrayList<>();
        for (String hex : Fixtures.orderedHexes(2345)) {
            mappings.add(mappingOf(ipRecord(), hex));
        }
        List<String> expected = mappings.stream().map(m -> m.sid().value()).toList();
        List<SourceIpMapping> shuffled = new ArrayList<>(mappings);
        Collections.shuffle(shuffled, new Random(2345));
        shuffled.forEach(this::inserted);

        for (int size : new int[] {1, 7, 50, 1000}) {
            Walk.assertWalksBothWays(request -> await(store.page(account, request)), size, expected,
                    m -> m.sid().value());
        }
    }

    @Test
    void pageCursorsNameItsFirstAndLastMappings() {
        List<SourceIpMapping> mappings = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            mappings.add(inserted(mappingOf(ipRecord())));
        }

        Page<SourceIpMapping> page = page(3, new Cursor.After(mappings.get(2).sid().value()));

        assertThat(page.items()).containsExactlyElementsOf(mappings.subList(3, 6));
        assertThat(page.previous()).contains(new Cursor.Before(mappings.get(3).sid().value()));
        assertThat(page.next()).contains(new Cursor.After(mappings.get(5).sid().value()));
    }

    @Test
    void offsetSkipsThatManyMappingsInSidOrder() {
        List<SourceIpMapping> mappings = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            mappings.add(inserted(mappingOf(ipRecord())));
        }

        assertThat(page(5, new Cursor.Offset(5)).items()).containsExactlyElementsOf(mappings.subList(5, 10));
        assertThat(page(5, new Cursor.Offset(10)).items()).containsExactlyElementsOf(mappings.subList(10, 12));
        assertThat(page(5, new Cursor.Offset(12)).items()).isEmpty();
    }

    @Test
    void ordersSidsAsUnsigned128BitNumbers() {
        List<String> hexes = Fixtures.hexesAcrossSignAndLetters();
        List<SourceIpMapping> shuffled = new ArrayList<>(hexes.stream().map(hex -> mappingOf(ipRecord(), hex)).toList());
        Collections.shuffle(shuffled, new Random(hexes.size()));
        shuffled.forEach(this::inserted);

        Walk.assertListsInOrder(request -> await(store.page(account, request)),
                hexes.stream().map(hex -> SourceIpMappingSid.ofHex(hex).value()).toList(), m -> m.sid().value());
    }

    @Test
    void cursorsOfDeletedMappingsStillWork() {
        List<SourceIpMapping> mappings = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            mappings.add(inserted(mappingOf(ipRecord())));
        }
        Page<SourceIpMapping> middle = page(3, new Cursor.After(mappings.get(2).sid().value()));
        assertThat(await(store.delete(account, mappings.get(3).sid()))).isTrue();
        assertThat(await(store.delete(account, mappings.get(5).sid()))).isTrue();

        Page<SourceIpMapping> previous = page(3, middle.previous().orElseThrow());
        Page<SourceIpMapping> next = page(3, middle.next().orElseThrow());

        assertThat(previous.items()).containsExactlyElementsOf(mappings.subList(0, 3));
        assertThat(next.items()).containsExactlyElementsOf(mappings.subList(6, 9));
    }

    @Test
    void cursorsOfDeletedEndsHaveNothingOnTheirOtherSide() {
        List<SourceIpMapping> mappings = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mappings.add(inserted(mappingOf(ipRecord())));
        }
        Cursor after = new Cursor.After(mappings.get(0).sid().value());
        Cursor before = new Cursor.Before(mappings.get(4).sid().value());
        assertThat(await(store.delete(account, mappings.get(0).sid()))).isTrue();
        assertThat(await(store.delete(account, mappings.get(4).sid()))).isTrue();

        Page<SourceIpMapping> forwards = page(2, after);
        Page<SourceIpMapping> backwards = page(2, before);

        assertThat(forwards.items()).containsExactlyElementsOf(mappings.subList(1, 3));
        assertThat(forwards.previous()).isEmpty();
        assertThat(forwards.next()).isPresent();
        assertThat(backwards.items()).containsExactlyElementsOf(mappings.subList(2, 4));
        assertThat(backwards.previous()).isPresent();
        assertThat(backwards.next()).isEmpty();
    }

    @Test
    void walkSeesEveryLastingMappingOnceWhileOthersComeAndGo() {
        List<String> hexes = Fixtures.orderedHexes(300);
        TreeSet<String> lasting = new TreeSet<>();
        TreeMap<String, SourceIpMapping> spare = new TreeMap<>();
        for (int i = 0; i < hexes.size(); i++) {
            SourceIpMapping mapping = mappingOf(ipRecord(), hexes.get(i));
            if (i % 2 == 0) {
                inserted(mapping);
                lasting.add(mapping.sid().value());
            } else {
                spare.put(mapping.sid().value(), mapping);
            }
        }
        Set<String> deletedUnseen = new HashSet<>();

        List<String> seen = Walk.forwards(request -> await(store.page(account, request)), 10,
                m -> m.sid().value(), 100, position -> {
                    insertSpare(spare.lowerEntry(position), spare);
                    insertSpare(spare.higherEntry(position), spare);
                    String next = lasting.higher(position);
                    String ahead = next == null ? null : lasting.higher(next);
                    if (ahead != null) {
                        assertThat(await(store.delete(account, new SourceIpMappingSid(ahead)))).isTrue();
                        lasting.remove(ahead);
                        deletedUnseen.add(ahead);
                    }
                    String behind = lasting.lower(position);
                    if (behind != null) {
                        assertThat(await(store.delete(account, new SourceIpMappingSid(behind)))).isTrue();
                        lasting.remove(behind);
                    }
                });

        assertThat(seen).doesNotHaveDuplicates().isSorted().containsAll(lasting)
                .doesNotContainAnyElementsOf(deletedUnseen);
        assertThat(lasting).hasSizeGreaterThan(50);
    }

    private void insertSpare(Map.Entry<String, SourceIpMapping> entry, Map<String, SourceIpMapping> spare) {
        if (entry != null) {
            inserted(entry.getValue());
            spare.remove(entry.getKey());
        }
    }

    @Test
    void accountsNeverSeeEachOthersMappings() {
        SourceIpMapping mine = inserted(mappingOf(ipRecord()));
        AccountSid other = Fixtures.account();
        SourceIpMapping theirs = inserted(mappingOf(ipRecord(other)));

        assertThat(await(store.find(other, mine.sid()))).isEmpty();
        assertThat(await(store.replace(new SourceIpMapping(other, mine.sid(), mine.ipRecordSid(),
                Fixtures.sipDomain(), CREATED, LATER)))).isEmpty();
        assertThat(await(store.delete(other, mine.sid()))).isFalse();
        assertThat(await(store.page(other, PageRequest.first())).items()).containsExactly(theirs);

        assertThat(await(store.find(account, mine.sid()))).contains(mine);
        assertThat(page(50, Cursor.FIRST).items()).containsExactly(mine);
    }

    @Test
    void anotherAccountCannotDeleteOrMapAnIpRecordThroughItsSid() {
        IpRecord record = ipRecord();
        AccountSid other = Fixtures.account();
        IpRecordSid sid = record.sid();

        assertThat(await(system.ipRecords().delete(other, sid))).isFalse();
        failsWith(SipmapException.InvalidParameter.class, store.insert(new SourceIpMapping(other,
                SourceIpMappingSid.ofHex(Fixtures.orderedHex()), sid, Fixtures.sipDomain(), CREATED, CREATED)));

        SourceIpMapping mine = inserted(mappingOf(record));
        assertThat(await(store.find(account, mine.sid()))).contains(mine);
    }
}
