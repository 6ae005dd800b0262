package io.sipmap.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4Test {

    /** The family the prefix lengths below are of. */
    private static final IpAddress V4 = Ipv4Address.parse("192.0.2.1");

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "255.255.255.255", "192.0.2.10", "10.0.0.1", "1.2.3.4", "100.200.250.199"})
    void parsesStrictDottedDecimalAndPrintsItBack(String text) {
        assertThat(Ipv4Address.parse(text)).hasToString(text);
    }

    @Test
    void holdsTheThirtyTwoBits() {
        assertThat(Ipv4Address.parse("192.168.1.2").bits()).isEqualTo(0xC0A80102);
        assertThat(Ipv4Address.parse("255.255.255.255").bits()).isEqualTo(-1);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.04", "1.2.3.4 ", " 1.2.3.4",
            "1..3.4", "1.2.3.", ".1.2.3", "+1.2.3.4", "-1.2.3.4", "1.2.3.4/24", "a.b.c.d", "1,2,3,4", "0x1.2.3.4",
            "1234.1.1.1", "1.2.3.4\n", "١.٢.٣.٤", "2001:db8::1", "999.999.999.999", "1.2.3.4.", "00.0.0.0"})
    void rejectsAnythingButStrictDottedDecimal(String text) {
        assertThatThrownBy(() -> Ipv4Address.parse(text))
                .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("IpAddress"))
                .hasMessageContaining("IpAddress");
    }

    @Test
    void roundTripsRandomAddresses() {
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            var address = new Ipv4Address(random.nextInt());
            assertThat(Ipv4Address.parse(address.toString())).isEqualTo(address);
        }
    }

    @Test
    void ordersAddressesAsUnsignedNumbers() {
        assertThat(Ipv4Address.parse("200.0.0.0")).isGreaterThan(Ipv4Address.parse("10.0.0.0"));
    }

    @Test
    void prefixWithHostBitsSetKeepsTheAddressAndCoversItsNetwork() {
        var prefix = new IpPrefix(Ipv4Address.parse("192.168.0.5"), 24);
        assertThat(prefix.address()).hasToString("192.168.0.5");
        assertThat(prefix.network()).hasToString("192.168.0.0");
        assertThat(prefix).hasToString("192.168.0.5/24");
        assertThat(prefix.contains(Ipv4Address.parse("192.168.0.0"))).isTrue();
        assertThat(prefix.contains(Ipv4Address.parse("192.168.0.255"))).isTrue();
        assertThat(prefix.contains(Ipv4Address.parse("192.168.1.0"))).isFalse();
    }

    @Test
    void prefixLengthsOneAndThirtyTwo() {
        var half = new IpPrefix(Ipv4Address.parse("128.0.0.0"), 1);
        assertThat(half.contains(Ipv4Address.parse("255.1.2.3"))).isTrue();
        assertThat(half.contains(Ipv4Address.parse("127.255.255.255"))).isFalse();
        var host = new IpPrefix(Ipv4Address.parse("203.0.113.7"), 32);
        assertThat(host.contains(Ipv4Address.parse("203.0.113.7"))).isTrue();
        assertThat(host.contains(Ipv4Address.parse("203.0.113.8"))).isFalse();
    }

    @Test
    void containsAgreesWithAComparisonOfNetworks() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            int length = 1 + random.nextInt(32);
            var prefix = new IpPrefix(new Ipv4Address(random.nextInt()), length);
            var candidate = new Ipv4Address(random.nextBoolean() ? random.nextInt()
                    : ((Ipv4Address) prefix.address()).bits() ^ (random.nextInt() >>> length));
            boolean expected = (candidate.bits() >>> (32 - length)) == (((Ipv4Address) prefix.address()).bits() >>> (32 - length));
            assertThat(prefix.contains(candidate)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 33, -1, Integer.MAX_VALUE})
    void rejectsPrefixLengthsOutsideOneToThirtyTwo(int length) {
        assertThatThrownBy(() -> new IpPrefix(Ipv4Address.parse("10.0.0.0"), length))
                .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("CidrPrefixLength"));
    }

    @Test
    void parsesPrefixLengthsFromTheWire() {
        assertThat(IpPrefix.parseLength("1", V4)).isEqualTo(1);
        assertThat(IpPrefix.parseLength("32", V4)).isEqualTo(32);
        assertThat(IpPrefix.parseLength("08", V4)).isEqualTo(8);
        for (String bad : new String[] {"", "33", "-1", "+8", "8.0", "abc", " 8", "99999999999"}) {
            assertThatThrownBy(() -> IpPrefix.parseLength(bad, V4))
                    .as(bad).isInstanceOf(SipmapException.InvalidParameter.class).hasMessageContaining("CidrPrefixLength");
        }
    }

    @Test
    void aRequestedLengthOfZeroMeansTheWholeAddress() {
        assertThat(IpPrefix.requestedLength(0, V4)).isEqualTo(32);
        assertThat(IpPrefix.parseLength("0", V4)).isEqualTo(32);
        assertThat(IpPrefix.parseLength("00", V4)).isEqualTo(32);
        assertThat(IpPrefix.requestedLength(1, V4)).isEqualTo(1);
        assertThat(IpPrefix.requestedLength(24, V4)).isEqualTo(24);
        for (int bad : new int[] {-1, 33, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> IpPrefix.requestedLength(bad, V4)).as("%d", bad)
                    .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                            e -> assertThat(e.parameter()).isEqualTo("CidrPrefixLength"));
        }
    }
}
