package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IPv6 IP records on the wire, sipmap's extension: canonical text out, prefix lengths 0..128, paging unchanged. */
class Ipv6IpRecordsHttpTest extends ServerTestBase {

    private String recordJson(long n, String ip, int prefix) {
        return "{\"account_sid\":\"" + ACCOUNT.value() + "\",\"sid\":\"IL" + hex(n) + "\",\"friendly_name\":null,"
                + "\"ip_address\":\"" + ip + "\",\"cidr_prefix_length\":" + prefix + ",\"date_created\":"
                + "\"2020-03-18T23:31:36Z\",\"date_updated\":\"2020-03-18T23:31:36Z\",\"url\":\"" + base
                + "/v1/IpRecords/IL" + hex(n) + "\"}";
    }

    @Test
    void createsAnIpv6RecordAnsweringTheCanonicalText() {
        HttpResponse<Buffer> response = post("/v1/IpRecords", "IpAddress", "2001:DB8::5", "CidrPrefixLength", "48");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(response.bodyAsString()).isEqualTo(recordJson(1, "2001:db8::5", 48));
    }

    @Test
    void readsEveryRfc4291FormAndAnswersRfc5952() {
        String[][] cases = {
                {"2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
                {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
                {"2001:db8::0:1", "2001:db8::1"},
                {"::", "::"},
                {"::1", "::1"},
                {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
                {"FE80::A:b:C:d", "fe80::a:b:c:d"},
                {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}};
        for (String[] c : cases) {
            JsonObject body = json(post("/v1/IpRecords", "IpAddress", c[0]));
            assertThat(body.getString("ip_address")).as(c[0]).isEqualTo(c[1]);
            assertThat(json(get("/v1/IpRecords/" + body.getString("sid"))).getString("ip_address")).isEqualTo(c[1]);
        }
    }

    @Test
    void anAbsentOrZeroPrefixLengthIsTheWholeAddress128() {
        assertThat(json(post("/v1/IpRecords", "IpAddress", "2001:db8::5")).getInteger("cidr_prefix_length"))
                .isEqualTo(128);
        JsonObject zero = json(post("/v1/IpRecords", "IpAddress", "2001:db8::6", "CidrPrefixLength", "0"));
        assertThat(zero.getInteger("cidr_prefix_length")).isEqualTo(128);
        assertThat(json(get("/v1/IpRecords/" + zero.getString("sid"))).getInteger("cidr_prefix_length"))
                .isEqualTo(128);
        assertThat(json(post("/v1/IpRecords", "IpAddress", "2001:db8::", "CidrPrefixLength", "128"))
                .getInteger("cidr_prefix_length")).isEqualTo(128);
        assertThat(json(post("/v1/IpRecords", "IpAddress", "::", "CidrPrefixLength", "1"))
                .getInteger("cidr_prefix_length")).isEqualTo(1);
    }

    @Test
    void refusesAPrefixLengthOver128NamingItsRange() {
        for (String length : new String[] {"129", "1000", "-1", "4a", ""}) {
            JsonObject body = assertError(post("/v1/IpRecords", "IpAddress", "2001:db8::5", "CidrPrefixLength", length),
                    400, 20001);
            assertThat(body.getString("message")).as(length).contains("CidrPrefixLength", "0 to 128");
        }
        assertThat(json(get("/v1/IpRecords")).getJsonArray("ip_records")).isEmpty();
    }

    @Test
    void refusesAZoneIdSayingWhy() {
        JsonObject body = assertError(post("/v1/IpRecords", "IpAddress", "fe80::1%eth0"), 400, 20001);

        assertThat(body.getString("message")).contains("IpAddress").containsIgnoringCase("zone");
        assertThat(json(get("/v1/IpRecords")).getJsonArray("ip_records")).isEmpty();
    }

    @Test
    void anIpv4MappedAddressIsTheIpv4AddressItNames() {
        JsonObject body = json(post("/v1/IpRecords", "IpAddress", "::ffff:192.0.2.1", "CidrPrefixLength", "24"));

        assertThat(body.getString("ip_address")).isEqualTo("192.0.2.1");
        assertThat(body.getInteger("cidr_prefix_length")).isEqualTo(24);
        assertThat(json(post("/v1/IpRecords", "IpAddress", "::FFFF:c000:202")).getInteger("cidr_prefix_length"))
                .isEqualTo(32);
        JsonObject tooLong = assertError(post("/v1/IpRecords", "IpAddress", "::ffff:192.0.2.1", "CidrPrefixLength",
                "33"), 400, 20001);
        assertThat(tooLong.getString("message")).contains("CidrPrefixLength", "0 to 32");
    }

    @Test
    void fetchesUpdatesAndDeletesAnIpv6Record() {
        String sid = json(post("/v1/IpRecords", "IpAddress", "2001:db8:a::", "CidrPrefixLength", "48"))
                .getString("sid");

        assertThat(get("/v1/IpRecords/" + sid).bodyAsString()).isEqualTo(recordJson(1, "2001:db8:a::", 48));
        JsonObject renamed = json(post("/v1/IpRecords/" + sid, "FriendlyName", "edge v6"));
        assertThat(renamed.getString("ip_address")).isEqualTo("2001:db8:a::");
        assertThat(renamed.getString("friendly_name")).isEqualTo("edge v6");
        assertThat(delete("/v1/IpRecords/" + sid).statusCode()).isEqualTo(204);
        assertError(get("/v1/IpRecords/" + sid), 404, 20404);
    }

    @Test
    void pagesMixedFamiliesInSidOrderAsBefore() {
        List<String> created = new ArrayList<>();
        String[] addresses = {"192.0.2.1", "2001:db8::1", "2001:db8::2", "198.51.100.1", "::1"};
        for (String address : addresses) {
            created.add(json(post("/v1/IpRecords", "IpAddress", address)).getString("sid"));
        }

        List<String> walked = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        String next = "/v1/IpRecords?PageSize=2";
        while (next != null) {
            JsonObject page = json(get(next));
            page.getJsonArray("ip_records").forEach(o -> {
                walked.add(((JsonObject) o).getString("sid"));
                texts.add(((JsonObject) o).getString("ip_address"));
            });
            String url = page.getJsonObject("meta").getString("next_page_url");
            next = url == null ? null : url.substring(base.length());
        }
        assertThat(walked).containsExactlyElementsOf(created);
        assertThat(texts).containsExactly(addresses);
        JsonObject second = json(get("/v1/IpRecords?PageSize=2&Page=1&PageToken=PA" + created.get(1)));
        assertThat(second.getJsonObject("meta").getString("next_page_url"))
                .isEqualTo(base + "/v1/IpRecords?PageSize=2&Page=2&PageToken=PA" + created.get(3));
    }
}
