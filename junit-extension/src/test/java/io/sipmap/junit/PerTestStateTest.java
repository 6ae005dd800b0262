package io.sipmap.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The default: every test starts with an empty account, whatever the tests before it wrote. */
@SipmapTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerTestStateTest {

    static String firstBaseUrl;

    @BeforeEach
    void eachTestStartsEmpty(SipmapServerInfo server) throws Exception {
        assertThat(Http.get(server, "/v1/IpRecords").body()).startsWith("{\"ip_records\":[]");
        assertThat(Http.get(server, "/v1/SourceIpMappings").body()).startsWith("{\"source_ip_mappings\":[]");
    }

    @Test
    @Order(1)
    void firstTestWritesARecordAndAMapping(SipmapServerInfo server) throws Exception {
        firstBaseUrl = server.baseUrl();
        String body = Http.post(server, "/v1/IpRecords", "IpAddress=192.0.2.1").body();
        String record = body.replaceAll(".*\"sid\":\"(IL[0-9a-f]{32})\".*", "$1");
        var mapped = Http.post(server, "/v1/SourceIpMappings",
                "IpRecordSid=" + record + "&SipDomainSid=SD" + "1".repeat(32));
        assertThat(mapped.statusCode()).isEqualTo(201);
    }

    @Test
    @Order(2)
    void secondTestSeesNoneOfItOnTheSameServer(SipmapServerInfo server) throws Exception {
        assertThat(server.baseUrl()).isEqualTo(firstBaseUrl);
        assertThat(Http.get(server, "/v1/IpRecords").body()).startsWith("{\"ip_records\":[]");
    }
}
