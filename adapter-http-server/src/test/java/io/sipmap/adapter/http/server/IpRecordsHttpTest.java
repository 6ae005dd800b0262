package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

class IpRecordsHttpTest extends ServerTestBase {

    private String recordJson(long n, String friendlyName, String ip, int prefix, String updated) {
        return "{\"account_sid\":\"" + ACCOUNT.value() + "\",\"sid\":\"IL" + hex(n) + "\",\"friendly_name\":"
                + (friendlyName == null ? "null" : "\"" + friendlyName + "\"") + ",\"ip_address\":\"" + ip
                + "\",\"cidr_prefix_length\":" + prefix + ",\"date_created\":\"2020-03-18T23:31:36Z\","
                + "\"date_updated\":\"" + updated + "\",\"url\":\"" + base + "/v1/IpRecords/IL" + hex(n) + "\"}";
    }

    @Test
    void createsRecordWith201AndExactJson() {
        HttpResponse<Buffer> response = post("/v1/IpRecords",
                "IpAddress", "192.0.2.10", "FriendlyName", "office", "CidrPrefixLength", "24");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(response.bodyAsString())
                .isEqualTo(recordJson(1, "office", "192.0.2.10", 24, "2020-03-18T23:31:36Z"));
    }

    @Test
    void createsRecordWithDefaultsAsNullFriendlyNameAndPrefix32() {
        JsonObject body = json(post("/v1/IpRecords", "IpAddress", "198.51.100.7"));

        assertThat(keys(body)).containsExactly("account_sid", "sid", "friendly_name", "ip_address",
                "cidr_prefix_length", "date_created", "date_updated", "url");
        assertThat(body.containsKey("friendly_name")).isTrue();
        assertThat(body.getValue("friendly_name")).isNull();
        assertThat(body.getInteger("cidr_prefix_length")).isEqualTo(32);
        assertThat(body.containsKey("uri")).isFalse();
    }

    @Test
    void keepsHostBitsAsGiven() {
        JsonObject body = json(post("/v1/IpRecords", "IpAddress", "192.168.0.5", "CidrPrefixLength", "24"));

        assertThat(body.getString("ip_address")).isEqualTo("192.168.0.5");
        assertThat(body.getInteger("cidr_prefix_length")).isEqualTo(24);
    }

    @Test
    void prefixLengthZeroIsTheWholeAddressAndReadsBack32() {
        JsonObject created = json(post("/v1/IpRecords", "IpAddress", "192.168.0.5", "CidrPrefixLength", "0"));

        assertThat(created.getInteger("cidr_prefix_length")).isEqualTo(32);
        assertThat(json(get("/v1/IpRecords/" + created.getString("sid"))).getInteger("cidr_prefix_length"))
                .isEqualTo(32);
    }

    @Test
    void fetchesRecordBySidInEitherCase() {
        post("/v1/IpRecords", "IpAddress", "192.0.2.10", "FriendlyName", "office");

        HttpResponse<Buffer> lower = get("/v1/IpRecords/IL" + hex(1));
        HttpResponse<Buffer> upper = get("/v1/IpRecords/IL" + hex(1).toUpperCase().replace("0", "0"));

        assertThat(lower.statusCode()).isEqualTo(200);
        assertThat(lower.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(lower.bodyAsString()).isEqualTo(recordJson(1, "office", "192.0.2.10", 32, "2020-03-18T23:31:36Z"));
        assertThat(upper.bodyAsString()).isEqualTo(lower.bodyAsString());
    }

    @Test
    void updatesFriendlyName() {
        post("/v1/IpRecords", "IpAddress", "192.0.2.10");

        HttpResponse<Buffer> response = post("/v1/IpRecords/IL" + hex(1), "FriendlyName", "renamed é");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject(
                recordJson(1, "renamed é", "192.0.2.10", 32, "2020-03-19T01:02:03Z")));
    }

    @Test
    void deletesWith204AndEmptyBody() {
        post("/v1/IpRecords", "IpAddress", "192.0.2.10");

        HttpResponse<Buffer> response = delete("/v1/IpRecords/IL" + hex(1));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body() == null || response.body().length() == 0).isTrue();
        assertThat(get("/v1/IpRecords/IL" + hex(1)).statusCode()).isEqualTo(404);
    }

    @Test
    void deletesWithoutContentTypeToo() {
        post("/v1/IpRecords", "IpAddress", "192.0.2.10");

        assertThat(send(authed(HttpMethod.DELETE, "/v1/IpRecords/IL" + hex(1))).statusCode()).isEqualTo(204);
    }

    @Test
    void listsFirstPageWithEveryMetaKey() {
        for (int i = 1; i <= 3; i++) {
            post("/v1/IpRecords", "IpAddress", "192.0.2." + i);
        }

        HttpResponse<Buffer> response = get("/v1/IpRecords?PageSize=2");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject body = json(response);
        assertThat(keys(body)).containsExactly("ip_records", "meta");
        JsonArray items = body.getJsonArray("ip_records");
        assertThat(items).hasSize(2);
        assertThat(items.getJsonObject(0).encode()).isEqualTo(recordJson(1, null, "192.0.2.1", 32,
                "2020-03-18T23:31:36Z"));
        JsonObject meta = body.getJsonObject("meta");
        assertThat(keys(meta)).containsExactly("page", "page_size", "key", "url", "first_page_url",
                "previous_page_url", "next_page_url");
        assertThat(meta).isEqualTo(new JsonObject()
                .put("page", 0)
                .put("page_size", 2)
                .put("key", "ip_records")
                .put("url", base + "/v1/IpRecords?PageSize=2&Page=0")
                .put("first_page_url", base + "/v1/IpRecords?PageSize=2&Page=0")
                .put("previous_page_url", null)
                .put("next_page_url", base + "/v1/IpRecords?PageSize=2&Page=1&PageToken=PAIL" + hex(2)));
        assertThat(meta.containsKey("previous_page_url")).isTrue();
    }

    @Test
    void followsNextAndPreviousTokens() {
        for (int i = 1; i <= 3; i++) {
            post("/v1/IpRecords", "IpAddress", "192.0.2." + i);
        }

        JsonObject last = json(get("/v1/IpRecords?PageSize=2&Page=1&PageToken=PAIL" + hex(2)));

        assertThat(last.getJsonArray("ip_records")).hasSize(1);
        assertThat(last.getJsonArray("ip_records").getJsonObject(0).getString("sid")).isEqualTo("IL" + hex(3));
        JsonObject meta = last.getJsonObject("meta");
        assertThat(meta.getInteger("page")).isEqualTo(1);
        assertThat(meta.getString("url")).isEqualTo(base + "/v1/IpRecords?PageSize=2&Page=1&PageToken=PAIL" + hex(2));
        assertThat(meta.getValue("next_page_url")).isNull();
        assertThat(meta.getString("previous_page_url"))
                .isEqualTo(base + "/v1/IpRecords?PageSize=2&Page=0&PageToken=PBIL" + hex(3));

        JsonObject back = json(get("/v1/IpRecords?PageSize=2&Page=0&PageToken=PBIL" + hex(3)));
        assertThat(back.getJsonArray("ip_records").stream().map(o -> ((JsonObject) o).getString("sid")))
                .containsExactly("IL" + hex(1), "IL" + hex(2));
        assertThat(back.getJsonObject("meta").getValue("previous_page_url")).isNull();
    }

    @Test
    void defaultsToPageSize50AndHonoursBarePageAsOffset() {
        for (int i = 1; i <= 5; i++) {
            post("/v1/IpRecords", "IpAddress", "192.0.2." + i);
        }

        JsonObject all = json(get("/v1/IpRecords"));
        JsonObject third = json(get("/v1/IpRecords?PageSize=2&Page=2"));

        assertThat(all.getJsonObject("meta").getInteger("page_size")).isEqualTo(50);
        assertThat(all.getJsonObject("meta").getString("url")).isEqualTo(base + "/v1/IpRecords?PageSize=50&Page=0");
        assertThat(all.getJsonArray("ip_records")).hasSize(5);
        assertThat(third.getJsonArray("ip_records").getJsonObject(0).getString("sid")).isEqualTo("IL" + hex(5));
        assertThat(third.getJsonObject("meta").getInteger("page")).isEqualTo(2);
    }

    @Test
    void listsEmptyPageWithNullNeighbours() {
        JsonObject meta = json(get("/v1/IpRecords")).getJsonObject("meta");

        assertThat(meta.getValue("next_page_url")).isNull();
        assertThat(meta.getValue("previous_page_url")).isNull();
        assertThat(meta.containsKey("next_page_url")).isTrue();
    }

    @Test
    void answersJsonWhateverTheAcceptHeaderSays() {
        post("/v1/IpRecords", "IpAddress", "192.0.2.10");

        for (String accept : new String[] {"text/html", "application/xml", "*/*", "nonsense"}) {
            HttpResponse<Buffer> ok = send(authed(HttpMethod.GET, "/v1/IpRecords/IL" + hex(1)).putHeader("Accept", accept));
            HttpResponse<Buffer> missing = send(authed(HttpMethod.GET, "/v1/Nope").putHeader("Accept", accept));
            assertThat(json(ok).getString("sid")).isEqualTo("IL" + hex(1));
            assertThat(json(missing).getInteger("code")).isEqualTo(20404);
        }
    }

    @Test
    void tokenStaysValidAfterItsSidIsDeleted() {
        for (int i = 1; i <= 3; i++) {
            post("/v1/IpRecords", "IpAddress", "192.0.2." + i);
        }
        String next = json(get("/v1/IpRecords?PageSize=2")).getJsonObject("meta").getString("next_page_url");
        delete("/v1/IpRecords/IL" + hex(2));

        JsonObject page = json(get(next.substring(base.length())));

        assertThat(page.getJsonArray("ip_records")).hasSize(1);
        assertThat(page.getJsonArray("ip_records").getJsonObject(0).getString("sid")).isEqualTo("IL" + hex(3));
    }
}
