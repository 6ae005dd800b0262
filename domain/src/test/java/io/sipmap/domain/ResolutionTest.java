package io.sipmap.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResolutionTest {

    private static final AccountSid ACCOUNT = AccountSid.ofHex("a".repeat(32));
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    private static Resolution resolution(String recordHex, String prefix, int length) {
        return new Resolution(SipDomainSid.ofHex("d".repeat(32)), SourceIpMappingSid.ofHex(recordHex),
                IpRecordSid.ofHex(recordHex), new IpPrefix(Ipv4Address.parse(prefix), length));
    }

    @Test
    void longerPrefixBeatsShorterWhateverTheSids() {
        Resolution slash24 = resolution("f".repeat(32), "10.1.2.0", 24);
        Resolution slash16 = resolution("0".repeat(32), "10.1.0.0", 16);
        assertThat(slash24.beats(slash16)).isTrue();
        assertThat(slash16.beats(slash24)).isFalse();
    }

    @Test
    void atEqualLengthTheSmallerIpRecordSidWins() {
        Resolution older = resolution("1".repeat(32), "10.1.2.0", 24);
        Resolution newer = resolution("2".repeat(32), "10.1.2.7", 24);
        assertThat(older.beats(newer)).isTrue();
        assertThat(newer.beats(older)).isFalse();
    }

    @Test
    void ofKeepsTheRecordsPrefixAsGiven() {
        IpRecord record = new IpRecord(ACCOUNT, IpRecordSid.ofHex("1".repeat(32)), null,
                Ipv4Address.parse("192.168.0.5"), 24, T, T);
        SourceIpMapping mapping = new SourceIpMapping(ACCOUNT, SourceIpMappingSid.ofHex("2".repeat(32)), record.sid(),
                SipDomainSid.ofHex("3".repeat(32)), T, T);
        Resolution r = Resolution.of(mapping, record);
        assertThat(r.prefix().toString()).isEqualTo("192.168.0.5/24");
        assertThat(r.sipDomainSid()).isEqualTo(mapping.sipDomainSid());
        assertThat(r.mappingSid()).isEqualTo(mapping.sid());
        assertThat(r.ipRecordSid()).isEqualTo(record.sid());
    }

    @Test
    void ofRefusesAMappingOfAnotherRecord() {
        IpRecord record = new IpRecord(ACCOUNT, IpRecordSid.ofHex("1".repeat(32)), null,
                Ipv4Address.parse("192.168.0.5"), 24, T, T);
        SourceIpMapping mapping = new SourceIpMapping(ACCOUNT, SourceIpMappingSid.ofHex("2".repeat(32)),
                IpRecordSid.ofHex("9".repeat(32)), SipDomainSid.ofHex("3".repeat(32)), T, T);
        assertThatThrownBy(() -> Resolution.of(mapping, record)).isInstanceOf(IllegalArgumentException.class);
    }
}
