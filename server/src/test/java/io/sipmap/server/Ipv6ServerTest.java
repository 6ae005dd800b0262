package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.Calls;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * IPv6 source addresses through the runnable server over the in-memory store: resolve (longest prefix, nested
 * networks, the oldest record of a network, both spellings of an IPv4-mapped source), batches, the change feed and
 * both exports; and {@code --address-families ipv4} refusing IPv6 as Twilio refuses any invalid address.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Ipv6ServerTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "6a".repeat(16));
    private static final String TOKEN = "ipv6-test-token";
    private static final String EDGE = "SD" + "e1".repeat(16);
    private static final String CORE = "SD" + "c2".repeat(16);
    private static final String LAB = "SD" + "1b".repeat(16);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Calls calls = new Calls(ACCOUNT, TOKEN);
    private SipmapServer server;

    @BeforeEach
    void start() {
        server = SipmapServer.run(Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private JsonObject call(String method, String path, String form, int status) throws Exception {
        HttpResponse<String> answer = calls.call(method, server.baseUrl() + path, form);
        assertThat(answer.statusCode()).as(method + " " + path + " " + form + ": " + answer.body()).isEqualTo(status);
        return new JsonObject(answer.body());
    }

    /** Creates a record of {@code address/length} mapped to {@code domain}; its SID. */
    private String mapped(String address, int length, String domain) throws Exception {
        String sid = call("POST", "/v1/IpRecords", "IpAddress=" + encode(address) + "&CidrPrefixLength=" + length,
                201).getString("sid");
        call("POST", "/v1/SourceIpMappings", "IpRecordSid=" + sid + "&SipDomainSid=" + domain, 201);
        return sid;
    }

    private HttpResponse<String> resolve(String query) throws Exception {
        return calls.call("GET", server.baseUrl() + "/sipmap/v1/Resolve?IpAddress=" + query, null);
    }

    /** The SIP domain {@code address} resolves to, or null. */
    private String domainOf(String address) throws Exception {
        HttpResponse<String> answer = resolve(encode(address));
        assertThat(answer.statusCode()).as(address + ": " + answer.body()).isEqualTo(200);
        JsonObject resolution = new JsonObject(answer.body()).getJsonObject("resolution");
        return resolution == null ? null : resolution.getString("sip_domain_sid");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void resolvesIpv6ByLongestPrefixOverNestedNetworks() throws Exception {
        mapped("2001:db8::", 32, EDGE);
        mapped("2001:DB8:0:5::", 64, CORE);
        String lab = mapped("2001:db8:0:5::77", 128, LAB);

        assertThat(domainOf("2001:db8:ffff::1")).isEqualTo(EDGE);
        assertThat(domainOf("2001:db8:0:5:1:2:3:4")).isEqualTo(CORE);
        assertThat(domainOf("2001:db8:0:5::77")).isEqualTo(LAB);
        assertThat(domainOf("2001:0DB8:0000:0005:0000:0000:0000:0077")).isEqualTo(LAB);
        assertThat(domainOf("2001:db9::1")).isNull();
        assertThat(domainOf("::1")).isNull();

        assertThat(resolve(encode("2001:DB8:0:5:0:0:0:77")).body()).isEqualTo("{\"ip_address\":\"2001:db8:0:5::77\","
                + "\"resolution\":{\"sip_domain_sid\":\"" + LAB + "\",\"source_ip_mapping_sid\":\""
                + new JsonObject(resolve("2001:db8:0:5::77").body()).getJsonObject("resolution")
                        .getString("source_ip_mapping_sid")
                + "\",\"ip_record_sid\":\"" + lab + "\",\"ip_address\":\"2001:db8:0:5::77\",\"cidr_prefix_length\":128},"
                + "\"url\":\"" + server.baseUrl() + "/sipmap/v1/Resolve?IpAddress=2001%3Adb8%3A0%3A5%3A%3A77\"}");
    }

    @Test
    void theOldestRecordOfAnIpv6NetworkWinsWhateverItsHostBits() throws Exception {
        String oldest = mapped("2001:db8:aa::9", 48, EDGE);
        mapped("2001:db8:aa::", 48, CORE);

        JsonObject answer = new JsonObject(resolve(encode("2001:db8:aa:1::1")).body());
        assertThat(answer.getJsonObject("resolution").getString("ip_record_sid")).isEqualTo(oldest);
        assertThat(answer.getJsonObject("resolution").getString("sip_domain_sid")).isEqualTo(EDGE);
    }

    @Test
    void bothSpellingsOfAnIpv4MappedSourceResolveAlike() throws Exception {
        mapped("192.0.2.0", 24, EDGE);
        mapped("::", 1, CORE); // the IPv6 half that ::ffff:192.0.2.1 would fall in, were it IPv6

        HttpResponse<String> plain = resolve("192.0.2.1");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(plain.body()).getJsonObject("resolution").getString("sip_domain_sid"))
                .isEqualTo(EDGE);
        for (String mapped : new String[] {"::ffff:192.0.2.1", "%3A%3Affff%3A192.0.2.1", "::FFFF:c000:201",
                "0:0:0:0:0:ffff:192.0.2.1"}) {
            HttpResponse<String> answer = resolve(mapped);
            assertThat(answer.statusCode()).as(mapped).isEqualTo(200);
            assertThat(answer.body()).as(mapped).isEqualTo(plain.body());
        }
    }

    @Test
    void aRecordGivenTheIpv4MappedSpellingHoldsTheIpv4Address() throws Exception {
        JsonObject record = call("POST", "/v1/IpRecords", "IpAddress=" + encode("::ffff:198.51.100.7")
                + "&CidrPrefixLength=24", 201);

        assertThat(record.getString("ip_address")).isEqualTo("198.51.100.7");
        assertThat(record.getInteger("cidr_prefix_length")).isEqualTo(24);
        JsonObject tooLong = call("POST", "/v1/IpRecords", "IpAddress=" + encode("::ffff:198.51.100.7")
                + "&CidrPrefixLength=64", 400);
        assertThat(tooLong.getInteger("code")).isEqualTo(20001);
        assertThat(tooLong.getString("message")).contains("CidrPrefixLength", "0 to 32");
    }

    @Test
    void refusesAZoneIdSayingWhy() throws Exception {
        for (String query : new String[] {encode("fe80::1%eth0"), "fe80::1%25eth0"}) {
            HttpResponse<String> answer = resolve(query);
            assertThat(answer.statusCode()).as(query).isEqualTo(400);
            JsonObject error = new JsonObject(answer.body());
            assertThat(error.getInteger("code")).isEqualTo(20001);
            assertThat(error.getString("message")).contains("IpAddress").containsIgnoringCase("zone");
        }
        JsonObject create = call("POST", "/v1/IpRecords", "IpAddress=" + encode("fe80::1%eth0"), 400);
        assertThat(create.getString("message")).contains("IpAddress").containsIgnoringCase("zone");
        assertThat(call("GET", "/v1/IpRecords", null, 200).getJsonArray("ip_records")).isEmpty();
    }

    @Test
    void aBatchCreatesAndMapsIpv6RecordsInCanonicalForm() throws Exception {
        HttpResponse<String> answer = batch("""
                {"changes": [
                  {"op": "create_ip_record", "ref": "v6", "ip_address": "2001:DB8:0:0:1::", "cidr_prefix_length": 80},
                  {"op": "create_source_ip_mapping", "ip_record": "v6", "sip_domain_sid": "%s"},
                  {"op": "create_ip_record", "ref": "whole", "ip_address": "2001:db8::9"}]}""".formatted(EDGE));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonArray changes = new JsonObject(answer.body()).getJsonArray("changes");
        assertThat(changes.getJsonObject(0).getJsonObject("ip_record").getString("ip_address"))
                .isEqualTo("2001:db8:0:0:1::");
        assertThat(changes.getJsonObject(0).getJsonObject("ip_record").getInteger("cidr_prefix_length")).isEqualTo(80);
        assertThat(changes.getJsonObject(2).getJsonObject("ip_record").getInteger("cidr_prefix_length"))
                .isEqualTo(128);
        assertThat(domainOf("2001:db8::1:0:ab:cd")).isEqualTo(EDGE);

        HttpResponse<String> tooLong = batch("""
                {"changes": [{"op": "create_ip_record", "ip_address": "2001:db8::", "cidr_prefix_length": 129}]}""");
        assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(400);
        assertThat(tooLong.body()).contains("cidr_prefix_length");
        assertThat(call("GET", "/v1/IpRecords", null, 200).getJsonArray("ip_records")).hasSize(2);
    }

    private HttpResponse<String> batch(String body) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/sipmap/v1/Batches")).header("Authorization", authorization())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString((ACCOUNT.value() + ":" + TOKEN)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theChangeFeedCarriesTheIpv6RecordAndMapping() throws Exception {
        HttpResponse<InputStream> stream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .sendAsync(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/sipmap/v1/Changes"))
                        .header("Authorization", authorization()).build(), HttpResponse.BodyHandlers.ofInputStream())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String line;
                String event = null;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ") && event != null) {
                        events.add(event + " " + line.substring(6));
                    }
                }
            } catch (Exception e) {
                // closed
            }
        }, "ipv6-feed-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (server.changeSubscribers() != 1) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(10);
            }
            JsonObject record = call("POST", "/v1/IpRecords", "IpAddress=" + encode("2001:DB8:0:0:0:0:0:5")
                    + "&CidrPrefixLength=48", 201);
            JsonObject mapping = call("POST", "/v1/SourceIpMappings", "IpRecordSid=" + record.getString("sid")
                    + "&SipDomainSid=" + EDGE, 201);

            String created = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(created).startsWith("ip_record.created ");
            assertThat(new JsonObject(created.substring(created.indexOf(' ') + 1))).isEqualTo(record);
            assertThat(record.getString("ip_address")).isEqualTo("2001:db8::5");
            String mapped = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(mapped).startsWith("source_ip_mapping.created ");
            assertThat(new JsonObject(mapped.substring(mapped.indexOf(' ') + 1))).isEqualTo(mapping.copy()
                    .put("ip_record_address", "2001:db8::5").put("cidr_prefix_length", 48));
        } finally {
            stream.body().close();
        }
    }

    @Test
    void bothExportsListIpv6NetworksAfterTheIpv4OnesWhichAreUnchanged() throws Exception {
        String v4 = mapped("198.51.100.5", 24, CORE);
        String wide = mapped("2001:db8::5", 32, EDGE);
        String narrow = mapped("2001:db8:0:5::1", 64, LAB);
        mapped("2001:db8::", 32, LAB); // the same network as the older "wide": shadowed, in no address file

        HttpResponse<String> kamailio = calls.call("GET", server.baseUrl() + "/sipmap/v1/Exports/Kamailio?Group=7",
                null);
        assertThat(kamailio.statusCode()).isEqualTo(200);
        assertThat(kamailio.body()).isEqualTo("7 198.51.100.0 24 0 " + CORE + "\n"
                + "7 2001:db8:0:5:: 64 0 " + LAB + "\n"
                + "7 2001:db8:: 32 0 " + EDGE + "\n");

        JsonArray entries = call("GET", "/sipmap/v1/Exports/Addresses", null, 200).getJsonArray("entries");
        assertThat(entries).hasSize(4);
        JsonObject first = entries.getJsonObject(0);
        assertThat(first.getString("ip_address")).isEqualTo("198.51.100.0");
        assertThat(first.getString("ip_record_address")).isEqualTo("198.51.100.5");
        assertThat(first.getString("ip_record_sid")).isEqualTo(v4);
        JsonObject second = entries.getJsonObject(1);
        assertThat(second.fieldNames()).containsExactly("ip_address", "cidr_prefix_length", "ip_record_sid",
                "ip_record_address", "source_ip_mapping_sid", "sip_domain_sid");
        assertThat(second.getString("ip_address")).isEqualTo("2001:db8:0:5::");
        assertThat(second.getInteger("cidr_prefix_length")).isEqualTo(64);
        assertThat(second.getString("ip_record_address")).isEqualTo("2001:db8:0:5::1");
        assertThat(second.getString("ip_record_sid")).isEqualTo(narrow);
        assertThat(entries.getJsonObject(2).getString("ip_record_sid")).isEqualTo(wide);
        assertThat(entries.getJsonObject(2).getString("ip_record_address")).isEqualTo("2001:db8::5");
        assertThat(entries.getJsonObject(3).getString("ip_address")).isEqualTo("2001:db8::");
    }

    @Test
    void withIpv4OnlyTheServerRefusesIpv6AsAnyInvalidAddress() throws Exception {
        server.close();
        Settings settings = ServerCommand.parse(new String[] {"--address-families", "ipv4", "--store", "memory",
                "--port", "0", "--management-port", "-1"}, Map.of("TWILIO_ACCOUNT_SID", ACCOUNT.value(),
                "TWILIO_AUTH_TOKEN", TOKEN));
        assertThat(settings.http().addressFamilies()).isEqualTo(SipmapServerOptions.AddressFamilies.IPV4);
        server = SipmapServer.run(settings);

        HttpResponse<String> invalid = calls.call("POST", server.baseUrl() + "/v1/IpRecords", "IpAddress=1.2.3");
        for (String address : new String[] {"::1", "2001:db8::1", "::ffff:192.0.2.1"}) {
            HttpResponse<String> answer = calls.call("POST", server.baseUrl() + "/v1/IpRecords",
                    "IpAddress=" + encode(address));
            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).isEqualTo(invalid.body().replace("'1.2.3'", "'" + address + "'"));
        }
        assertThat(call("POST", "/v1/IpRecords", "IpAddress=192.0.2.1", 201).getString("ip_address"))
                .isEqualTo("192.0.2.1");
    }
}
