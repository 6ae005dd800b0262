package io.sipmap.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Page;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The import's rules over the ports alone: the source is the services over scripted stores, the destination two more.
 * The whole path (Twilio's wire through the client, the command) is tested in the server module.
 */
class ImportTest {

    private static final AccountSid ACCOUNT = AccountSid.ofHex("ac".repeat(16));
    private static final Instant CREATED = Instant.parse("2020-03-18T23:31:36Z");
    private static final IpRecord RECORD = new IpRecord(ACCOUNT, IpRecordSid.ofHex("0".repeat(31) + "1"), "office",
            Ipv4Address.parse("192.0.2.0", "IpAddress"), 24, CREATED, CREATED);
    private static final SourceIpMapping MAPPING = new SourceIpMapping(ACCOUNT,
            SourceIpMappingSid.ofHex("0".repeat(31) + "2"), RECORD.sid(), SipDomainSid.ofHex("0".repeat(31) + "3"),
            CREATED, CREATED);

    private final FakeIpRecordStore sourceRecords = new FakeIpRecordStore();
    private final FakeSourceIpMappingStore sourceMappings = new FakeSourceIpMappingStore();
    private final FakeIpRecordStore records = new FakeIpRecordStore();
    private final FakeSourceIpMappingStore mappings = new FakeSourceIpMappingStore();
    private final List<String> said = new ArrayList<>();

    ImportTest() {
        sourceRecords.page = new Page<>(List.of(RECORD), Optional.empty(), Optional.empty());
        sourceMappings.page = new Page<>(List.of(MAPPING), Optional.empty(), Optional.empty());
    }

    private Import.Report importing(boolean dryRun) throws Exception {
        SettableClock clock = new SettableClock(CREATED);
        return Import.run(ACCOUNT, new IpRecordService(sourceRecords, clock, new CountingSids()),
                new SourceIpMappingService(sourceMappings, clock, new CountingSids()), records, mappings, dryRun,
                said::add).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void copiesWithSidsAndDatesAndASecondRunChangesNothing() throws Exception {
        mappings.addIpRecord(ACCOUNT, RECORD.sid());

        Import.Report first = importing(false);
        Import.Report second = importing(false);

        assertThat(first.records()).isEqualTo(new Import.Counts(1, 0, 0));
        assertThat(first.mappings()).isEqualTo(new Import.Counts(1, 0, 0));
        assertThat(records.records.values()).containsExactly(RECORD);
        assertThat(mappings.mappings.values()).containsExactly(MAPPING);
        assertThat(second.records()).isEqualTo(new Import.Counts(0, 0, 1));
        assertThat(second.mappings()).isEqualTo(new Import.Counts(0, 0, 1));
        assertThat(second.summary()).isEqualTo("import: IP records: 0 created, 0 updated, 1 unchanged;"
                + " source IP mappings: 0 created, 0 updated, 1 unchanged; 0 conflict(s)");
    }

    @Test
    void copiesIpv6RecordsWithTheirSidsAndDatesAndASecondRunChangesNothing() throws Exception {
        Instant updated = CREATED.plusSeconds(3600);
        IpRecord network = new IpRecord(ACCOUNT, IpRecordSid.ofHex("0".repeat(31) + "4"), "v6 trunk",
                IpAddress.parse("2001:db8:a::5"), 48, CREATED, updated);
        IpRecord host = new IpRecord(ACCOUNT, IpRecordSid.ofHex("0".repeat(31) + "5"), null,
                IpAddress.parse("2001:db8::1"), 128, CREATED, CREATED);
        SourceIpMapping mapping = new SourceIpMapping(ACCOUNT, SourceIpMappingSid.ofHex("0".repeat(31) + "6"),
                network.sid(), SipDomainSid.ofHex("0".repeat(31) + "3"), CREATED, updated);
        sourceRecords.page = new Page<>(List.of(RECORD, network, host), Optional.empty(), Optional.empty());
        sourceMappings.page = new Page<>(List.of(mapping), Optional.empty(), Optional.empty());
        mappings.addIpRecord(ACCOUNT, network.sid());

        Import.Report first = importing(false);
        Import.Report second = importing(false);

        assertThat(first.records()).isEqualTo(new Import.Counts(3, 0, 0));
        assertThat(first.mappings()).isEqualTo(new Import.Counts(1, 0, 0));
        assertThat(records.records.values()).containsExactlyInAnyOrder(RECORD, network, host);
        assertThat(mappings.mappings.values()).containsExactly(mapping);
        assertThat(said).contains("import: created IP record " + network.sid() + " (2001:db8:a::5/48)");
        assertThat(second.records()).isEqualTo(new Import.Counts(0, 0, 3));
        assertThat(second.mappings()).isEqualTo(new Import.Counts(0, 0, 1));
    }

    @Test
    void aRecordOfTheOtherFamilyUnderTheSameSidIsAConflict() throws Exception {
        IpRecord v6 = new IpRecord(ACCOUNT, RECORD.sid(), RECORD.friendlyName(), IpAddress.parse("2001:db8::"), 24,
                CREATED, CREATED);
        records.insert(v6);
        sourceMappings.page = new Page<>(List.of(), Optional.empty(), Optional.empty());

        Import.Report report = importing(false);

        assertThat(report.conflicts()).singleElement().asString()
                .contains("is 2001:db8::/24 here but 192.0.2.0/24 at the source");
        assertThat(records.records.values()).containsExactly(v6);
    }

    @Test
    void aDryRunWritesNothingAndSaysWhatItWouldDo() throws Exception {
        Import.Report report = importing(true);

        assertThat(report.records()).isEqualTo(new Import.Counts(1, 0, 0));
        assertThat(records.records).isEmpty();
        assertThat(mappings.mappings).isEmpty();
        assertThat(said).contains("import: would create IP record " + RECORD.sid() + " (192.0.2.0/24)");
        assertThat(report.summary()).endsWith("(dry run: nothing written)");
    }

    @Test
    void aWriteTheStoreRefusesIsAConflictNotAFailure() throws Exception {
        Import.Report report = importing(false); // the destination's mapping store knows no such IP record

        assertThat(report.mappings()).isEqualTo(new Import.Counts(0, 0, 0));
        assertThat(report.conflicts()).singleElement().asString().contains("left as it is");
        assertThat(mappings.mappings).isEmpty();
    }
}
