package io.sipmap.service;

import static io.sipmap.service.Outcomes.failure;
import static io.sipmap.service.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.UpdateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Cursor;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SourceIpMappingServiceTest {

    private static final AccountSid ACCOUNT = AccountSid.ofHex("ac".repeat(16));
    private static final AccountSid OTHER = AccountSid.ofHex("0f".repeat(16));
    private static final IpRecordSid RECORD = IpRecordSid.ofHex("1a".repeat(16));
    private static final SipDomainSid DOMAIN = SipDomainSid.ofHex("d0".repeat(16));
    private static final SipDomainSid OTHER_DOMAIN = SipDomainSid.ofHex("d1".repeat(16));
    private static final Instant NOW = Instant.parse("2020-03-18T23:31:36.789Z");
    private static final Instant NOW_SECONDS = Instant.parse("2020-03-18T23:31:36Z");

    private final FakeSourceIpMappingStore store = new FakeSourceIpMappingStore();
    private final SettableClock clock = new SettableClock(NOW);
    private final SourceIpMappingService service = new SourceIpMappingService(store, clock, new CountingSids());

    @BeforeEach
    void ipRecordExists() {
        store.addIpRecord(ACCOUNT, RECORD);
    }

    private SourceIpMapping create() {
        return value(service.create(ACCOUNT, new CreateSourceIpMapping(RECORD, DOMAIN)));
    }

    @Test
    void createsMappingWithNextSidAtClockTimeInWholeSeconds() {
        SourceIpMapping mapping = create();

        assertThat(mapping).isEqualTo(new SourceIpMapping(ACCOUNT, SourceIpMappingSid.ofHex("0".repeat(31) + "1"),
                RECORD, DOMAIN, NOW_SECONDS, NOW_SECONDS));
        assertThat(store.mappings.values()).containsExactly(mapping);
    }

    @Test
    void createOfUnknownIpRecordFailsAsTheStoreSays() {
        Throwable failure = failure(service.create(OTHER, new CreateSourceIpMapping(RECORD, DOMAIN)));

        assertThat(failure).isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                e -> assertThat(e.parameter()).isEqualTo("IpRecordSid"));
        assertThat(store.mappings).isEmpty();
    }

    @Test
    void secondMappingOfIpRecordFailsWithConflictAsTheStoreSays() {
        SourceIpMapping first = create();

        Throwable failure = failure(service.create(ACCOUNT, new CreateSourceIpMapping(RECORD, OTHER_DOMAIN)));

        assertThat(failure).isInstanceOf(SipmapException.Conflict.class);
        assertThat(store.mappings.values()).containsExactly(first);
    }

    @Test
    void fetchReturnsStoredMapping() {
        SourceIpMapping mapping = create();

        assertThat(value(service.fetch(ACCOUNT, mapping.sid()))).isEqualTo(mapping);
    }

    @Test
    void fetchOfMissingMappingFailsWithNotFoundNamingIt() {
        SourceIpMapping mapping = create();

        assertThat(failure(service.fetch(OTHER, mapping.sid()))).isInstanceOf(SipmapException.NotFound.class)
                .hasMessageContaining(mapping.sid().value());
    }

    @Test
    void listPassesRequestToStoreAndReturnsItsPage() {
        SourceIpMapping mapping = create();
        store.page = new Page<>(List.of(mapping), Optional.empty(), Optional.of(new Cursor.Before(mapping.sid().value())));
        PageRequest request = new PageRequest(3, new Cursor.Before(mapping.sid().value()));

        assertThat(value(service.list(ACCOUNT, request))).isEqualTo(store.page);
        assertThat(store.pageRequest).isEqualTo(request);
    }

    @Test
    void updateChangesSipDomainAndDateUpdatedOnly() {
        SourceIpMapping mapping = create();
        clock.advance(Duration.ofHours(2));

        SourceIpMapping updated = value(service.update(ACCOUNT, mapping.sid(),
                new UpdateSourceIpMapping(OTHER_DOMAIN)));

        assertThat(updated).isEqualTo(new SourceIpMapping(ACCOUNT, mapping.sid(), RECORD, OTHER_DOMAIN,
                NOW_SECONDS, NOW_SECONDS.plus(Duration.ofHours(2))));
        assertThat(store.mappings.values()).containsExactly(updated);
    }

    @Test
    void updateOfMissingMappingFailsWithNotFoundAndReplacesNothing() {
        SourceIpMapping mapping = create();

        Throwable failure = failure(service.update(OTHER, mapping.sid(), new UpdateSourceIpMapping(OTHER_DOMAIN)));

        assertThat(failure).isInstanceOf(SipmapException.NotFound.class);
        assertThat(store.replaced).isEmpty();
        assertThat(store.mappings.values()).containsExactly(mapping);
    }

    @Test
    void updateOfMappingDeletedMeanwhileFailsWithNotFound() {
        SourceIpMapping mapping = create();
        store.deletedBeforeReplace = true;

        Throwable failure = failure(service.update(ACCOUNT, mapping.sid(), new UpdateSourceIpMapping(OTHER_DOMAIN)));

        assertThat(failure).isInstanceOf(SipmapException.NotFound.class);
        assertThat(store.mappings).isEmpty();
    }

    @Test
    void deleteRemovesMapping() {
        SourceIpMapping mapping = create();

        assertThat(value(service.delete(ACCOUNT, mapping.sid()))).isNull();

        assertThat(store.mappings).isEmpty();
    }

    @Test
    void deleteOfMissingMappingFailsWithNotFound() {
        SourceIpMapping mapping = create();

        assertThat(failure(service.delete(OTHER, mapping.sid()))).isInstanceOf(SipmapException.NotFound.class);
        assertThat(store.mappings.values()).containsExactly(mapping);
    }

    @Test
    void storeFailureArrivesAsTheFailedStageOfEveryOperation() {
        SourceIpMapping mapping = create();
        store.failure = new SipmapException.Upstream("database unreachable", null, null);

        for (Supplier<CompletionStage<?>> call : calls(mapping.sid())) {
            assertThat(failure(call.get())).isSameAs(store.failure);
        }
    }

    @Test
    void storeThatThrowsStillGivesFailedStages() {
        SourceIpMapping mapping = create();
        store.failure = new IllegalStateException("connection lost");
        store.throwing = true;

        for (Supplier<CompletionStage<?>> call : calls(mapping.sid())) {
            assertThat(failure(call.get())).isSameAs(store.failure);
        }
    }

    private List<Supplier<CompletionStage<?>>> calls(SourceIpMappingSid sid) {
        return List.of(
                () -> service.create(ACCOUNT, new CreateSourceIpMapping(RECORD, OTHER_DOMAIN)),
                () -> service.fetch(ACCOUNT, sid),
                () -> service.list(ACCOUNT, PageRequest.first()),
                () -> service.update(ACCOUNT, sid, new UpdateSourceIpMapping(OTHER_DOMAIN)),
                () -> service.delete(ACCOUNT, sid));
    }
}
