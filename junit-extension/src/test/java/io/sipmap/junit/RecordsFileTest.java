package io.sipmap.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Ipv6Address;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Reading a records file: Twilio's shapes in, clear refusals naming the file and field for anything else. */
class RecordsFileTest {

    static final AccountSid ACCOUNT = AccountSid.parse(SipmapTest.DEFAULT_ACCOUNT_SID, "account");
    static final String RECORD = "{\"sid\":\"IL" + "1".repeat(32) + "\",\"ip_address\":\"192.0.2.1\","
            + "\"date_created\":\"2020-03-18T23:31:36Z\",\"date_updated\":\"2020-03-18T23:31:36Z\"";

    @Test
    void readsBothArraysFromOneObjectAndDefaultsAMissingPrefixTo32() {
        var file = RecordsFile.parse("both.json", "{\"ip_records\":[" + RECORD + ",\"cidr_prefix_length\":0}],"
                + "\"source_ip_mappings\":[{\"sid\":\"IB" + "2".repeat(32) + "\",\"ip_record_sid\":\"IL"
                + "1".repeat(32) + "\",\"sip_domain_sid\":\"SD" + "3".repeat(32) + "\","
                + "\"date_created\":\"Wed, 18 Mar 2020 23:31:36 +0000\",\"date_updated\":\"2020-03-19T00:00:00Z\"}]}",
                ACCOUNT);

        assertThat(file.ipRecords()).singleElement().satisfies(r -> {
            assertThat(r.cidrPrefixLength()).isEqualTo(32);
            assertThat(r.accountSid()).isEqualTo(ACCOUNT);
        });
        assertThat(file.mappings()).singleElement().satisfies(m ->
                assertThat(m.dateCreated()).isEqualTo(Instant.parse("2020-03-18T23:31:36Z")));
    }

    @Test
    void readsIpv6RecordsInAnySpellingWithTheWholeAddressFor0OrNoPrefix() {
        String v6 = RECORD.replace("192.0.2.1", "2001:DB8:0:0::1");
        var file = RecordsFile.parse("v6.json", "{\"ip_records\":[" + v6 + ",\"cidr_prefix_length\":64},"
                + v6 + ",\"cidr_prefix_length\":0}," + v6 + "}," + RECORD.replace("192.0.2.1", "::ffff:192.0.2.1")
                + ",\"cidr_prefix_length\":24}]}", ACCOUNT);

        assertThat(file.ipRecords()).extracting(r -> r.prefix().toString())
                .containsExactly("2001:db8::1/64", "2001:db8::1/128", "2001:db8::1/128", "192.0.2.1/24");
        assertThat(file.ipRecords().get(0).ipAddress()).isInstanceOf(Ipv6Address.class);
        assertThat(file.ipRecords().get(3).ipAddress()).isInstanceOf(Ipv4Address.class);
    }

    @Test
    void refusesAnIpv6PrefixOver128AnIpv4OneOver32AndAZoneIdNamingFileAndField() {
        String v6 = RECORD.replace("192.0.2.1", "2001:db8::1");
        assertThatThrownBy(() -> RecordsFile.parse("f.json", "{\"ip_records\":[" + v6
                + ",\"cidr_prefix_length\":129}]}", ACCOUNT)).hasMessageContaining("f.json")
                .hasMessageContaining("CidrPrefixLength").hasMessageContaining("128");
        assertThatThrownBy(() -> RecordsFile.parse("g.json", "{\"ip_records\":[" + RECORD
                + ",\"cidr_prefix_length\":64}]}", ACCOUNT)).hasMessageContaining("g.json")
                .hasMessageContaining("CidrPrefixLength").hasMessageContaining("32");
        assertThatThrownBy(() -> RecordsFile.parse("h.json", "{\"ip_records\":[" + RECORD.replace("192.0.2.1",
                "fe80::1%eth0") + "}]}", ACCOUNT)).hasMessageContaining("h.json").hasMessageContaining("ip_address");
    }

    @Test
    void refusesWhatIsNotTwiliosShapeNamingFileAndField() {
        assertThatThrownBy(() -> RecordsFile.parse("a.json", "[]", ACCOUNT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a.json");
        assertThatThrownBy(() -> RecordsFile.parse("b.json", "{\"records\":[]}", ACCOUNT))
                .hasMessageContaining("b.json").hasMessageContaining("ip_records");
        assertThatThrownBy(() -> RecordsFile.parse("c.json", "{\"ip_records\":[" + RECORD.replace("\"sid\"", "\"x\"")
                + "}]}", ACCOUNT)).hasMessageContaining("c.json").hasMessageContaining("\"sid\"");
        assertThatThrownBy(() -> RecordsFile.parse("d.json", "{\"ip_records\":[" + RECORD.replace("192.0.2.1",
                "999.0.2.1") + "}]}", ACCOUNT)).hasMessageContaining("d.json").hasMessageContaining("ip_address");
        assertThatThrownBy(() -> RecordsFile.parse("e.json", "{\"ip_records\":[" + RECORD.replace("2020-03-18T",
                "yesterday ") + "}]}", ACCOUNT)).hasMessageContaining("e.json").hasMessageContaining("date_created");
    }

    @Test
    void aMissingFileOrResourceIsNamed() {
        assertThatThrownBy(() -> RecordsFile.read("no/such.json", ACCOUNT, getClass().getClassLoader()))
                .hasMessageContaining("no/such.json");
        assertThatThrownBy(() -> RecordsFile.read("classpath:no/such.json", ACCOUNT, getClass().getClassLoader()))
                .hasMessageContaining("no/such.json");
    }
}
