package io.sipmap.contract;

import static io.sipmap.contract.Fixtures.await;
import static io.sipmap.contract.Fixtures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.IpRecords;
import io.sipmap.api.UpdateIpRecord;
import io.sipmap.domain.Cursor;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Ipv6Address;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every implementation of {@link IpRecords} does, seen from a caller: the services over any store, and the HTTP
 * client talking to the HTTP server over them. Only rules are asserted, never a particular clock or SID: SID order is
 * creation order, dates are whole seconds, {@code date_updated} is never before {@code date_created} and moves on
 * update while {@code date_created} does not. Failures are checked by variant only.
 */
public abstract class IpRecordsContract {

    /** A fresh account on the backing system the suite runs against; every call returns another account. */
    protected abstract Tenant newTenant();

    private Tenant tenant;
    private IpRecords ipRecords;

    @BeforeEach
    void freshTenant() {
        tenant = newTenant();
        ipRecords = tenant.ipRecords();
    }

    private IpRecord create(String address) {
        return await(ipRecords.create(tenant.account(), CreateIpRecord.of(address)));
    }

    private IpRecord fetch(IpRecordSid sid) {
        return await(ipRecords.fetch(tenant.account(), sid));
    }

    private Page<IpRecord> list(PageRequest request) {
        return await(ipRecords.list(tenant.account(), request));
    }

    private SourceIpMapping map(IpRecord record) {
        return await(tenant.sourceIpMappings().create(tenant.account(),
                new CreateSourceIpMapping(record.sid(), Fixtures.sipDomain())));
    }

    private static void assertWholeSecondsInOrder(IpRecord record) {
        assertThat(record.dateCreated()).isEqualTo(record.dateCreated().truncatedTo(ChronoUnit.SECONDS));
        assertThat(record.dateUpdated()).isEqualTo(record.dateUpdated().truncatedTo(ChronoUnit.SECONDS));
        assertThat(record.dateUpdated()).isAfterOrEqualTo(record.dateCreated());
    }

    @Test
    void createsRecordWithGivenFields() {
        var command = new CreateIpRecord(Ipv4Address.parse("198.51.100.0"), "office", 24);

        IpRecord record = await(ipRecords.create(tenant.account(), command));

        assertThat(record.accountSid()).isEqualTo(tenant.account());
        assertThat(record.ipAddress()).isEqualTo(Ipv4Address.parse("198.51.100.0"));
        assertThat(record.cidrPrefixLength()).isEqualTo(24);
        assertThat(record.friendlyName()).isEqualTo("office");
        assertWholeSecondsInOrder(record);
    }

    @Test
    void createsSingleAddressWithoutNameByDefault() {
        IpRecord record = create("203.0.113.9");

        assertThat(record.cidrPrefixLength()).isEqualTo(32);
        assertThat(record.friendlyName()).isNull();
    }

    @Test
    void keepsHostBitsOfAddressAsGiven() {
        IpRecord record = await(ipRecords.create(tenant.account(),
                CreateIpRecord.of("192.168.0.5").withCidrPrefixLength(24)));

        assertThat(fetch(record.sid()).ipAddress()).hasToString("192.168.0.5");
        assertThat(fetch(record.sid()).cidrPrefixLength()).isEqualTo(24);
    }

    @Test
    void keepsFriendlyNameOf255CodePointsIntact() {
        String name = Fixtures.friendlyNameOf255CodePoints();

        IpRecord record = await(ipRecords.create(tenant.account(), CreateIpRecord.of("203.0.113.10")
                .withFriendlyName(name)));

        assertThat(record.friendlyName()).isEqualTo(name);
        assertThat(fetch(record.sid()).friendlyName()).isEqualTo(name);
    }

    @Test
    void prefixLengthZeroMeansTheWholeAddress() {
        assertThat(new CreateIpRecord(Ipv4Address.parse("192.0.2.1"), null, 0).cidrPrefixLength()).isEqualTo(32);

        IpRecord record = await(ipRecords.create(tenant.account(),
                CreateIpRecord.of("192.0.2.1").withCidrPrefixLength(0)));

        assertThat(record.cidrPrefixLength()).isEqualTo(32);
        assertThat(fetch(record.sid()).cidrPrefixLength()).isEqualTo(32);
    }

    @Test
    void rejectsInvalidFieldsWhenBuildingCommands() {
        assertThatThrownBy(() -> new CreateIpRecord(Ipv4Address.parse("192.0.2.1"), null, 33))
                .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("CidrPrefixLength"));
        assertThatThrownBy(() -> new CreateIpRecord(Ipv4Address.parse("192.0.2.1"), null, -1))
                .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("CidrPrefixLength"));
        assertThatThrownBy(() -> CreateIpRecord.of("192.0.2.01"))
                .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("IpAddress"));
        assertThatThrownBy(() -> CreateIpRecord.of("192.0.2.1").withFriendlyName("x".repeat(256)))
                .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("FriendlyName"));
        assertThatThrownBy(() -> new UpdateIpRecord("x".repeat(256)))
                .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("FriendlyName"));
    }

    @Test
    void fetchReturnsCreatedRecord() {
        IpRecord record = create("203.0.113.11");

        assertThat(fetch(record.sid())).isEqualTo(record);
    }

    @Test
    void fetchOfUnknownSidFailsWithNotFound() {
        create("203.0.113.12");

        failsWith(SipmapException.NotFound.class, ipRecords.fetch(tenant.account(), Fixtures.unknownIpRecordSid()));
    }

    @Test
    void updateChangesFriendlyNameOnly() {
        IpRecord record = await(ipRecords.create(tenant.account(),
                CreateIpRecord.of("198.51.100.7").withFriendlyName("before").withCidrPrefixLength(30)));

        IpRecord updated = await(ipRecords.update(tenant.account(), record.sid(), new UpdateIpRecord("after")));

        assertThat(updated.friendlyName()).isEqualTo("after");
        assertThat(updated.sid()).isEqualTo(record.sid());
        assertThat(updated.accountSid()).isEqualTo(record.accountSid());
        assertThat(updated.ipAddress()).isEqualTo(record.ipAddress());
        assertThat(updated.cidrPrefixLength()).isEqualTo(30);
        assertThat(updated.dateCreated()).isEqualTo(record.dateCreated());
        assertThat(updated.dateUpdated()).isAfterOrEqualTo(record.dateUpdated());
        assertWholeSecondsInOrder(updated);
        assertThat(fetch(record.sid())).isEqualTo(updated);
    }

    @Test
    void updateMovesDateUpdatedButNotDateCreated() throws InterruptedException {
        IpRecord record = create("198.51.100.8");
        // dates are whole seconds: only an update in a later second can show that date_updated moved
        Thread.sleep(1100);

        IpRecord updated = await(ipRecords.update(tenant.account(), record.sid(), new UpdateIpRecord("later")));

        assertThat(updated.dateCreated()).isEqualTo(record.dateCreated());
        assertThat(updated.dateUpdated()).isAfter(record.dateUpdated());
        assertThat(fetch(record.sid()).dateUpdated()).isEqualTo(updated.dateUpdated());
    }

    @Test
    void updateWithoutFriendlyNameKeepsIt() {
        IpRecord record = await(ipRecords.create(tenant.account(),
                CreateIpRecord.of("198.51.100.9").withFriendlyName("kept")));

        IpRecord updated = await(ipRecords.update(tenant.account(), record.sid(), new UpdateIpRecord(null)));

        assertThat(updated.friendlyName()).isEqualTo("kept");
        assertThat(fetch(record.sid()).friendlyName()).isEqualTo("kept");
    }

    @Test
    void updateOfUnknownSidFailsWithNotFound() {
        failsWith(SipmapException.NotFound.class,
                ipRecords.update(tenant.account(), Fixtures.unknownIpRecordSid(), new UpdateIpRecord("x")));
    }

    @Test
    void deleteRemovesRecord() {
        IpRecord record = create("198.51.100.10");
        IpRecord other = create("198.51.100.11");

        await(ipRecords.delete(tenant.account(), record.sid()));

        failsWith(SipmapException.NotFound.class, ipRecords.fetch(tenant.account(), record.sid()));
        failsWith(SipmapException.NotFound.class, ipRecords.delete(tenant.account(), record.sid()));
        assertThat(list(PageRequest.first()).items()).containsExactly(other);
    }

    @Test
    void deleteOfUnknownSidFailsWithNotFound() {
        failsWith(SipmapException.NotFound.class, ipRecords.delete(tenant.account(), Fixtures.unknownIpRecordSid()));
    }

    @Test
    void refusesToDeleteMappedRecordAndChangesNothing() {
        IpRecord record = create("198.51.100.12");
        SourceIpMapping mapping = map(record);

        failsWith(SipmapException.Conflict.class, ipRecords.delete(tenant.account(), record.sid()));

        assertThat(fetch(record.sid())).isEqualTo(record);
        assertThat(await(tenant.sourceIpMappings().fetch(tenant.account(), mapping.sid()))).isEqualTo(mapping);
    }

    @Test
    void deletesRecordOnceItsMappingIsDeleted() {
        IpRecord record = create("198.51.100.13");
        SourceIpMapping mapping = map(record);
        await(tenant.sourceIpMappings().delete(tenant.account(), mapping.sid()));

        await(ipRecords.delete(tenant.account(), record.sid()));

        failsWith(SipmapException.NotFound.class, ipRecords.fetch(tenant.account(), record.sid()));
    }

    @Test
    void listOfNewAccountIsEmpty() {
        Page<IpRecord> page = list(PageRequest.first());

        assertThat(page.items()).isEmpty();
        assertThat(page.next()).isEmpty();
        assertThat(page.previous()).isEmpty();
    }

    @Test
    void createsAndFetchesIpv6RecordsInCanonicalText() {
        IpRecord single = create("2001:DB8:0:0:0:0:0:1");
        IpRecord network = await(ipRecords.create(tenant.account(), CreateIpRecord.of("2001:db8:00aa:bb::5")
                .withCidrPrefixLength(48).withFriendlyName("carrier v6")));
        IpRecord top = await(ipRecords.create(tenant.account(), CreateIpRecord.of("ffff:ffff::1")
                .withCidrPrefixLength(1)));
        IpRecord embedded = create("64:ff9b::192.0.2.33");

        assertThat(single.ipAddress()).isInstanceOf(Ipv6Address.class).hasToString("2001:db8::1");
        assertThat(single.cidrPrefixLength()).as("0 means the whole address: /128").isEqualTo(128);
        assertThat(fetch(single.sid())).isEqualTo(single);
        assertThat(fetch(network.sid()).ipAddress()).as("host bits as given").hasToString("2001:db8:aa:bb::5");
        assertThat(fetch(network.sid()).cidrPrefixLength()).isEqualTo(48);
        assertThat(fetch(network.sid())).isEqualTo(network);
        assertThat(fetch(top.sid())).isEqualTo(top);
        assertThat(fetch(embedded.sid()).ipAddress()).hasToString("64:ff9b::c000:221");
        assertWholeSecondsInOrder(fetch(network.sid()));
    }

    @Test
    void ipv6PrefixLengthsRunTo128() {
        IpRecord record = await(ipRecords.create(tenant.account(), CreateIpRecord.of("2001:db8::7")
                .withCidrPrefixLength(128)));
        assertThat(fetch(record.sid()).cidrPrefixLength()).isEqualTo(128);
        assertThatThrownBy(() -> CreateIpRecord.of("2001:db8::7").withCidrPrefixLength(129))
                .isInstanceOf(SipmapException.InvalidParameter.class);
        assertThatThrownBy(() -> CreateIpRecord.of("192.0.2.7").withCidrPrefixLength(33))
                .isInstanceOf(SipmapException.InvalidParameter.class);
    }

    @Test
    void anIpv4MappedAddressMakesAnIpv4Record() {
        IpRecord record = await(ipRecords.create(tenant.account(), CreateIpRecord.of("::ffff:192.0.2.1")
                .withCidrPrefixLength(24)));

        assertThat(fetch(record.sid()).ipAddress()).isEqualTo(Ipv4Address.parse("192.0.2.1"));
        assertThat(fetch(record.sid()).cidrPrefixLength()).isEqualTo(24);
        assertThat(create("::ffff:c000:202").cidrPrefixLength()).isEqualTo(32);
    }

    @Test
    void updatesAndDeletesIpv6Records() {
        IpRecord record = await(ipRecords.create(tenant.account(), CreateIpRecord.of("2001:db8:1::")
                .withCidrPrefixLength(48)));
        IpRecord updated = await(ipRecords.update(tenant.account(), record.sid(), new UpdateIpRecord("v6 office")));

        assertThat(updated.ipAddress()).isEqualTo(record.ipAddress());
        assertThat(updated.cidrPrefixLength()).isEqualTo(48);
        assertThat(fetch(record.sid())).isEqualTo(updated);
        await(ipRecords.delete(tenant.account(), record.sid()));
        failsWith(SipmapException.NotFound.class, ipRecords.fetch(tenant.account(), record.sid()));
    }

    @Test
    void listsAndPagesMixedFamiliesInCreationOrder() {
        List<IpRecord> created = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            created.add(i % 3 == 1 ? create("10.2." + (i >> 8) + "." + (i & 0xff))
                    : create("2001:db8:" + Integer.toHexString(i) + "::" + Integer.toHexString(i + 1)));
        }
        List<String> expected = created.stream().map(r -> r.sid().value()).toList();

        assertThat(expected).isSorted().doesNotHaveDuplicates();
        assertThat(list(PageRequest.first(1000)).items()).containsExactlyElementsOf(created);
        for (int size : new int[] {1, 7, 50}) {
            Walk.assertWalksBothWays(this::list, size, expected, r -> r.sid().value());
        }
        assertThat(list(new PageRequest(5, new Cursor.Offset(20))).items())
                .containsExactlyElementsOf(created.subList(20, 25));
        assertThat(created.get(0).ipAddress()).isEqualTo(IpAddress.parse("2001:db8:0::1"));
    }

    @Test
    void listsRecordsInCreationOrder() {
        List<IpRecord> created = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            created.add(create("10.0.0." + i));
        }

        assertThat(created).extracting(r -> r.sid().value()).isSorted().doesNotHaveDuplicates();
        assertThat(list(PageRequest.first()).items()).containsExactlyElementsOf(created);
    }

    @Test
    void pagesThroughAllRecordsInCreationOrderBothWays() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 2345; i++) {
            expected.add(create("10." + (i >> 8) + "." + (i & 0xff) + ".1").sid().value());
        }

        for (int size : new int[] {1, 7, 50, 1000}) {
            Walk.assertWalksBothWays(this::list, size, expected, r -> r.sid().value());
        }
    }

    @Test
    void offsetPageStartsAtThatRecord() {
        List<IpRecord> created = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            created.add(create("10.1.0." + i));
        }

        Page<IpRecord> third = list(new PageRequest(5, new Cursor.Offset(10)));
        Page<IpRecord> last = list(new PageRequest(5, new Cursor.Offset(20)));
        Page<IpRecord> beyond = list(new PageRequest(5, new Cursor.Offset(25)));

        assertThat(third.items()).containsExactlyElementsOf(created.subList(10, 15));
        assertThat(third.previous()).isPresent();
        assertThat(third.next()).isPresent();
        assertThat(list(new PageRequest(5, third.next().get())).items())
                .containsExactlyElementsOf(created.subList(15, 20));
        assertThat(last.items()).containsExactlyElementsOf(created.subList(20, 23));
        assertThat(last.next()).isEmpty();
        assertThat(beyond.items()).isEmpty();
        assertThat(beyond.next()).isEmpty();
    }

    @Test
    void cursorsOfDeletedRecordsStillWork() {
        List<IpRecord> created = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            created.add(create("10.2.0." + i));
        }
        Page<IpRecord> middle = list(new PageRequest(3, list(PageRequest.first(3)).next().orElseThrow()));
        assertThat(middle.items()).containsExactlyElementsOf(created.subList(3, 6));
        await(ipRecords.delete(tenant.account(), created.get(3).sid()));
        await(ipRecords.delete(tenant.account(), created.get(5).sid()));

        Page<IpRecord> previous = list(new PageRequest(3, middle.previous().orElseThrow()));
        Page<IpRecord> next = list(new PageRequest(3, middle.next().orElseThrow()));

        assertThat(previous.items()).containsExactlyElementsOf(created.subList(0, 3));
        assertThat(previous.previous()).isEmpty();
        assertThat(next.items()).containsExactlyElementsOf(created.subList(6, 9));
        assertThat(next.next()).isEmpty();
    }

    @Test
    void walkSeesEveryLastingRecordOnceWhileOthersComeAndGo() {
        TreeSet<String> lasting = new TreeSet<>();
        for (int i = 0; i < 200; i++) {
            lasting.add(create("10.3." + (i >> 8) + "." + (i & 0xff)).sid().value());
        }
        Set<String> deletedUnseen = new HashSet<>();
        Set<String> createdDuringWalk = new HashSet<>();

        List<String> seen = Walk.forwards(this::list, 10, r -> r.sid().value(), 100, position -> {
            createdDuringWalk.add(create("10.4.0." + createdDuringWalk.size()).sid().value());
            String next = lasting.higher(position);
            String ahead = next == null ? null : lasting.higher(next);
            if (ahead != null) {
                await(ipRecords.delete(tenant.account(), new IpRecordSid(ahead)));
                lasting.remove(ahead);
                deletedUnseen.add(ahead);
            }
            String behind = lasting.lower(position);
            if (behind != null) {
                await(ipRecords.delete(tenant.account(), new IpRecordSid(behind)));
                lasting.remove(behind);
            }
        });

        assertThat(seen).doesNotHaveDuplicates().isSorted().containsAll(lasting)
                .doesNotContainAnyElementsOf(deletedUnseen);
        assertThat(lasting).hasSizeGreaterThan(50);
        assertThat(createdDuringWalk).isNotEmpty();
    }

    @Test
    void accountsNeverSeeEachOthersRecords() {
        IpRecord mine = await(ipRecords.create(tenant.account(),
                CreateIpRecord.of("192.0.2.50").withFriendlyName("mine")));
        Tenant other = newTenant();
        assertThat(other.account()).isNotEqualTo(tenant.account());
        IpRecord theirs = await(other.ipRecords().create(other.account(), CreateIpRecord.of("192.0.2.51")));

        failsWith(SipmapException.NotFound.class, other.ipRecords().fetch(other.account(), mine.sid()));
        failsWith(SipmapException.NotFound.class,
                other.ipRecords().update(other.account(), mine.sid(), new UpdateIpRecord("stolen")));
        failsWith(SipmapException.NotFound.class, other.ipRecords().delete(other.account(), mine.sid()));
        assertThat(await(other.ipRecords().list(other.account(), PageRequest.first())).items())
                .containsExactly(theirs);

        assertThat(fetch(mine.sid())).isEqualTo(mine);
        assertThat(list(PageRequest.first()).items()).containsExactly(mine);
    }

    @Test
    void concurrentCreatesGetUniqueIncreasingSids() {
        int threads = 8;
        int perThread = 40;
        List<Supplier<? extends CompletionStage<?>>> calls = new ArrayList<>();
        Set<String> all = ConcurrentHashMap.newKeySet();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            calls.add(() -> {
                List<String> mine = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    mine.add(create("10.5." + thread + "." + i).sid().value());
                }
                all.addAll(mine);
                return CompletableFuture.completedStage(mine);
            });
        }

        List<Race.Outcome> outcomes;
        try (Race race = new Race(threads)) {
            outcomes = race.run(calls);
        }

        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.failure()).isNull();
            assertThat((List<?>) o.value()).as("SIDs one thread created, in its order").isSorted();
        });
        assertThat(all).hasSize(threads * perThread);
        List<IpRecord> listed = list(PageRequest.first(1000)).items();
        assertThat(listed).extracting(r -> r.sid().value()).containsExactlyInAnyOrderElementsOf(all).isSorted();
    }
}
