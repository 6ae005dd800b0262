package io.sipmap.service;

import static io.sipmap.service.Outcomes.failure;
import static io.sipmap.service.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.UpdateIpRecord;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Cursor;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipmapException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class IpRecordServiceTest {

    private static final AccountSid ACCOUNT = AccountSid.ofHex("ac".repeat(16));
    private static final AccountSid OTHER = AccountSid.ofHex("0f".repeat(16));
    private static final Instant NOW = Instant.parse("2020-03-18T23:31:36.789Z");
    private static final Instant NOW_SECONDS = Instant.parse("2020-03-18T23:31:36Z");

    private final FakeIpRecordStore store = new FakeIpRecordStore();
    private final SettableClock clock = new SettableClock(NOW);
    private final IpRecordService service = new IpRecordService(store, clock, new CountingSids());

    private IpRecord create(String address) {
        return value(service.create(ACCOUNT, CreateIpRecord.of(address)));
    }

    @Test
    void createsRecordWithNextSidAtClockTimeInWholeSeconds() {
        IpRecordService fixed = new IpRecordService(store, Clock.fixed(NOW, clock.getZone()), new CountingSids());

        IpRecord first = value(fixed.create(ACCOUNT,
                new CreateIpRecord(Ipv4Address.parse("192.168.0.5"), "office", 24)));
        IpRecord second = value(fixed.create(ACCOUNT, CreateIpRecord.of("192.0.2.1")));

        assertThat(first).isEqualTo(new IpRecord(ACCOUNT, IpRecordSid.ofHex("0".repeat(31) + "1"), "office",
                Ipv4Address.parse("192.168.0.5"), 24, NOW_SECONDS, NOW_SECONDS));
        assertThat(second.sid()).isEqualTo(IpRecordSid.ofHex("0".repeat(31) + "2"));
        assertThat(second.friendlyName()).isNull();
        assertThat(second.cidrPrefixLength()).isEqualTo(32);
        assertThat(store.records.values()).containsExactly(first, second);
    }

    @Test
    void fetchReturnsStoredRecord() {
        IpRecord record = create("192.0.2.1");

        assertThat(value(service.fetch(ACCOUNT, record.sid()))).isEqualTo(record);
    }

    @Test
    void fetchOfMissingRecordFailsWithNotFoundNamingIt() {
        IpRecord record = create("192.0.2.1");

        Throwable failure = failure(service.fetch(OTHER, record.sid()));

        assertThat(failure).isInstanceOf(SipmapException.NotFound.class).hasMessageContaining(record.sid().value());
    }

    @Test
    void listPassesRequestToStoreAndReturnsItsPage() {
        IpRecord record = create("192.0.2.1");
        store.page = new Page<>(List.of(record), Optional.of(new Cursor.After(record.sid().value())), Optional.empty());
        PageRequest request = new PageRequest(7, new Cursor.Offset(14));

        Page<IpRecord> page = value(service.list(ACCOUNT, request));

        assertThat(page).isEqualTo(store.page);
        assertThat(store.pageRequest).isEqualTo(request);
    }

    @Test
    void updateChangesFriendlyNameAndDateUpdatedOnly() {
        IpRecord record = value(service.create(ACCOUNT,
                CreateIpRecord.of("192.168.0.5").withFriendlyName("before").withCidrPrefixLength(24)));
        clock.advance(Duration.ofMinutes(90));

        IpRecord updated = value(service.update(ACCOUNT, record.sid(), new UpdateIpRecord("after")));

        assertThat(updated).isEqualTo(new IpRecord(ACCOUNT, record.sid(), "after", record.ipAddress(), 24,
                NOW_SECONDS, NOW_SECONDS.plus(Duration.ofMinutes(90))));
        assertThat(store.records.values()).containsExactly(updated);
    }

    @Test
    void updateWithoutFriendlyNameKeepsNameAndMovesDateUpdated() {
        IpRecord record = value(service.create(ACCOUNT, CreateIpRecord.of("192.0.2.1").withFriendlyName("kept")));
        clock.advance(Duration.ofSeconds(5));

        IpRecord updated = value(service.update(ACCOUNT, record.sid(), new UpdateIpRecord(null)));

        assertThat(updated.friendlyName()).isEqualTo("kept");
        assertThat(updated.dateCreated()).isEqualTo(NOW_SECONDS);
        assertThat(updated.dateUpdated()).isEqualTo(NOW_SECONDS.plusSeconds(5));
    }

    @Test
    void updateOfMissingRecordFailsWithNotFoundAndReplacesNothing() {
        IpRecord record = create("192.0.2.1");

        Throwable failure = failure(service.update(OTHER, record.sid(), new UpdateIpRecord("stolen")));

        assertThat(failure).isInstanceOf(SipmapException.NotFound.class);
        assertThat(store.replaced).isEmpty();
        assertThat(store.records.values()).containsExactly(record);
    }

    @Test
    void updateOfRecordDeletedMeanwhileFailsWithNotFound() {
        IpRecord record = create("192.0.2.1");
        store.deletedBeforeReplace = true;

        Throwable failure = failure(service.update(ACCOUNT, record.sid(), new UpdateIpRecord("late")));

        assertThat(failure).isInstanceOf(SipmapException.NotFound.class);
        assertThat(store.records).isEmpty();
    }

    @Test
    void deleteRemovesRecord() {
        IpRecord record = create("192.0.2.1");

        assertThat(value(service.delete(ACCOUNT, record.sid()))).isNull();

        assertThat(store.records).isEmpty();
    }

    @Test
    void deleteOfMissingRecordFailsWithNotFound() {
        IpRecord record = create("192.0.2.1");

        assertThat(failure(service.delete(OTHER, record.sid()))).isInstanceOf(SipmapException.NotFound.class);
        assertThat(store.records.values()).containsExactly(record);
    }

    @Test
    void storeFailureArrivesAsTheFailedStageOfEveryOperation() {
        IpRecord record = create("192.0.2.1");
        store.failure = new SipmapException.Conflict("IP record is mapped");

        for (Supplier<CompletionStage<?>> call : calls(record.sid())) {
            assertThat(failure(call.get())).isSameAs(store.failure);
        }
    }

    @Test
    void storeThatThrowsStillGivesFailedStages() {
        IpRecord record = create("192.0.2.1");
        store.failure = new IllegalStateException("connection lost");
        store.throwing = true;

        for (Supplier<CompletionStage<?>> call : calls(record.sid())) {
            assertThat(failure(call.get())).isSameAs(store.failure);
        }
    }

    @Test
    void failingSidGeneratorGivesFailedStage() {
        RuntimeException broken = new IllegalStateException("no entropy");
        IpRecordService service = new IpRecordService(store, clock, () -> {
            throw broken;
        });

        assertThat(failure(service.create(ACCOUNT, CreateIpRecord.of("192.0.2.1")))).isSameAs(broken);
        assertThat(store.records).isEmpty();
    }

    private List<Supplier<CompletionStage<?>>> calls(IpRecordSid sid) {
        return List.of(
                () -> service.create(ACCOUNT, CreateIpRecord.of("192.0.2.2")),
                () -> service.fetch(ACCOUNT, sid),
                () -> service.list(ACCOUNT, PageRequest.first()),
                () -> service.update(ACCOUNT, sid, new UpdateIpRecord("x")),
                () -> service.delete(ACCOUNT, sid));
    }
}
