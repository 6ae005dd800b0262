package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.api.Batch;
import io.sipmap.api.BatchChange;
import io.sipmap.api.BatchChange.CreateIpRecordChange;
import io.sipmap.api.BatchChange.CreateSourceIpMappingChange;
import io.sipmap.api.BatchChange.DeleteIpRecordChange;
import io.sipmap.api.Batches;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.ChangeFeed;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code POST /sipmap/v1/Batches}: the request read, every bad change reported, the answer's exact JSON. */
class BatchesHttpTest extends ServerTestBase {

    private static final Instant CREATED = Instant.parse("2020-03-18T23:31:36Z");
    private static final String DOMAIN = "SD" + "d".repeat(32);
    private static final String RECORD = "IL" + "1".repeat(32);

    /** What the fake was asked last, and whether as a dry run. */
    private final AtomicReference<Batch> asked = new AtomicReference<>();
    private final AtomicReference<Boolean> dryRun = new AtomicReference<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    /** Answers each change with a resource made up from it, numbered by position. */
    private final Batches batches = new Batches() {
        @Override
        public CompletionStage<List<Object>> apply(AccountSid account, Batch batch) {
            return answer(account, batch, false);
        }

        @Override
        public CompletionStage<List<Object>> check(AccountSid account, Batch batch) {
            return answer(account, batch, true);
        }

        private CompletionStage<List<Object>> answer(AccountSid account, Batch batch, boolean dry) {
            asked.set(batch);
            dryRun.set(dry);
            if (failure.get() != null) {
                return CompletableFuture.failedStage(failure.get());
            }
            List<Object> results = new ArrayList<>();
            int i = 0;
            for (BatchChange change : batch.changes()) {
                String hex = String.format("%032x", ++i);
                if (change instanceof CreateIpRecordChange create) {
                    results.add(new IpRecord(account, IpRecordSid.ofHex(hex), create.command().friendlyName(),
                            create.command().ipAddress(), create.command().cidrPrefixLength(), CREATED, CREATED));
                } else if (change instanceof CreateSourceIpMappingChange create) {
                    results.add(new SourceIpMapping(account, SourceIpMappingSid.ofHex(hex),
                            create.ipRecordSid() == null ? IpRecordSid.ofHex(String.format("%032x", 1))
                                    : create.ipRecordSid(), create.sipDomainSid(), CREATED, CREATED));
                } else {
                    results.add(new IpRecord(account, ((DeleteIpRecordChange) change).sid(), null,
                            io.sipmap.domain.Ipv4Address.parse("192.0.2.9"), 32, CREATED, CREATED));
                }
            }
            return CompletableFuture.completedStage(results);
        }
    };

    @Override
    Router router() {
        return SipmapRouter.create(vertx, api.sourceIpMappings, api.ipRecords, null, (ChangeFeed) null, batches,
                options());
    }

    private io.vertx.ext.web.client.HttpResponse<Buffer> postJson(String uri, String body) {
        return await(authed(HttpMethod.POST, uri).putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)));
    }

    @Test
    void appliesABatchAndAnswersEachResultInOrder() {
        var response = postJson("/sipmap/v1/Batches", """
                {"changes": [
                  {"op": "create_ip_record", "ref": "r1", "ip_address": "198.51.100.0", "cidr_prefix_length": 24,
                   "friendly_name": "edge \\"a\\" \\u00e9"},
                  {"op": "create_source_ip_mapping", "ip_record": "r1", "sip_domain_sid": "%s"},
                  {"op": "delete_ip_record", "sid": "%s"}]}""".formatted(DOMAIN, RECORD));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(dryRun.get()).isFalse();
        assertThat(asked.get().changes().get(1)).isEqualTo(new CreateSourceIpMappingChange(null, "r1",
                new io.sipmap.domain.SipDomainSid(DOMAIN)));
        String url = base;
        JsonObject expected = new JsonObject().put("dry_run", false).put("changes", new JsonArray()
                .add(new JsonObject().put("op", "create_ip_record").put("ref", "r1").put("ip_record", new JsonObject()
                        .put("account_sid", ACCOUNT.value()).put("sid", "IL" + "0".repeat(31) + "1")
                        .put("friendly_name", "edge \"a\" é").put("ip_address", "198.51.100.0")
                        .put("cidr_prefix_length", 24).put("date_created", "2020-03-18T23:31:36Z")
                        .put("date_updated", "2020-03-18T23:31:36Z")
                        .put("url", url + "/v1/IpRecords/IL" + "0".repeat(31) + "1")))
                .add(new JsonObject().put("op", "create_source_ip_mapping").put("source_ip_mapping", new JsonObject()
                        .put("sid", "IB" + "0".repeat(31) + "2").put("ip_record_sid", "IL" + "0".repeat(31) + "1")
                        .put("sip_domain_sid", DOMAIN).put("date_created", "2020-03-18T23:31:36Z")
                        .put("date_updated", "2020-03-18T23:31:36Z")
                        .put("url", url + "/v1/SourceIpMappings/IB" + "0".repeat(31) + "2")))
                .add(new JsonObject().put("op", "delete_ip_record").put("ip_record", new JsonObject()
                        .put("account_sid", ACCOUNT.value()).put("sid", RECORD).putNull("friendly_name")
                        .put("ip_address", "192.0.2.9").put("cidr_prefix_length", 32)
                        .put("date_created", "2020-03-18T23:31:36Z").put("date_updated", "2020-03-18T23:31:36Z")
                        .put("url", url + "/v1/IpRecords/" + RECORD))));
        assertThat(response.bodyAsString()).isEqualTo(expected.encode());
    }

    @Test
    void aDryRunAsksTheApiToCheckOnly() {
        var response = postJson("/sipmap/v1/Batches?DryRun=true",
                "{\"changes\":[{\"op\":\"create_ip_record\",\"ip_address\":\"192.0.2.1\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(dryRun.get()).isTrue();
        assertThat(json(response).getBoolean("dry_run")).isTrue();
        assertThat(postJson("/sipmap/v1/Batches?DryRun=maybe", "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void reportsEveryInvalidChangeByItsIndexAndAppliesNothing() {
        var response = postJson("/sipmap/v1/Batches", """
                {"changes": [
                  {"op": "create_ip_record", "ref": "a", "ip_address": "192.0.2.1"},
                  {"op": "create_ip_record", "ip_address": "192.0.2.300"},
                  {"op": "create_ip_record", "ip_address": "192.0.2.3", "cidr_prefix_length": 33},
                  {"op": "create_source_ip_mapping", "ip_record": "nope", "sip_domain_sid": "%s"},
                  {"op": "update_source_ip_mapping", "sid": "IBxyz", "sip_domain_sid": "%s"},
                  {"op": "rename"},
                  {"op": "delete_ip_record", "sid": "%s", "extra": 1},
                  {"op": "create_source_ip_mapping", "ip_record": "a", "sip_domain_sid": "%s"}]}"""
                .formatted(DOMAIN, DOMAIN, RECORD, DOMAIN));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(asked.get()).isNull();
        JsonObject body = json(response);
        assertThat(body.fieldNames()).containsExactly("code", "message", "more_info", "status", "errors");
        assertThat(body.getInteger("code")).isEqualTo(20001);
        assertThat(body.getInteger("status")).isEqualTo(400);
        assertThat(body.getString("message")).isEqualTo("Invalid batch: 6 of 8 changes refused; nothing was applied");
        JsonArray errors = body.getJsonArray("errors");
        assertThat(errors.stream().map(e -> ((JsonObject) e).getInteger("index"))).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(errors.getJsonObject(0).getInteger("code")).isEqualTo(20001);
        assertThat(errors.getJsonObject(0).getString("message")).contains("ip_address");
        assertThat(errors.getJsonObject(1).getString("message")).contains("cidr_prefix_length").contains("got 33");
        assertThat(errors.getJsonObject(2).getString("message")).contains("'nope'");
        assertThat(errors.getJsonObject(5).getString("message")).contains("'extra'");
    }

    @Test
    void aConflictAtApplyTimeIsA409NamingItsIndex() {
        failure.set(new SipmapException.BatchRefused("Batch refused: change 1 failed", List.of(
                new SipmapException.BatchRefused.Failure(1, new SipmapException.Conflict("IP record is mapped")))));

        var response = postJson("/sipmap/v1/Batches", "{\"changes\":[{\"op\":\"create_ip_record\","
                + "\"ip_address\":\"192.0.2.1\"},{\"op\":\"delete_ip_record\",\"sid\":\"" + RECORD + "\"}]}");

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.bodyAsString()).isEqualTo(new JsonObject().put("code", 20409)
                .put("message", "Batch refused: change 1 failed")
                .put("more_info", "https://www.twilio.com/docs/errors/20409").put("status", 409)
                .put("errors", new JsonArray().add(new JsonObject().put("index", 1).put("code", 20409)
                        .put("message", "IP record is mapped"))).encode());
    }

    @Test
    void aBodyThatIsNoBatchIsA400NeverA500() {
        for (String body : List.of("", "not json", "[]", "{\"changes\":[]}", "{\"changes\":{}}", "{\"changes\":[1]}",
                "{\"changes\":[{}]}", "{\"changes\":[{\"op\":1}]}", "[".repeat(100), "{\"a\":1,\"a\":2}",
                "{\"changes\":[{\"op\":\"create_ip_record\",\"ip_address\":\"192.0.2.1\"}]} x")) {
            var response = postJson("/sipmap/v1/Batches", body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(json(response).getInteger("code")).isEqualTo(20001);
        }
        assertThat(asked.get()).isNull();
    }

    @Test
    void takesALargerBodyThanTwilioRoutesButNotWithoutLimit() {
        StringBuilder body = new StringBuilder("{\"changes\":[");
        for (int i = 0; i < Batch.MAX_CHANGES; i++) {
            body.append(i == 0 ? "" : ",").append("{\"op\":\"create_ip_record\",\"ref\":\"r").append(i)
                    .append("\",\"ip_address\":\"10.").append(i >> 8 & 255).append('.').append(i & 255)
                    .append(".0\",\"cidr_prefix_length\":24,\"friendly_name\":\"carrier list entry\"}");
        }
        var response = postJson("/sipmap/v1/Batches", body.append("]}").toString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(asked.get().changes()).hasSize(Batch.MAX_CHANGES);

        var tooLarge = postJson("/sipmap/v1/Batches", "{\"changes\":[\"" + "x".repeat((int) BatchRoutes.BODY_LIMIT)
                + "\"]}");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        var tooMany = postJson("/sipmap/v1/Batches", body.toString().replace("]}",
                ",{\"op\":\"delete_ip_record\",\"sid\":\"" + RECORD + "\"}]}"));
        assertThat(json(tooMany).getString("message")).contains("expected 1 to 20000 changes, got 20001");
    }

    @Test
    void otherMethodsAreNotAllowed() {
        var response = get("/sipmap/v1/Batches");
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.getHeader("Allow")).isEqualTo("POST");
    }

    @Test
    void plansAListAgainstWhatTheAccountHoldsAndWritesNothing() throws Exception {
        IpRecord old = api.ipRecords.create(ACCOUNT, CreateIpRecord.of("192.0.2.200").withFriendlyName("a old"))
                .toCompletableFuture().get();
        api.ipRecords.create(ACCOUNT, CreateIpRecord.of("10.0.0.1").withFriendlyName("b other"))
                .toCompletableFuture().get();

        var response = await(authed(HttpMethod.POST, "/sipmap/v1/Plans?FriendlyNamePrefix=a")
                .putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(
                        "ip_address,cidr_prefix_length,sip_domain_sid,friendly_name\n198.51.100.0,24," + DOMAIN
                                + ",a edge\n")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsString()).isEqualTo(new JsonObject()
                .put("summary", "1 to create, 0 to map, 0 to re-map, 0 to rename, 1 to remove, 0 unchanged")
                .put("counts", new JsonObject().put("create", 1).put("map", 0).put("remap", 0).put("rename", 0)
                        .put("remove", 1).put("keep", 0))
                .put("steps", new JsonArray()
                        .add(new JsonObject().put("action", "remove").put("network", "192.0.2.200/32")
                                .put("detail", old.sid() + " (unmapped) \"a old\""))
                        .add(new JsonObject().put("action", "create").put("network", "198.51.100.0/24")
                                .put("detail", "-> " + DOMAIN + " \"a edge\"")))
                .put("changes", new JsonArray()
                        .add(new JsonObject().put("op", "delete_ip_record").put("sid", old.sid().value()))
                        .add(new JsonObject().put("op", "create_ip_record").put("ref", "r0")
                                .put("ip_address", "198.51.100.0").put("cidr_prefix_length", 24)
                                .put("friendly_name", "a edge"))
                        .add(new JsonObject().put("op", "create_source_ip_mapping").put("ip_record", "r0")
                                .put("sip_domain_sid", DOMAIN))).encode());
        assertThat(asked.get()).isNull();
    }

    @Test
    void aListWithErrorsIsA400NamingEachLine() {
        var response = await(authed(HttpMethod.POST, "/sipmap/v1/Plans").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("[{\"ip_address\":\"192.0.2.300\",\"sip_domain_sid\":\"" + DOMAIN
                        + "\"},{\"ip_address\":\"192.0.2.1\",\"sip_domain_sid\":\"SDx\"}]")));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).getString("message")).isEqualTo("Invalid list: item 1: bad ip_address"
                + " '192.0.2.300'; item 2: bad sip_domain_sid 'SDx'");
    }
}
