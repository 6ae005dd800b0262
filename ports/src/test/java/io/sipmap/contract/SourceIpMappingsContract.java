package io.sipmap.contract;

import static io.sipmap.contract.Fixtures.await;
import static io.sipmap.contract.Fixtures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.SourceIpMappings;
import io.sipmap.api.UpdateSourceIpMapping;
import io.sipmap.domain.Cursor;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every implementation of {@link SourceIpMappings} does, seen from a caller: the services over any store, and
 * the HTTP client talking to the HTTP server over them. Only rules are asserted, never a particular clock or SID; the
 * invariants (a mapping's IP record exists in the same account, one mapping per IP record, no deleting a mapped
 * record) are checked under races too. Failures are checked by variant only.
 */
public abstract class SourceIpMappingsContract {

    /** A fresh account on the backing system the suite runs against; every call returns another account. */
    protected abstract Tenant newTenant();

    private Tenant tenant;
    private SourceIpMappings mappings;
    private int addresses;

    @BeforeEach
    void freshTenant() {
        tenant = newTenant();
        mappings = tenant.sourceIpMappings();
    }

    private IpRecord ipRecord(Tenant owner) {
        int n = addresses++;
        return await(owner.ipRecords().create(owner.account(),
                CreateIpRecord.of("10." + (n >> 16) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff))));
    }

    private IpRecord ipRecord() {
        return ipRecord(tenant);
    }

    private SourceIpMapping map(IpRecord record, SipDomainSid domain) {
        return await(mappings.create(tenant.account(), new CreateSourceIpMapping(record.sid(), domain)));
    }

    private SourceIpMapping map(IpRecord record) {
        return map(record, Fixtures.sipDomain());
    }

    private SourceIpMapping fetch(SourceIpMapping mapping) {
        return await(mappings.fetch(tenant.account(), mapping.sid()));
    }

    private Page<SourceIpMapping> list(PageRequest request) {
        return await(mappings.list(tenant.account(), request));
    }

    private static void assertWholeSecondsInOrder(SourceIpMapping mapping) {
        assertThat(mapping.dateCreated()).isEqualTo(mapping.dateCreated().truncatedTo(ChronoUnit.SECONDS));
        assertThat(mapping.dateUpdated()).isEqualTo(mapping.dateUpdated().truncatedTo(ChronoUnit.SECONDS));
        assertThat(mapping.dateUpdated()).isAfterOrEqualTo(mapping.dateCreated());
    }

    @Test
    void createsMappingOfIpRecordToSipDomain() {
        IpRecord record = ipRecord();
        SipDomainSid domain = Fixtures.sipDomain();

        SourceIpMapping mapping = map(record, domain);

        assertThat(mapping.accountSid()).isEqualTo(tenant.account());
        assertThat(mapping.ipRecordSid()).isEqualTo(record.sid());
        assertThat(mapping.sipDomainSid()).isEqualTo(domain);
        assertWholeSecondsInOrder(mapping);
    }

    @Test
    void fetchReturnsCreatedMapping() {
        SourceIpMapping mapping = map(ipRecord());

        assertThat(fetch(mapping)).isEqualTo(mapping);
    }

    @Test
    void fetchOfUnknownSidFailsWithNotFound() {
        map(ipRecord());

        failsWith(SipmapException.NotFound.class,
                mappings.fetch(tenant.account(), Fixtures.unknownSourceIpMappingSid()));
    }

    @Test
    void updateChangesSipDomainOnly() {
        IpRecord record = ipRecord();
        SourceIpMapping mapping = map(record);
        SipDomainSid domain = Fixtures.sipDomain();

        SourceIpMapping updated = await(mappings.update(tenant.account(), mapping.sid(),
                new UpdateSourceIpMapping(domain)));

        assertThat(updated.sipDomainSid()).isEqualTo(domain);
        assertThat(updated.sid()).isEqualTo(mapping.sid());
        assertThat(updated.ipRecordSid()).isEqualTo(record.sid());
        assertThat(updated.dateCreated()).isEqualTo(mapping.dateCreated());
        assertThat(updated.dateUpdated()).isAfterOrEqualTo(mapping.dateUpdated());
        assertWholeSecondsInOrder(updated);
        assertThat(fetch(mapping)).isEqualTo(updated);
    }

    @Test
    void updateMovesDateUpdatedButNotDateCreated() throws InterruptedException {
        SourceIpMapping mapping = map(ipRecord());
        // dates are whole seconds: only an update in a later second can show that date_updated moved
        Thread.sleep(1100);

        SourceIpMapping updated = await(mappings.update(tenant.account(), mapping.sid(),
                new UpdateSourceIpMapping(Fixtures.sipDomain())));

        assertThat(updated.dateCreated()).isEqualTo(mapping.dateCreated());
        assertThat(updated.dateUpdated()).isAfter(mapping.dateUpdated());
    }

    @Test
    void updateOfUnknownSidFailsWithNotFound() {
        failsWith(SipmapException.NotFound.class, mappings.update(tenant.account(),
                Fixtures.unknownSourceIpMappingSid(), new UpdateSourceIpMapping(Fixtures.sipDomain())));
    }

    @Test
    void deleteRemovesMapping() {
        SourceIpMapping mapping = map(ipRecord());
        SourceIpMapping other = map(ipRecord());

        await(mappings.delete(tenant.account(), mapping.sid()));

        failsWith(SipmapException.NotFound.class, mappings.fetch(tenant.account(), mapping.sid()));
        failsWith(SipmapException.NotFound.class, mappings.delete(tenant.account(), mapping.sid()));
        assertThat(list(PageRequest.first()).items()).containsExactly(other);
    }

    @Test
    void deleteOfUnknownSidFailsWithNotFound() {
        failsWith(SipmapException.NotFound.class,
                mappings.delete(tenant.account(), Fixtures.unknownSourceIpMappingSid()));
    }

    @Test
    void rejectsMappingOfUnknownIpRecord() {
        var failure = failsWith(SipmapException.InvalidParameter.class, mappings.create(tenant.account(),
                new CreateSourceIpMapping(Fixtures.unknownIpRecordSid(), Fixtures.sipDomain())));

        assertThat(failure.parameter()).isEqualTo("IpRecordSid");
        assertThat(list(PageRequest.first()).items()).isEmpty();
    }

    @Test
    void rejectsMappingOfAnotherAccountsIpRecord() {
        Tenant other = newTenant();
        IpRecord theirs = ipRecord(other);

        var failure = failsWith(SipmapException.InvalidParameter.class, mappings.create(tenant.account(),
                new CreateSourceIpMapping(theirs.sid(), Fixtures.sipDomain())));

        assertThat(failure.parameter()).isEqualTo("IpRecordSid");
        assertThat(list(PageRequest.first()).items()).isEmpty();
        assertThat(await(other.sourceIpMappings().list(other.account(), PageRequest.first())).items()).isEmpty();
    }

    @Test
    void rejectsSecondMappingOfSameIpRecord() {
        IpRecord record = ipRecord();
        SourceIpMapping first = map(record);

        failsWith(SipmapException.Conflict.class, mappings.create(tenant.account(),
                new CreateSourceIpMapping(record.sid(), Fixtures.sipDomain())));

        assertThat(list(PageRequest.first()).items()).containsExactly(first);
        assertThat(fetch(first)).isEqualTo(first);
    }

    @Test
    void deletingMappingFreesItsIpRecord() {
        IpRecord record = ipRecord();
        SourceIpMapping first = map(record);
        await(mappings.delete(tenant.account(), first.sid()));

        SourceIpMapping second = map(record);

        assertThat(second.ipRecordSid()).isEqualTo(record.sid());
        assertThat(second.sid().value()).isGreaterThan(first.sid().value());
        assertThat(list(PageRequest.first()).items()).containsExactly(second);
    }

    @Test
    void exactlyOneOfEightConcurrentMappingsOfOneIpRecordWins() {
        int threads = 8;
        int rounds = 10;
        List<SourceIpMapping> winners = new ArrayList<>();
        try (Race race = new Race(threads)) {
            for (int round = 0; round < rounds; round++) {
                IpRecord record = ipRecord();
                List<Supplier<? extends CompletionStage<?>>> calls = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    calls.add(() -> mappings.create(tenant.account(),
                            new CreateSourceIpMapping(record.sid(), Fixtures.sipDomain())));
                }

                List<Race.Outcome> outcomes = race.run(calls);

                assertThat(outcomes).filteredOn(Race.Outcome::succeeded).hasSize(1);
                assertThat(outcomes).filteredOn(o -> !o.succeeded())
                        .allSatisfy(o -> assertThat(o.failure()).isInstanceOf(SipmapException.Conflict.class));
                outcomes.stream().filter(Race.Outcome::succeeded)
                        .forEach(o -> winners.add((SourceIpMapping) o.value()));
            }
        }
        assertThat(list(PageRequest.first(1000)).items()).containsExactlyInAnyOrderElementsOf(winners);
    }

    @Test
    void deleteOfIpRecordRacingMappingCreateNeverLeavesMappingOfDeletedRecord() {
        try (Race race = new Race(2)) {
            for (int i = 0; i < 100; i++) {
                IpRecord record = ipRecord();
                IpRecordSid sid = record.sid();

                List<Race.Outcome> outcomes = race.run(List.of(
                        () -> tenant.ipRecords().delete(tenant.account(), sid),
                        () -> mappings.create(tenant.account(), new CreateSourceIpMapping(sid, Fixtures.sipDomain()))));

                Race.Outcome delete = outcomes.get(0);
                Race.Outcome create = outcomes.get(1);
                if (delete.succeeded()) {
                    assertThat(create.failure()).as("create after the record was deleted")
                            .isInstanceOf(SipmapException.InvalidParameter.class);
                    failsWith(SipmapException.NotFound.class, tenant.ipRecords().fetch(tenant.account(), sid));
                } else {
                    assertThat(delete.failure()).as("delete after the record was mapped")
                            .isInstanceOf(SipmapException.Conflict.class);
                    assertThat(create.failure()).isNull();
                    SourceIpMapping mapping = (SourceIpMapping) create.value();
                    assertThat(fetch(mapping).ipRecordSid()).isEqualTo(sid);
                    assertThat(await(tenant.ipRecords().fetch(tenant.account(), sid))).isEqualTo(record);
                }
            }
        }
        for (SourceIpMapping mapping : list(PageRequest.first(1000)).items()) {
            assertThat(await(tenant.ipRecords().fetch(tenant.account(), mapping.ipRecordSid())))
                    .as("the IP record of mapping %s", mapping.sid()).isNotNull();
        }
    }

    @Test
    void pagesThroughAllMappingsInCreationOrderBothWays() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 2345; i++) {
            expected.add(map(ipRecord()).sid().value());
        }

        for (int size : new int[] {1, 7, 50, 1000}) {
            Walk.assertWalksBothWays(this::list, size, expected, m -> m.sid().value());
        }
    }

    @Test
    void offsetPageStartsAtThatMapping() {
        List<SourceIpMapping> created = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            created.add(map(ipRecord()));
        }

        assertThat(list(new PageRequest(4, new Cursor.Offset(4))).items())
                .containsExactlyElementsOf(created.subList(4, 8));
        Page<SourceIpMapping> last = list(new PageRequest(4, new Cursor.Offset(8)));
        assertThat(last.items()).containsExactlyElementsOf(created.subList(8, 12));
        assertThat(last.next()).isEmpty();
        assertThat(last.previous()).isPresent();
    }

    @Test
    void cursorsOfDeletedMappingsStillWork() {
        List<SourceIpMapping> created = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            created.add(map(ipRecord()));
        }
        Page<SourceIpMapping> middle = list(new PageRequest(3, list(PageRequest.first(3)).next().orElseThrow()));
        assertThat(middle.items()).containsExactlyElementsOf(created.subList(3, 6));
        await(mappings.delete(tenant.account(), created.get(3).sid()));
        await(mappings.delete(tenant.account(), created.get(5).sid()));

        Page<SourceIpMapping> previous = list(new PageRequest(3, middle.previous().orElseThrow()));
        Page<SourceIpMapping> next = list(new PageRequest(3, middle.next().orElseThrow()));

        assertThat(previous.items()).containsExactlyElementsOf(created.subList(0, 3));
        assertThat(next.items()).containsExactlyElementsOf(created.subList(6, 9));
    }

    @Test
    void walkSeesEveryLastingMappingOnceWhileOthersComeAndGo() {
        TreeSet<String> lasting = new TreeSet<>();
        for (int i = 0; i < 150; i++) {
            lasting.add(map(ipRecord()).sid().value());
        }
        Set<String> deletedUnseen = new HashSet<>();
        Set<String> createdDuringWalk = new HashSet<>();

        List<String> seen = Walk.forwards(this::list, 10, m -> m.sid().value(), 100, position -> {
            createdDuringWalk.add(map(ipRecord()).sid().value());
            String next = lasting.higher(position);
            String ahead = next == null ? null : lasting.higher(next);
            if (ahead != null) {
                await(mappings.delete(tenant.account(), new SourceIpMappingSid(ahead)));
                lasting.remove(ahead);
                deletedUnseen.add(ahead);
            }
            String behind = lasting.lower(position);
            if (behind != null) {
                await(mappings.delete(tenant.account(), new SourceIpMappingSid(behind)));
                lasting.remove(behind);
            }
        });

        assertThat(seen).doesNotHaveDuplicates().isSorted().containsAll(lasting)
                .doesNotContainAnyElementsOf(deletedUnseen);
        assertThat(lasting).hasSizeGreaterThan(40);
        assertThat(createdDuringWalk).isNotEmpty();
    }

    @Test
    void accountsNeverSeeEachOthersMappings() {
        SourceIpMapping mine = map(ipRecord());
        Tenant other = newTenant();
        assertThat(other.account()).isNotEqualTo(tenant.account());
        SourceIpMapping theirs = await(other.sourceIpMappings().create(other.account(),
                new CreateSourceIpMapping(ipRecord(other).sid(), Fixtures.sipDomain())));

        failsWith(SipmapException.NotFound.class, other.sourceIpMappings().fetch(other.account(), mine.sid()));
        failsWith(SipmapException.NotFound.class, other.sourceIpMappings().update(other.account(), mine.sid(),
                new UpdateSourceIpMapping(Fixtures.sipDomain())));
        failsWith(SipmapException.NotFound.class, other.sourceIpMappings().delete(other.account(), mine.sid()));
        failsWith(SipmapException.NotFound.class, other.ipRecords().delete(other.account(), mine.ipRecordSid()));
        assertThat(await(other.sourceIpMappings().list(other.account(), PageRequest.first())).items())
                .containsExactly(theirs);

        assertThat(fetch(mine)).isEqualTo(mine);
        assertThat(list(PageRequest.first()).items()).containsExactly(mine);
    }
}
