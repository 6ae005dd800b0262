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
    void theTextAndTheNumberAgreeForAnyDigits() {
        var random = new java.util.Random(7);
        long[] edges = {0, 1, 9, 10, 15, 16, 0x7fffffffffffffffL, 0x8000000000000000L, -1, 0xa0a0a0a0a0a0a0a0L,
                0x0909090909090909L, 0xffffffff00000000L};
        for (int i = 0; i < 20_000; i++) {
            long high = i < edges.length ? edges[i] : random.nextLong();
            long low = i < edges.length ? edges[edges.length - 1 - i] : random.nextLong();
            String digits = String.format("%016x%016x", high, low);
            var sid = new SourceIpMappingSid(high, low);
            assertThat(sid.value()).isEqualTo("IB" + digits);
            assertThat(new SourceIpMappingSid("IB" + digits.toUpperCase())).isEqualTo(sid);
            byte[] into = new byte[40];
            sid.writeAscii(into, 3);
            assertThat(new String(into, 3, 34, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(sid.value());
        }
    }

    @Test
    void sidsCompareAsTheirTextsDo() {
        var random = new java.util.Random(11);
        for (int i = 0; i < 20_000; i++) {
            // few distinct values per half, so that equal highs and equal lows both occur
            var a = new IpRecordSid(random.nextInt(4) - 2L << 62 | random.nextInt(3), random.nextInt(3) - 1L);
            var b = new IpRecordSid(random.nextInt(4) - 2L << 62 | random.nextInt(3), random.nextInt(3) - 1L);
            assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Integer.signum(a.value().compareTo(b.value())));
            assertThat(a.equals(b)).isEqualTo(a.value().equals(b.value()));
        }
    }

    @Test
    void everyCharacterIsJudgedAsAHexDigitOrNot() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            for (int at : new int[] {2, 17, 33}) {
                char ch = (char) c;
                String value = "IL" + "0".repeat(at - 2) + ch + "0".repeat(33 - at);
                boolean hex = ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f' || ch >= 'A' && ch <= 'F';
                assertThat(Sid.isWellFormed("IL", value)).as("U+%04X at %d", c, at).isEqualTo(hex);
                if (hex) {
                    assertThat(new Cursor.After(value).sid()).isEqualTo(value.toLowerCase().replace("il", "IL"));
                }
            }
        }
    }

    @Test
    void aMessageNeverEchoesAnUnboundedValue() {
        String huge = "IL" + "x".repeat(10_000);
        assertThatThrownBy(() -> new IpRecordSid(huge)).satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }
}
