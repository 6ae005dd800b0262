package io.sipmap.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ChangeTest {

    private static final AccountSid ACCOUNT = AccountSid.ofHex("0".repeat(32));
    private static final Instant CREATED = Instant.parse("2020-03-18T23:31:36Z");
    private static final IpRecord RECORD = new IpRecord(ACCOUNT, IpRecordSid.ofHex("1".repeat(32)), null,
            Ipv4Address.parse("192.168.0.5"), 24, CREATED, CREATED);
    private static final SourceIpMapping MAPPING = new SourceIpMapping(ACCOUNT, SourceIpMappingSid.ofHex("2".repeat(32)),
            RECORD.sid(), SipDomainSid.ofHex("3".repeat(32)), CREATED, CREATED);

    @Test
    void anIdIsItsNumberAndItsNonceInEightHexDigits() {
        assertThat(ChangeId.of(5, 0x0a1b2c3d)).hasToString("5-0a1b2c3d");
        assertThat(ChangeId.of(5, -1)).hasToString("5-ffffffff");
        assertThat(ChangeId.of(7, null)).hasToString("7");
        assertThat(ChangeId.ZERO).hasToString("0");
        assertThat(ChangeId.parse("Last-Event-ID", "5-0a1b2c3d")).isEqualTo(ChangeId.of(5, 0x0a1b2c3d));
        assertThat(ChangeId.parse("Last-Event-ID", "5-FFFFFFFF")).isEqualTo(ChangeId.of(5, -1));
        assertThat(ChangeId.parse("Last-Event-ID", "12")).isEqualTo(new ChangeId(12, OptionalInt.empty()));
        assertThat(ChangeId.parse("Last-Event-ID", "0")).isEqualTo(ChangeId.ZERO);
        assertThat(ChangeId.parse("x", "999999999999999999").seq()).isEqualTo(999_999_999_999_999_999L);
    }

    @Test
    void anythingElseIsAnInvalidParameterNamedAsItCame() {
        for (String bad : new String[] {"", "-", "x", "-1", "1-", "1-0a1b2c3", "1-0a1b2c3d4", "1-0a1b2c3g",
            "1-0a1b-2c3", "0-0a1b2c3d", "1-0a1b2c3d-", "1 ", "+1", "1000000000000000000", "1-\u0663a1b2c3d",
            "\u0661"}) {
            assertThatThrownBy(() -> ChangeId.parse("LastEventId", bad)).as(bad)
                    .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                            e -> assertThat(e.parameter()).isEqualTo("LastEventId"))
                    .hasMessageStartingWith("Invalid LastEventId");
        }
        assertThatThrownBy(() -> new ChangeId(-1, OptionalInt.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChangeId.of(0, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMappingsChangeCarriesItsRecordsPrefixAndARecordsDoesNot() {
        IpPrefix prefix = RECORD.prefix();
        Change mapped = new Change(ChangeId.of(2, 9), Change.Kind.SOURCE_IP_MAPPING_DELETED, MAPPING, prefix);
        assertThat(mapped.ipRecordPrefix().address()).isEqualTo(Ipv4Address.parse("192.168.0.5"));
        assertThat(mapped.seq()).isEqualTo(2);
        assertThat(mapped.account()).isEqualTo(ACCOUNT);
        assertThatThrownBy(() -> new Change(ChangeId.of(2, 9), Change.Kind.SOURCE_IP_MAPPING_CREATED, MAPPING, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Change(ChangeId.of(1, 9), Change.Kind.IP_RECORD_CREATED, RECORD, prefix))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Change(ChangeId.ZERO, Change.Kind.IP_RECORD_CREATED, RECORD, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Change(ChangeId.of(1, 9), Change.Kind.IP_RECORD_CREATED, MAPPING, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
