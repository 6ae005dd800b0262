package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SourceIpMappingsHttpTest extends ServerTestBase {

    static final String DOMAIN = "SD" + "1".repeat(32);
    static final String OTHER_DOMAIN = "SD" + "2".repeat(32);

    @BeforeEach
    void twoRecords() {
        post("/v1/IpRecords", "IpAddress", "192.0.2.1");
        post("/v1/IpRecords", "IpAddress", "192.0.2.2");
    }

    private String mappingJson(long n, long record, String domain, String updated) {
        return "{\"sid\":\"IB" + hex(n) + "\",\"ip_record_sid\":\"IL" + hex(record) + "\",\"sip_domain_sid\":\""
                + domain + "\",\"date_created\":\"2020-03-18T23:31:36Z\",\"date_updated\":\"" + updated
                + "\",\"url\":\"" + base + "/v1/SourceIpMappings/IB" + hex(n) + "\"}";
    }

    @Test
    void createsMappingWith201AndExactJson() {
        HttpResponse<Buffer> response = post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(1),
                "SipDomainSid", DOMAIN);

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(response.bodyAsString()).isEqualTo(mappingJson(3, 1, DOMAIN, "2020-03-18T23:31:36Z"));
    }

    @Test
    void emitsLowerCaseSidsWhateverCaseCameIn() {
        JsonObject body = json(post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(1),
                "SipDomainSid", "SD" + "ABCDEF".repeat(5) + "AB"));

        assertThat(body.getString("sip_domain_sid")).isEqualTo("SD" + "abcdef".repeat(5) + "ab");
    }

    @Test
    void fetchesMapping() {
        post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(1), "SipDomainSid", DOMAIN);

        HttpResponse<Buffer> response = get("/v1/SourceIpMappings/IB" + hex(3));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(response.bodyAsString()).isEqualTo(mappingJson(3, 1, DOMAIN, "2020-03-18T23:31:36Z"));
    }

    @Test
    void updatesSipDomain() {
        post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(1), "SipDomainSid", DOMAIN);

        HttpResponse<Buffer> response = post("/v1/SourceIpMappings/IB" + hex(3), "SipDomainSid", OTHER_DOMAIN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsString()).isEqualTo(mappingJson(3, 1, OTHER_DOMAIN, "2020-03-19T01:02:03Z"));
    }

    @Test
    void deletesMappingWith204AndFreesItsRecord() {
        post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(1), "SipDomainSid", DOMAIN);

        HttpResponse<Buffer> response = delete("/v1/SourceIpMappings/IB" + hex(3));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body() == null || response.body().length() == 0).isTrue();
        assertThat(delete("/v1/IpRecords/IL" + hex(1)).statusCode()).isEqualTo(204);
    }

    @Test
    void aListPagesBufferGoesBackToThePoolOnceWritten() {
        for (int i = 0; i < 200; i++) { // pages of about 60 KB
            post("/v1/IpRecords", "IpAddress", "198.51.100." + i);
            post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(3 + 2 * i), "SipDomainSid", DOMAIN);
        }
        var metric = ((io.netty.buffer.ByteBufAllocatorMetricProvider) io.netty.buffer.ByteBufAllocator.DEFAULT).metric();
        String page = get("/v1/SourceIpMappings?PageSize=1000").bodyAsString();
        long before = metric.usedDirectMemory();
        // 64 MiB of pages: had one stayed unreleased, the pool would have grown by about that much
        int requests = (int) (64L * 1024 * 1024 / page.length());
        for (int i = 0; i < requests; i++) {
            HttpResponse<Buffer> response = get("/v1/SourceIpMappings?PageSize=1000");
            assertThat(response.bodyAsString()).isEqualTo(page);
        }
        assertThat(metric.usedDirectMemory() - before).as("direct memory held after %d pages", requests)
                .isLessThan(16L * 1024 * 1024);
    }

    @Test
    void listsMappingsWithEveryMetaKey() {
        post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(1), "SipDomainSid", DOMAIN);
        post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(2), "SipDomainSid", DOMAIN);

        JsonObject first = json(get("/v1/SourceIpMappings?PageSize=1"));
        JsonObject second = json(get("/v1/SourceIpMappings?PageSize=1&Page=1&PageToken=PAIB" + hex(3)));

        assertThat(keys(first)).containsExactly("source_ip_mappings", "meta");
        assertThat(first.getJsonArray("source_ip_mappings").getJsonObject(0).encode())
                .isEqualTo(mappingJson(3, 1, DOMAIN, "2020-03-18T23:31:36Z"));
        assertThat(first.getJsonObject("meta")).isEqualTo(new JsonObject()
                .put("page", 0)
                .put("page_size", 1)
                .put("key", "source_ip_mappings")
                .put("url", base + "/v1/SourceIpMappings?PageSize=1&Page=0")
                .put("first_page_url", base + "/v1/SourceIpMappings?PageSize=1&Page=0")
                .put("previous_page_url", null)
                .put("next_page_url", base + "/v1/SourceIpMappings?PageSize=1&Page=1&PageToken=PAIB" + hex(3)));
        assertThat(second.getJsonObject("meta")).isEqualTo(new JsonObject()
                .put("page", 1)
                .put("page_size", 1)
                .put("key", "source_ip_mappings")
                .put("url", base + "/v1/SourceIpMappings?PageSize=1&Page=1&PageToken=PAIB" + hex(3))
                .put("first_page_url", base + "/v1/SourceIpMappings?PageSize=1&Page=0")
                .put("previous_page_url", base + "/v1/SourceIpMappings?PageSize=1&Page=0&PageToken=PBIB" + hex(4))
                .put("next_page_url", null));
    }

    @Test
    void acceptsTokenSidInUpperCaseAndEchoesItCanonical() {
        post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(1), "SipDomainSid", DOMAIN);

        JsonObject meta = json(get("/v1/SourceIpMappings?PageToken=PAIB" + "0".repeat(32))).getJsonObject("meta");

        assertThat(meta.getString("url")).endsWith("PageToken=PAIB" + "0".repeat(32));
        JsonObject upper = json(get("/v1/SourceIpMappings?PageToken=PBIB" + "F".repeat(32)));
        assertThat(upper.getJsonObject("meta").getString("url")).endsWith("PageToken=PBIB" + "f".repeat(32));
        assertThat(upper.getJsonArray("source_ip_mappings")).hasSize(1);
    }
}
