package io.sipmap.adapter.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SharedValuesTest {

    private static final AccountSid ACCOUNT = AccountSid.ofHex("a".repeat(32));

    private final SharedValues shared = new SharedValues();

    private static IpRecord record(int n, Instant created) {
        return new IpRecord(ACCOUNT, IpRecordSid.ofHex(String.format("%032x", n)), null,
                Ipv4Address.parse("192.0.2." + n), 32, created, created);
    }

    private static SourceIpMapping mapping(int n, IpRecord record, String domain, Instant created) {
        return new SourceIpMapping(ACCOUNT, SourceIpMappingSid.ofHex(String.format("%032x", n)), record.sid(),
                SipDomainSid.ofHex(domain.repeat(32)), created, created);
    }

    private static Instant parsed() {
        return Instant.parse("2020-03-18T23:31:36Z");
    }

    @Test
    void recordsCreatedInOneSecondShareOneDateAndStayEqual() {
        IpRecord first = record(1, parsed());
        IpRecord second = record(2, parsed());

        IpRecord keptFirst = shared.kept(first);
        IpRecord keptSecond = shared.kept(second);

        assertThat(keptFirst).isEqualTo(first);
        assertThat(keptSecond).isEqualTo(second);
        assertThat(keptSecond.dateCreated()).isSameAs(keptFirst.dateCreated());
        assertThat(keptSecond.dateUpdated()).isSameAs(keptFirst.dateCreated());
    }

    @Test
    void mappingsShareTheirRecordsDateAndOneObjectPerSipDomain() {
        IpRecord record = shared.kept(record(1, parsed()));
        IpRecord other = shared.kept(record(2, parsed()));

        SourceIpMapping first = shared.kept(mapping(1, record, "d", parsed()), record);
        SourceIpMapping second = shared.kept(mapping(2, other, "d", parsed()), other);

        assertThat(first).isEqualTo(mapping(1, record, "d", parsed()));
        assertThat(first.dateCreated()).isSameAs(record.dateCreated());
        assertThat(second.sipDomainSid()).isSameAs(first.sipDomainSid());
    }

    @Test
    void sipDomainIsForgottenOnceItsLastMappingIsReleased() {
        IpRecord record = shared.kept(record(1, parsed()));
        SourceIpMapping first = shared.kept(mapping(1, record, "d", parsed()), record);
        SourceIpMapping second = shared.kept(mapping(2, record, "d", parsed()), record);

        shared.release(first.sipDomainSid());
        SourceIpMapping third = shared.kept(mapping(3, record, "d", parsed()), record);
        shared.release(second.sipDomainSid());
        shared.release(third.sipDomainSid());
        SourceIpMapping fourth = shared.kept(mapping(4, record, "d", parsed()), record);

        assertThat(third.sipDomainSid()).isSameAs(first.sipDomainSid());
        assertThat(fourth.sipDomainSid()).isNotSameAs(first.sipDomainSid()).isEqualTo(first.sipDomainSid());
    }
}
