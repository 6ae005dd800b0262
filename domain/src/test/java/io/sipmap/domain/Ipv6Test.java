package io.sipmap.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv6Test {

    @ParameterizedTest
    @CsvSource({
            // RFC 5952 section 4: lower case, no leading zeros, the longest run of zeros compressed, the first of ties
            "2001:db8::1,                                  2001:db8::1",
            "2001:DB8:0:0:0:0:0:1,                         2001:db8::1",
            "2001:0db8:0000:0000:0000:0000:0000:0001,      2001:db8::1",
            "2001:db8:0:0:1:0:0:1,                         2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1,                         2001:db8:0:1:1:1:1:1",
            "2001:db8::0:1,                                2001:db8::1",
            "2001:0:0:1:0:0:0:1,                           2001:0:0:1::1",
            "0:0:0:0:0:0:0:0,                              ::",
            "::,                                           ::",
            "::1,                                          ::1",
            "1::,                                          1::",
            "fe80::,                                       fe80::",
            "FD00::5:A,                                    fd00::5:a",
            "1:2:3:4:5:6:7::,                              1:2:3:4:5:6:7:0",
            "::2:3:4:5:6:7:8,                              0:2:3:4:5:6:7:8",
            "64:ff9b::192.0.2.33,                          64:ff9b::c000:221",
            "::192.0.2.1,                                  ::c000:201",
            "1:2:3:4:5:6:1.2.3.4,                          1:2:3:4:5:6:102:304",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,      ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    })
    void readsEveryRfc4291FormAndAnswersTheRfc5952One(String text, String canonical) {
        IpAddress address = IpAddress.parse(text);
        assertThat(address).isInstanceOf(Ipv6Address.class).hasToString(canonical);
        assertThat(IpAddress.parse(canonical)).isEqualTo(address);
    }

    @Test
    void agreesWithTheJdkOnRandomAddresses() throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            // many zero groups, so that runs and ties of runs come up often
            byte[] bytes = new byte[16];
            for (int g = 0; g < 8; g++) {
                int group = random.nextInt(3) == 0 ? 0 : random.nextInt(4) == 0 ? random.nextInt(16) : random.nextInt(65536);
                bytes[2 * g] = (byte) (group >>> 8);
                bytes[2 * g + 1] = (byte) group;
            }
            Inet6Address jdk = (Inet6Address) InetAddress.getByAddress(bytes);
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long high = buffer.getLong();
            long low = buffer.getLong();
            if (high == 0 && (low >>> 32) == 0xffff) {
                continue; // IPv4-mapped: see below
            }
            Ipv6Address expected = new Ipv6Address(high, low);
            // the JDK writes every group in full, uncompressed: a form RFC 4291 allows
            assertThat(IpAddress.parse(jdk.getHostAddress())).isEqualTo(expected);
            String canonical = expected.toString();
            assertThat(IpAddress.parse(canonical)).isEqualTo(expected);
            assertThat(IpAddress.parse(canonical.toUpperCase())).isEqualTo(expected);
            assertThat(canonical).doesNotContain(":::").matches("[0-9a-f:]+");
            assertThat(canonical.split("::", -1).length).isLessThanOrEqualTo(2);
            assertThat(InetAddress.getByName(canonical)).isEqualTo(jdk);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::1", ":1::2", "1::2:",
            "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "g::1", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.04",
            "::256.1.1.1", "1:: 2", " ::1", "::1 ", "1:2:3:4:5:6:7:8/64", "[::1]", "::١", "::1.2.3.4:5", "1.2.3.4::"})
    void refusesAnythingElseNamingTheParameter(String text) {
        assertThatThrownBy(() -> IpAddress.parse(text, "IpAddress"))
                .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("IpAddress"))
                .hasMessageContaining("Invalid IpAddress");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fe80::1%eth0", "fe80::1%1", "FE80::ABCD%en0", "::1%lo"})
    void refusesZoneIdsSayingWhy(String text) {
        assertThatThrownBy(() -> IpAddress.parse(text))
                .isInstanceOf(SipmapException.InvalidParameter.class)
                .hasMessageContaining("zone id")
                .hasMessageContaining("without it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"::ffff:192.0.2.1", "::FFFF:192.0.2.1", "0:0:0:0:0:ffff:c000:0201", "::ffff:c000:201"})
    void anIpv4MappedAddressIsTheIpv4AddressItNames(String text) {
        assertThat(IpAddress.parse(text)).isEqualTo(Ipv4Address.parse("192.0.2.1"));
        assertThatThrownBy(() -> Ipv6Address.parse(text, "IpAddress")).hasMessageContaining("192.0.2.1");
    }

    @Test
    void theIpv4ParserStillReadsIpv4Only() {
        assertThatThrownBy(() -> Ipv4Address.parse("2001:db8::1")).hasMessageContaining("IPv4 address in dotted decimal");
        assertThat(IpAddress.parse("192.0.2.1")).isEqualTo(Ipv4Address.parse("192.0.2.1"));
        // an invalid IPv4 text gets the message it got before IPv6 was taken, word for word
        for (String bad : new String[] {"192.0.2.256", "", "01.2.3.4", "a.b.c.d", "1.2.3.4 "}) {
            assertThatThrownBy(() -> IpAddress.parse(bad)).as(bad)
                    .hasMessage(catchThrowable(() -> Ipv4Address.parse(bad)).getMessage());
        }
        assertThatThrownBy(() -> IpAddress.parse(null)).hasMessage(catchThrowable(() -> Ipv4Address.parse(null)).getMessage());
    }

    @Test
    void prefixLengthsAreOneTo128AndZeroMeansTheWholeAddress() {
        IpAddress v6 = IpAddress.parse("2001:db8::1");
        assertThat(IpPrefix.parseLength("0", v6)).isEqualTo(128);
        assertThat(IpPrefix.parseLength(null, v6)).isEqualTo(128);
        assertThat(IpPrefix.parseLength("128", v6)).isEqualTo(128);
        assertThat(IpPrefix.parseLength("064", v6)).isEqualTo(64);
        assertThat(IpPrefix.requestedLength(0, v6)).isEqualTo(128);
        for (String bad : new String[] {"129", "-1", "1000", "", "6 4"}) {
            assertThatThrownBy(() -> IpPrefix.parseLength(bad, v6)).as(bad)
                    .hasMessageContaining("CidrPrefixLength").hasMessageContaining("from 0 to 128");
        }
        assertThatThrownBy(() -> new IpPrefix(v6, 129)).hasMessageContaining("from 1 to 128");
        // the IPv4 rule is as it was
        IpAddress v4 = IpAddress.parse("192.0.2.1");
        assertThatThrownBy(() -> IpPrefix.parseLength("33", v4))
                .hasMessage("Invalid CidrPrefixLength: expected an integer from 0 to 32 (0 meaning 32), got 33");
        assertThatThrownBy(() -> IpPrefix.parseLength("100", v4))
                .hasMessage("Invalid CidrPrefixLength: expected an integer from 0 to 32 (0 meaning 32), got '100'");
    }

    @Test
    void aPrefixKeepsTheAddressAsGivenAndCoversItsNetwork() {
        var prefix = new IpPrefix(IpAddress.parse("2001:db8:aa:bb::5"), 56);
        assertThat(prefix).hasToString("2001:db8:aa:bb::5/56");
        assertThat(prefix.network()).hasToString("2001:db8:aa::");
        assertThat(prefix.contains(IpAddress.parse("2001:db8:aa:ff:ffff::1"))).isTrue();
        assertThat(prefix.contains(IpAddress.parse("2001:db8:aa:100::"))).isFalse();
        assertThat(prefix.contains(IpAddress.parse("192.0.2.1"))).isFalse();
        assertThat(new IpPrefix(IpAddress.parse("2001:db8::1"), 128).contains(IpAddress.parse("2001:db8::1"))).isTrue();
        assertThat(new IpPrefix(IpAddress.parse("8000::"), 1).contains(IpAddress.parse("ffff::"))).isTrue();
        assertThat(new IpPrefix(IpAddress.parse("8000::"), 1).contains(IpAddress.parse("7fff::"))).isFalse();
    }

    @Test
    void ordersIpv4BeforeIpv6ThenAsUnsignedNumbers() {
        assertThat(IpAddress.parse("255.255.255.255")).isLessThan(IpAddress.parse("::"));
        assertThat(IpAddress.parse("8000::")).isGreaterThan(IpAddress.parse("7fff:ffff::"));
        assertThat(IpAddress.parse("::8000:0:0:0")).isGreaterThan(IpAddress.parse("::7fff:0:0:0"));
    }
}
