package io.sipmap.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SidTest {

    private static final String HEX = "0123456789abcdef0123456789ABCDEF";

    @Test
    void acceptsEitherCaseAndEmitsLowerCase() {
        assertThat(new IpRecordSid("IL" + HEX).value()).isEqualTo("IL0123456789abcdef0123456789abcdef");
        assertThat(new SourceIpMappingSid("IB" + HEX).toString()).isEqualTo("IB0123456789abcdef0123456789abcdef");
    }

    @Test
    void canonicalSidsAreEqualWhateverTheInputCase() {
        assertThat(new SipDomainSid("SD" + HEX)).isEqualTo(new SipDomainSid("SD" + HEX.toLowerCase()));
    }

    @Test
    void rejectsSidWithWrongPrefix() {
        assertThatThrownBy(() -> new IpRecordSid("IB" + HEX))
                .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("IpRecordSid"))
                .hasMessageContaining("IpRecordSid").hasMessageContaining("'IL'");
    }

    @Test
    void lowerCasePrefixIsNotAccepted() {
        assertThatThrownBy(() -> new AccountSid("ac" + HEX)).isInstanceOf(SipmapException.InvalidParameter.class);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "SD", "SD0123", "SD0123456789abcdef0123456789abcdeg", "SD0123456789abcdef0123456789abcdef0",
            "SD 123456789abcdef0123456789abcdef", "SD０123456789abcdef0123456789abcde", "SD-123456789abcdef0123456789abcdef"})
    void rejectsMalformedSids(String value) {
        assertThatThrownBy(() -> new SipDomainSid(value))
                .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("SipDomainSid"));
    }

    @Test
    void parseNamesTheGivenParameter() {
        assertThatThrownBy(() -> SourceIpMappingSid.parse("nope", "Sid"))
                .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("Sid"));
    }

    @Test
    void eachKindHasItsPrefix() {
        assertThat(AccountSid.ofHex(HEX).prefix()).isEqualTo("AC");
        assertThat(ApiKeySid.ofHex(HEX).prefix()).isEqualTo("SK");
        assertThat(IpRecordSid.ofHex(HEX).prefix()).isEqualTo("IL");
        assertThat(SourceIpMappingSid.ofHex(HEX).prefix()).isEqualTo("IB");
        assertThat(SipDomainSid.ofHex(HEX).prefix()).isEqualTo("SD");
    }

    @Test
    void sidsCompareAsTheNumbersTheirDigitsSpell() {
        var small = IpRecordSid.ofHex("0000000000000000000000000000000a");
        var large = IpRecordSid.ofHex("000000000000000000000000000000A0");
        assertThat(small).isLessThan(large);
    }

    @Test
    void aMessageNeverEchoesAnUnboundedValue() {
        String huge = "IL" + "x".repeat(10_000);
        assertThatThrownBy(() -> new IpRecordSid(huge)).satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }
}
