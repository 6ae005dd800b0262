package io.sipmap.adapter.http.client;

import static io.sipmap.adapter.http.client.StubServer.twilio;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.UpdateIpRecord;
import io.sipmap.api.UpdateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every operation against a stub answering with the example bodies of Twilio's API reference. */
@ExtendWith(VertxExtension.class)
class TwilioExamplesTest {

    static final AccountSid ACCOUNT = new AccountSid("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    static final IpRecordSid RECORD = new IpRecordSid("ILaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    static final SourceIpMappingSid MAPPING = new SourceIpMappingSid("IBaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    static final SipDomainSid DOMAIN = new SipDomainSid("SDaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    static final SipDomainSid OTHER_DOMAIN = new SipDomainSid("SDbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

    private StubServer stub;
    private SipmapClient client;

    @AfterEach
    void close() throws Exception {
        client.close();
        stub.close();
    }

    private void serve(Vertx vertx, Consumer<Router> routes) throws Exception {
        stub = StubServer.start(vertx, routes);
        client = SipmapClient.builder().baseUrl(stub.baseUrl()).accountCredentials(ACCOUNT, "auth-token")
                .vertx(vertx).build();
    }

    private static Consumer<Router> answer(HttpMethod method, String path, int status, String body) {
        return router -> router.route(method, path).handler(ctx -> ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json").end(body));
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, SECONDS);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            fields.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return fields;
    }

    private void assertExampleRecord(IpRecord record) {
        assertThat(record.accountSid()).isEqualTo(ACCOUNT);
        assertThat(record.sid()).isEqualTo(RECORD);
        assertThat(record.friendlyName()).isEqualTo("friendly_name");
        assertThat(record.ipAddress()).isEqualTo(Ipv4Address.parse("10.2.3.4"));
        assertThat(record.cidrPrefixLength()).isEqualTo(30);
        assertThat(record.dateCreated()).isEqualTo(Instant.parse("2020-03-18T23:31:36Z"));
        assertThat(record.dateUpdated()).isEqualTo(Instant.parse("2020-03-18T23:31:37Z"));
    }

    private void assertExampleMapping(SourceIpMapping mapping, SipDomainSid domain) {
        assertThat(mapping.accountSid()).isEqualTo(ACCOUNT);
        assertThat(mapping.sid()).isEqualTo(MAPPING);
        assertThat(mapping.ipRecordSid()).isEqualTo(RECORD);
        assertThat(mapping.sipDomainSid()).isEqualTo(domain);
        assertThat(mapping.dateCreated()).isEqualTo(Instant.parse("2020-03-18T23:31:36Z"));
        assertThat(mapping.dateUpdated()).isEqualTo(Instant.parse("2020-03-18T23:31:37Z"));
    }

    @Test
    void createsAnIpv6RecordSendingItsCanonicalTextAndReadsTheAnswer(Vertx vertx) throws Exception {
        String answer = new JsonObject(twilio("ip_record.json")).put("ip_address", "2001:db8::5")
                .put("cidr_prefix_length", 64).encode();
        serve(vertx, answer(HttpMethod.POST, "/v1/IpRecords", 201, answer));

        IpRecord record = await(client.ipRecords().create(ACCOUNT,
                CreateIpRecord.of("2001:DB8:0::5").withCidrPrefixLength(64)));

        assertThat(record.ipAddress().toString()).isEqualTo("2001:db8::5");
        assertThat(record.cidrPrefixLength()).isEqualTo(64);
        assertThat(record.sid()).isEqualTo(RECORD);
        assertThat(form(stub.requests().get(0).body())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "IpAddress", "2001:db8::5", "CidrPrefixLength", "64"));
    }

    @Test
    void createsIpRecordWithTwilioFormFieldsAndReadsTheExample(Vertx vertx) throws Exception {
        serve(vertx, answer(HttpMethod.POST, "/v1/IpRecords", 201, twilio("ip_record.json")));

        IpRecord record = await(client.ipRecords().create(ACCOUNT,
                CreateIpRecord.of("10.2.3.4").withFriendlyName("friendly name & more").withCidrPrefixLength(30)));

        assertExampleRecord(record);
        StubServer.Recorded request = stub.requests().get(0);
        assertThat(request.method()).isEqualTo(HttpMethod.POST);
        assertThat(request.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(form(request.body())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "IpAddress", "10.2.3.4", "FriendlyName", "friendly name & more", "CidrPrefixLength", "30"));
    }

    @Test
    void aCommandForPrefixLengthZeroSendsTheWholeAddress(Vertx vertx) throws Exception {
        serve(vertx, answer(HttpMethod.POST, "/v1/IpRecords", 201, twilio("ip_record.json")));

        await(client.ipRecords().create(ACCOUNT, CreateIpRecord.of("10.2.3.4").withCidrPrefixLength(0)));

        assertThat(form(stub.requests().get(0).body())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "IpAddress", "10.2.3.4", "CidrPrefixLength", "32"));
    }

    @Test
    void sendsBasicAuthenticationAndUserAgentOnEveryRequest(Vertx vertx) throws Exception {
        serve(vertx, answer(HttpMethod.GET, "/v1/IpRecords/:sid", 200, twilio("ip_record.json")));

        await(client.ipRecords().fetch(ACCOUNT, RECORD));

        StubServer.Recorded request = stub.requests().get(0);
        String expected = Base64.getEncoder().encodeToString(
                (ACCOUNT.value() + ":auth-token").getBytes(StandardCharsets.UTF_8));
        assertThat(request.header("Authorization")).isEqualTo("Basic " + expected);
        assertThat(request.headers().getAll("User-Agent")).hasSize(1);
        assertThat(request.header("User-Agent")).isEqualTo("sipmap-java/" + SipmapClient.version())
                .doesNotContain("unknown").doesNotContain("${");
    }

    @Test
    void fetchesIpRecord(Vertx vertx) throws Exception {
        serve(vertx, answer(HttpMethod.GET, "/v1/IpRecords/:sid", 200, twilio("ip_record.json")));

        assertExampleRecord(await(client.ipRecords().fetch(ACCOUNT, RECORD)));
        assertThat(stub.requests().get(0).path()).isEqualTo("/v1/IpRecords/" + RECORD.value());
    }

    @Test
    void listsIpRecordsFromTheExamplePage(Vertx vertx) throws Exception {
        serve(vertx, answer(HttpMethod.GET, "/v1/IpRecords", 200, twilio("ip_records_page.json")));

        Page<IpRecord> page = await(client.ipRecords().list(ACCOUNT, PageRequest.first()));

        assertThat(page.items()).hasSize(1);
        assertExampleRecord(page.items().get(0));
        assertThat(page.next()).isEmpty();
        assertThat(page.previous()).isEmpty();
        assertThat(stub.requests().get(0).query()).isEqualTo("PageSize=50");
    }

    @Test
    void listsAnEmptyPage(Vertx vertx) throws Exception {
        serve(vertx, answer(HttpMethod.GET, "/v1/IpRecords", 200, twilio("ip_records_empty_page.json")));

        Page<IpRecord> page = await(client.ipRecords().list(ACCOUNT, PageRequest.first(50)));

        assertThat(page.items()).isEmpty();
        assertThat(page.hasNext()).isFalse();
    }

    @Test
    void updatesIpRecordFriendlyName(Vertx vertx) throws Exception {
        serve(vertx, answer(HttpMethod.POST, "/v1/IpRecords/:sid", 200, twilio("ip_record.json")));

        assertExampleRecord(await(client.ipRecords().update(ACCOUNT, RECORD, new UpdateIpRecord("friendly_name"))));

        StubServer.Recorded request = stub.requests().get(0);
        assertThat(request.path()).isEqualTo("/v1/IpRecords/" + RECORD.value());
        assertThat(form(request.body())).containsExactlyEntriesOf(Map.of("FriendlyName", "friendly_name"));
    }

    @Test
    void deletesIpRecord(Vertx vertx) throws Exception {
        serve(vertx, router -> router.delete("/v1/IpRecords/:sid").handler(ctx -> ctx.response().setStatusCode(204).end()));

        assertThat(await(client.ipRecords().delete(ACCOUNT, RECORD))).isNull();
        assertThat(stub.requests().get(0).method()).isEqualTo(HttpMethod.DELETE);
        assertThat(stub.requests().get(0).path()).isEqualTo("/v1/IpRecords/" + RECORD.value());
    }

    @Test
    void createsSourceIpMappingWithTwilioFormFields(Vertx vertx) throws Exception {
        serve(vertx, answer(HttpMethod.POST, "/v1/SourceIpMappings", 201, twilio("source_ip_mapping.json")));

        SourceIpMapping mapping = await(client.sourceIpMappings().create(ACCOUNT,
                new CreateSourceIpMapping(RECORD, DOMAIN)));

        assertExampleMapping(mapping, DOMAIN);
        assertThat(form(stub.requests().get(0).body())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "IpRecordSid", RECORD.value(), "SipDomainSid", DOMAIN.value()));
    }

    @Test
    void fetchesSourceIpMapping(Vertx vertx) throws Exception {
        serve(vertx, answer(HttpMethod.GET, "/v1/SourceIpMappings/:sid", 200, twilio("source_ip_mapping.json")));

        assertExampleMapping(await(client.sourceIpMappings().fetch(ACCOUNT, MAPPING)), DOMAIN);
        assertThat(stub.requests().get(0).path()).isEqualTo("/v1/SourceIpMappings/" + MAPPING.value());
    }

    @Test
    void listsSourceIpMappingsFromTheExamplePage(Vertx vertx) throws Exception {
        serve(vertx, answer(HttpMethod.GET, "/v1/SourceIpMappings", 200, twilio("source_ip_mappings_page.json")));

        Page<SourceIpMapping> page = await(client.sourceIpMappings().list(ACCOUNT, PageRequest.first(20)));

        assertThat(page.items()).hasSize(1);
        assertExampleMapping(page.items().get(0), DOMAIN);
        assertThat(page.hasNext()).isFalse();
        assertThat(stub.requests().get(0).query()).isEqualTo("PageSize=20");
    }

    @Test
    void updatesSourceIpMappingDomain(Vertx vertx) throws Exception {
        serve(vertx, answer(HttpMethod.POST, "/v1/SourceIpMappings/:sid", 200,
                twilio("source_ip_mapping_updated.json")));

        SourceIpMapping mapping = await(client.sourceIpMappings().update(ACCOUNT, MAPPING,
                new UpdateSourceIpMapping(OTHER_DOMAIN)));

        assertExampleMapping(mapping, OTHER_DOMAIN);
        assertThat(form(stub.requests().get(0).body())).containsExactlyEntriesOf(Map.of(
                "SipDomainSid", OTHER_DOMAIN.value()));
    }

    @Test
    void deletesSourceIpMapping(Vertx vertx) throws Exception {
        serve(vertx, router -> router.delete("/v1/SourceIpMappings/:sid")
                .handler(ctx -> ctx.response().setStatusCode(204).end()));

        assertThat(await(client.sourceIpMappings().delete(ACCOUNT, MAPPING))).isNull();
        assertThat(stub.requests().get(0).path()).isEqualTo("/v1/SourceIpMappings/" + MAPPING.value());
    }
}
