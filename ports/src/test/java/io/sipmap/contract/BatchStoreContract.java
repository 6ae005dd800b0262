package io.sipmap.contract;

import static io.sipmap.contract.Fixtures.await;
import static io.sipmap.contract.Fixtures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.api.Batch;
import io.sipmap.api.BatchChange;
import io.sipmap.api.BatchChange.CreateIpRecordChange;
import io.sipmap.api.BatchChange.CreateSourceIpMappingChange;
import io.sipmap.api.BatchChange.DeleteIpRecordChange;
import io.sipmap.api.BatchChange.DeleteSourceIpMappingChange;
import io.sipmap.api.BatchChange.UpdateIpRecordChange;
import io.sipmap.api.BatchChange.UpdateSourceIpMappingChange;
import io.sipmap.api.Batches;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.UpdateIpRecord;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Change;
import io.sipmap.domain.Change.Kind;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.service.BatchService;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.BatchStore;
import io.sipmap.spi.ChangeStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BatchStore} promises, through {@link BatchService} over it and the stores of the same backing
 * system: a batch applies whole, each write its own change numbered consecutively in batch order; a batch refused
 * half-way leaves nothing, not even a used number; a dry run writes nothing; the invariants between records and mappings
 * hold within a batch and against concurrent single writes, whose numbers interleave without gaps; accounts isolated.
 * Each test works in fresh accounts, so the suite runs on a shared system.
 */
public abstract class BatchStoreContract {

    /** The stores under test, changes included; called before each test, and may return the same stores each time. */
    protected abstract Stores stores();

    /** The batch store of the same backing system as {@link #stores()}. */
    protected abstract BatchStore batchStore();

    private Stores stores;
    private Batches batches;
    private Tenant tenant;

    @BeforeEach
    void wire() {
        stores = stores();
        batches = new BatchService(batchStore(), Clock.systemUTC(), Fixtures.sids());
        tenant = Tenant.ofServices(stores);
    }

    private AccountSid account() {
        return tenant.account();
    }

    private static CreateIpRecordChange create(String ref, String address) {
        return new CreateIpRecordChange(ref, CreateIpRecord.of(address));
    }

    private static CreateSourceIpMappingChange map(String ref, SipDomainSid domain) {
        return new CreateSourceIpMappingChange(null, ref, domain);
    }

    private List<Object> apply(BatchChange... changes) {
        return await(batches.apply(account(), new Batch(List.of(changes))));
    }

    private SipmapException.BatchRefused refused(BatchChange... changes) {
        return failsWith(SipmapException.BatchRefused.class, batches.apply(account(), new Batch(List.of(changes))));
    }

    private ChangeId head(AccountSid account) {
        return await(stores.changes().changesAfter(account, ChangeId.ZERO, 1)).head();
    }

    private List<Change> changesAfter(AccountSid account, long seq) {
        List<Change> all = new ArrayList<>();
        while (true) {
            var batch = await(stores.changes().changesAfter(account, new ChangeId(seq + all.size(),
                    java.util.OptionalInt.empty()), ChangeStore.MAX_BATCH));
            assertThat(batch.tooOld()).isFalse();
            if (batch.changes().isEmpty()) {
                return all;
            }
            all.addAll(batch.changes());
        }
    }

    private IpRecord record(String address) {
        return await(tenant.ipRecords().create(account(), CreateIpRecord.of(address)));
    }

    @Test
    void createsRecordsWithTheirMappingsInOneBatch() {
        SipDomainSid domain = Fixtures.sipDomain();
        long before = head(account()).seq();

        List<Object> results = apply(create("a", "192.0.2.1"), create("b", "192.0.2.2"), map("a", domain),
                map("b", domain));

        assertThat(results).hasSize(4);
        IpRecord a = (IpRecord) results.get(0);
        IpRecord b = (IpRecord) results.get(1);
        assertThat(a.ipAddress()).isEqualTo(Ipv4Address.parse("192.0.2.1"));
        assertThat(((SourceIpMapping) results.get(2)).ipRecordSid()).isEqualTo(a.sid());
        assertThat(((SourceIpMapping) results.get(3)).ipRecordSid()).isEqualTo(b.sid());
        assertThat(await(tenant.ipRecords().fetch(account(), b.sid()))).isEqualTo(b);
        assertThat(await(tenant.sourceIpMappings().fetch(account(), ((SourceIpMapping) results.get(2)).sid())))
                .isEqualTo(results.get(2));
        List<Change> changes = changesAfter(account(), before);
        assertThat(changes).extracting(Change::seq).containsExactly(before + 1, before + 2, before + 3, before + 4);
        assertThat(changes).extracting(Change::kind).containsExactly(Kind.IP_RECORD_CREATED, Kind.IP_RECORD_CREATED,
                Kind.SOURCE_IP_MAPPING_CREATED, Kind.SOURCE_IP_MAPPING_CREATED);
        assertThat(changes).extracting(Change::resource).containsExactlyElementsOf(results);
    }

    @Test
    void createsIpv6RecordsWithTheirMappingsInOneBatch() {
        SipDomainSid domain = Fixtures.sipDomain();
        long before = head(account()).seq();

        List<Object> results = apply(create("a", "2001:DB8::1"), create("b", "192.0.2.9"),
                new CreateIpRecordChange("c", CreateIpRecord.of("2001:db8:aa::5").withCidrPrefixLength(48)),
                map("a", domain), map("c", domain), map("b", domain));

        IpRecord a = (IpRecord) results.get(0);
        IpRecord c = (IpRecord) results.get(2);
        assertThat(a.ipAddress()).hasToString("2001:db8::1");
        assertThat(a.cidrPrefixLength()).isEqualTo(128);
        assertThat(await(tenant.ipRecords().fetch(account(), a.sid()))).isEqualTo(a);
        assertThat(await(tenant.ipRecords().fetch(account(), c.sid()))).isEqualTo(c);
        assertThat(await(tenant.ipRecords().list(account(), PageRequest.first())).items())
                .containsExactly(a, (IpRecord) results.get(1), c);
        List<Change> changes = changesAfter(account(), before);
        assertThat(changes).extracting(Change::seq).containsExactly(before + 1, before + 2, before + 3, before + 4,
                before + 5, before + 6);
        assertThat(changes).extracting(Change::resource).containsExactlyElementsOf(results);
        assertThat(changes.subList(3, 6)).extracting(change -> change.ipRecordPrefix().toString())
                .containsExactly("2001:db8::1/128", "2001:db8:aa::5/48", "192.0.2.9/32");
        if (stores.resolutions() != null) {
            assertThat(await(stores.resolutions().resolve(account(), IpAddress.parse("2001:db8:aa:1::1")))
                    .orElseThrow().ipRecordSid()).isEqualTo(c.sid());
            assertThat(await(stores.resolutions().resolve(account(), IpAddress.parse("2001:db8::1")))
                    .orElseThrow().ipRecordSid()).isEqualTo(a.sid());
        }
    }

    @Test
    void updatesAndDeletesInBatchOrder() {
        IpRecord kept = record("198.51.100.1");
        IpRecord gone = record("198.51.100.2");
        SourceIpMapping moved = await(tenant.sourceIpMappings().create(account(),
                new CreateSourceIpMapping(kept.sid(), Fixtures.sipDomain())));
        SourceIpMapping dropped = await(tenant.sourceIpMappings().create(account(),
                new CreateSourceIpMapping(gone.sid(), Fixtures.sipDomain())));
        SipDomainSid other = Fixtures.sipDomain();

        List<Object> results = apply(new UpdateIpRecordChange(kept.sid(), new UpdateIpRecord("edge")),
                new UpdateSourceIpMappingChange(moved.sid(), other),
                new DeleteSourceIpMappingChange(dropped.sid()),
                new DeleteIpRecordChange(gone.sid())); // allowed: its mapping went earlier in the batch

        assertThat(((IpRecord) results.get(0)).friendlyName()).isEqualTo("edge");
        assertThat(((SourceIpMapping) results.get(1)).sipDomainSid()).isEqualTo(other);
        assertThat(results.get(2)).isEqualTo(dropped);
        assertThat(results.get(3)).isEqualTo(gone);
        assertThat(await(tenant.ipRecords().fetch(account(), kept.sid())).friendlyName()).isEqualTo("edge");
        assertThat(await(tenant.sourceIpMappings().fetch(account(), moved.sid())).sipDomainSid()).isEqualTo(other);
        failsWith(SipmapException.NotFound.class, tenant.ipRecords().fetch(account(), gone.sid()));
        failsWith(SipmapException.NotFound.class, tenant.sourceIpMappings().fetch(account(), dropped.sid()));
    }

    @Test
    void aConflictHalfWayLeavesNothingAndUsesNoNumber() {
        IpRecord mapped = record("203.0.113.1");
        await(tenant.sourceIpMappings().create(account(), new CreateSourceIpMapping(mapped.sid(), Fixtures.sipDomain())));
        ChangeId before = head(account());

        var refused = refused(create("a", "203.0.113.2"), map("a", Fixtures.sipDomain()),
                new CreateSourceIpMappingChange(mapped.sid(), null, Fixtures.sipDomain()),
                create(null, "203.0.113.3"));

        assertThat(refused.failures()).hasSize(1);
        assertThat(refused.failures().get(0).index()).isEqualTo(2);
        assertThat(refused.failures().get(0).cause()).isInstanceOf(SipmapException.Conflict.class);
        assertThat(head(account())).isEqualTo(before);
        assertThat(await(tenant.ipRecords().list(account(), PageRequest.first(50))).items())
                .containsExactly(mapped);
        IpRecord next = record("203.0.113.4");
        assertThat(changesAfter(account(), before.seq())).singleElement()
                .satisfies(change -> {
                    assertThat(change.seq()).isEqualTo(before.seq() + 1);
                    assertThat(change.resource()).isEqualTo(next);
                });
    }

    @Test
    void whatIsNotThereFailsTheBatchAtItsIndex() {
        IpRecord mapped = record("203.0.113.10");
        await(tenant.sourceIpMappings().create(account(), new CreateSourceIpMapping(mapped.sid(), Fixtures.sipDomain())));

        assertThat(refused(create(null, "203.0.113.11"), new DeleteSourceIpMappingChange(
                Fixtures.unknownSourceIpMappingSid())).failures()).singleElement()
                .satisfies(f -> {
                    assertThat(f.index()).isEqualTo(1);
                    assertThat(f.cause()).isInstanceOf(SipmapException.NotFound.class);
                });
        assertThat(refused(new UpdateIpRecordChange(Fixtures.unknownIpRecordSid(), new UpdateIpRecord("x")))
                .failures().get(0).cause()).isInstanceOf(SipmapException.NotFound.class);
        assertThat(refused(new CreateSourceIpMappingChange(Fixtures.unknownIpRecordSid(), null, Fixtures.sipDomain()))
                .failures().get(0).cause()).isInstanceOf(SipmapException.InvalidParameter.class);
        assertThat(refused(new DeleteIpRecordChange(mapped.sid())).failures().get(0).cause())
                .isInstanceOf(SipmapException.Conflict.class);
        assertThat(refused(create("a", "203.0.113.12"), map("a", Fixtures.sipDomain()), map("a", Fixtures.sipDomain()))
                .failures().get(0).index()).isEqualTo(2);
        assertThat(await(tenant.ipRecords().list(account(), PageRequest.first(50))).items()).containsExactly(mapped);
    }

    @Test
    void aDryRunAnswersAsApplyWouldAndWritesNothing() {
        IpRecord mapped = record("192.0.2.50");
        await(tenant.sourceIpMappings().create(account(), new CreateSourceIpMapping(mapped.sid(), Fixtures.sipDomain())));
        ChangeId before = head(account());

        List<Object> results = await(batches.check(account(), new Batch(List.of(create("a", "192.0.2.51"),
                map("a", Fixtures.sipDomain())))));
        var refused = failsWith(SipmapException.BatchRefused.class, batches.check(account(),
                new Batch(List.of(new DeleteIpRecordChange(mapped.sid())))));

        assertThat(results).hasSize(2);
        assertThat(refused.failures().get(0).cause()).isInstanceOf(SipmapException.Conflict.class);
        assertThat(head(account())).isEqualTo(before);
        assertThat(await(tenant.ipRecords().list(account(), PageRequest.first(50))).items()).containsExactly(mapped);
        AccountSid fresh = Fixtures.account();
        assertThat(await(batches.check(fresh, new Batch(List.of(create(null, "192.0.2.52")))))).hasSize(1);
        assertThat(head(fresh)).isEqualTo(ChangeId.ZERO);
    }

    @Test
    void batchesAndSingleWritesNumberWithoutGapsAndKeepTheInvariants() throws Exception {
        List<IpRecord> contested = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            contested.add(record("10.0.0." + (i + 1)));
        }
        long before = head(account()).seq();
        List<Supplier<? extends CompletionStage<?>>> calls = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            calls.add(() -> batches.apply(account(), new Batch(List.of(
                    create("x", "10.1." + thread + ".1"), map("x", Fixtures.sipDomain()),
                    create(null, "10.1." + thread + ".2"),
                    // every thread maps the same records: exactly one of each pair wins
                    new CreateSourceIpMappingChange(contested.get(thread % 2).sid(), null, Fixtures.sipDomain())))));
            calls.add(() -> tenant.sourceIpMappings().create(account(),
                    new CreateSourceIpMapping(contested.get(2 + thread % 2).sid(), Fixtures.sipDomain())));
        }
        List<Race.Outcome> outcomes;
        try (Race race = new Race(calls.size())) {
            outcomes = race.run(calls);
        }

        long batchesApplied = outcomes.stream().filter(o -> o.succeeded() && o.value() instanceof List).count();
        long singles = outcomes.stream().filter(o -> o.succeeded() && o.value() instanceof SourceIpMapping).count();
        assertThat(batchesApplied).isEqualTo(2); // one per contested record 0 and 1
        assertThat(singles).isEqualTo(2); // one per contested record 2 and 3
        assertThat(outcomes).filteredOn(o -> !o.succeeded()).allSatisfy(o -> assertThat(o.failure())
                .isInstanceOfAny(SipmapException.BatchRefused.class, SipmapException.Conflict.class));
        List<Change> changes = changesAfter(account(), before);
        assertThat(changes).hasSize((int) (batchesApplied * 4 + singles));
        for (int i = 0; i < changes.size(); i++) {
            assertThat(changes.get(i).seq()).isEqualTo(before + 1 + i);
        }
        for (Race.Outcome outcome : outcomes) {
            if (outcome.succeeded() && outcome.value() instanceof List<?> results) {
                int at = changes.stream().map(Change::resource).toList().indexOf(results.get(0));
                assertThat(changes.subList(at, at + 4)).extracting(Change::resource).containsExactlyElementsOf(results);
            }
        }
        Set<Object> mappedRecords = new HashSet<>();
        for (SourceIpMapping m : await(tenant.sourceIpMappings().list(account(), PageRequest.first(1000))).items()) {
            assertThat(mappedRecords.add(m.ipRecordSid())).as("one mapping per record").isTrue();
        }
    }

    @Test
    void accountsAreIsolated() {
        Tenant other = Tenant.ofServices(stores);
        IpRecord theirs = await(other.ipRecords().create(other.account(), CreateIpRecord.of("192.0.2.77")));
        long theirHead = head(other.account()).seq();

        assertThat(refused(new CreateSourceIpMappingChange(theirs.sid(), null, Fixtures.sipDomain())).failures()
                .get(0).cause()).isInstanceOf(SipmapException.InvalidParameter.class);
        assertThat(refused(new DeleteIpRecordChange(theirs.sid())).failures().get(0).cause())
                .isInstanceOf(SipmapException.NotFound.class);
        apply(create(null, "192.0.2.77"));

        assertThat(head(other.account()).seq()).isEqualTo(theirHead);
        assertThat(await(other.ipRecords().list(other.account(), PageRequest.first(50))).items())
                .containsExactly(theirs);
    }

    @Test
    void aBatchChecksItsReferencesReportingEveryBadOne() {
        assertThatThrownBy(() -> new Batch(List.of(create("a", "192.0.2.1"), create("a", "192.0.2.2"),
                map("b", Fixtures.sipDomain()), map("a", Fixtures.sipDomain()))))
                .isInstanceOfSatisfying(SipmapException.BatchRefused.class, e -> assertThat(e.failures())
                        .extracting(SipmapException.BatchRefused.Failure::index).containsExactly(1, 2));
        assertThatThrownBy(() -> new Batch(List.of())).isInstanceOf(SipmapException.InvalidParameter.class);
        assertThat(Optional.of(Batch.MAX_CHANGES)).contains(20_000);
    }
}
