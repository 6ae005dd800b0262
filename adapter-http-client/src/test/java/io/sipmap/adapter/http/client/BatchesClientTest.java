package io.sipmap.adapter.http.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.api.Batch;
import io.sipmap.api.BatchChange.CreateIpRecordChange;
import io.sipmap.api.BatchChange.CreateSourceIpMappingChange;
import io.sipmap.api.BatchChange.DeleteIpRecordChange;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The batch extension against a stub answering as the sipmap server does. */
@ExtendWith(VertxExtension.class)
class BatchesClientTest {

    static final AccountSid ACCOUNT = new AccountSid("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    static final String DOMAIN = "SD" + "d".repeat(32);
    static final String RECORD = "IL" + "c".repeat(32);
    static final String RECORD_JSON = "{\"account_sid\":\"" + ACCOUNT.value() + "\",\"sid\":\"" + RECORD
            + "\",\"friendly_name\":\"a\",\"ip_address\":\"192.0.2.0\",\"cidr_prefix_length\":24,"
            + "\"date_created\":\"2020-03-18T23:31:36Z\",\"date_updated\":\"2020-03-18T23:31:36Z\",\"url\":\"x\"}";

    private StubServer stub;
    private SipmapClient client;

    @AfterEach
    void close() throws Exception {
        client.close();
        stub.close();
    }

    private void serve(Vertx vertx, int status, String body) throws Exception {
        stub = StubServer.start(vertx, router -> router.post("/sipmap/v1/Batches").handler(ctx -> ctx.response()
                .setStatusCode(status).putHeader("Content-Type", "application/json").end(body)));
        client = SipmapClient.builder().baseUrl(stub.baseUrl()).accountCredentials(ACCOUNT, "auth-token")
                .vertx(vertx).build();
    }

    private static Batch batch() {
        return new Batch(List.of(
                new CreateIpRecordChange("r", CreateIpRecord.of("192.0.2.0").withCidrPrefixLength(24)
                        .withFriendlyName("a")),
                new CreateSourceIpMappingChange(null, "r", new SipDomainSid(DOMAIN)),
                new DeleteIpRecordChange(new IpRecordSid(RECORD))));
    }

    @Test
    void sendsTheChangesAsJsonAndReadsOneResourcePerChange(Vertx vertx) throws Exception {
        serve(vertx, 200, "{\"dry_run\":false,\"changes\":[{\"op\":\"create_ip_record\",\"ref\":\"r\",\"ip_record\":"
                + RECORD_JSON + "},{\"op\":\"create_source_ip_mapping\",\"source_ip_mapping\":{\"sid\":\"IB"
                + "b".repeat(32) + "\",\"ip_record_sid\":\"" + RECORD + "\",\"sip_domain_sid\":\"" + DOMAIN
                + "\",\"date_created\":\"2020-03-18T23:31:36Z\",\"date_updated\":\"2020-03-18T23:31:36Z\","
                + "\"url\":\"x\"}},{\"op\":\"delete_ip_record\",\"ip_record\":" + RECORD_JSON + "}]}");

        List<Object> results = client.batches().apply(ACCOUNT, batch()).toCompletableFuture().get(5, SECONDS);

        assertThat(results).hasSize(3);
        assertThat(((IpRecord) results.get(0)).sid().value()).isEqualTo(RECORD);
        assertThat(((SourceIpMapping) results.get(1)).sipDomainSid().value()).isEqualTo(DOMAIN);
        assertThat(new JsonObject(stub.requests().get(0).body())).isEqualTo(new JsonObject("{\"changes\":["
                + "{\"op\":\"create_ip_record\",\"ref\":\"r\",\"ip_address\":\"192.0.2.0\",\"cidr_prefix_length\":24,"
                + "\"friendly_name\":\"a\"},{\"op\":\"create_source_ip_mapping\",\"ip_record\":\"r\","
                + "\"sip_domain_sid\":\"" + DOMAIN + "\"},{\"op\":\"delete_ip_record\",\"sid\":\"" + RECORD + "\"}]}"));
        assertThat(stub.requests().get(0).headers().get("Content-Type")).startsWith("application/json");
    }

    @Test
    void aRefusedBatchComesBackWithItsFailuresByIndex(Vertx vertx) throws Exception {
        serve(vertx, 409, "{\"code\":20409,\"message\":\"Batch refused\",\"more_info\":\"m\",\"status\":409,"
                + "\"errors\":[{\"index\":2,\"code\":20409,\"message\":\"IP record is mapped\"}]}");

        var failure = client.batches().check(ACCOUNT, batch()).toCompletableFuture();

        assertThat(failure).failsWithin(5, SECONDS).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(SipmapException.BatchRefused.class, e -> {
                    assertThat(e.failures()).singleElement().satisfies(f -> {
                        assertThat(f.index()).isEqualTo(2);
                        assertThat(f.cause()).isInstanceOf(SipmapException.Conflict.class);
                    });
                    assertThat(e.remote()).isPresent();
                });
        assertThat(stub.requests().get(0).query()).isEqualTo("DryRun=true");
    }
}
