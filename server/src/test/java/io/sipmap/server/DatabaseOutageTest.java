package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.Calls;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped under two running servers: requests fail fast with Twilio's 503 and Retry-After, never a hang or a
 * 500; readiness says so; resolve keeps answering from the replica. Back up, both recover without a restart, and a
 * replica catches up on what the other instance wrote after the outage.
 */
class DatabaseOutageTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "0d".repeat(16));
    private static final String TOKEN = "outage-test-token";
    /** What a request may take while the database is down: well under the client timeouts of any sane caller. */
    private static final Duration BOUND = Duration.ofSeconds(12);

    @TempDir
    Path dir;

    private final Calls calls = new Calls(ACCOUNT, TOKEN);

    @Test
    void aStoppedDatabaseIsA503WithinABoundAndTheServersRecoverWhenItIsBack() throws Exception {
        Path data = dir.resolve("db");
        Embedded database = Embedded.start(data);
        int port = database.connect().getPort();
        Settings settings = Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN).with(Settings.Store.postgres(database.connect()));
        try (SipmapServer one = SipmapServer.run(settings); SipmapServer two = SipmapServer.run(settings)) {
            String record = created(one, "IpAddress=192.0.2.0&CidrPrefixLength=24");
            String mapping = mapped(one, record);

            database.stop();

            for (String[] request : new String[][] {
                    {"POST", "/v1/IpRecords", "IpAddress=192.0.2.99"}, {"GET", "/v1/IpRecords", null},
                    {"GET", "/v1/IpRecords/" + record, null}, {"GET", "/v1/SourceIpMappings", null},
                    {"DELETE", "/v1/SourceIpMappings/" + mapping, null}}) {
                long start = System.nanoTime();
                HttpResponse<String> answer = calls.call(request[0], one.baseUrl() + request[1], request[2]);
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                assertThat(answer.statusCode()).as(String.join(" ", request[0], request[1])).isEqualTo(503);
                assertThat(new JsonObject(answer.body()).getInteger("code")).isEqualTo(20503);
                assertThat(answer.headers().firstValue("Retry-After")).contains("1");
                assertThat(took).as("answered within the bound").isLessThan(BOUND);
            }
            HttpResponse<String> ready = calls.anonymous("http://127.0.0.1:" + one.managementPort() + "/health/ready");
            assertThat(ready.statusCode()).as("not ready while the database is down").isEqualTo(503);
            assertThat(resolved(one, "192.0.2.7")).as("resolve answers from the replica").isEqualTo(mapping);

            database = Embedded.start(data, port);

            HttpResponse<String> back = eventually(() -> calls.call("GET", two.baseUrl() + "/v1/IpRecords", null));
            assertThat(back.statusCode()).as("recovered without a restart").isEqualTo(200);
            String later = created(two, "IpAddress=198.51.100.1");
            String laterMapping = mapped(two, later);
            assertThat(eventually(() -> calls.call("GET", one.baseUrl() + "/v1/IpRecords/" + later, null))
                    .statusCode()).isEqualTo(200);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!laterMapping.equals(resolved(one, "198.51.100.1")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(resolved(one, "198.51.100.1")).as("the replica caught up after the outage")
                    .isEqualTo(laterMapping);
            assertThat(calls.anonymous("http://127.0.0.1:" + one.managementPort() + "/health/ready").statusCode())
                    .isEqualTo(200);
            java.util.regex.Matcher lag = java.util.regex.Pattern.compile(
                    "(?m)^sipmap_resolution_replica_lag_seconds (\\S+)$").matcher(calls.anonymous(
                    "http://127.0.0.1:" + one.managementPort() + "/metrics").body());
            assertThat(lag.find()).as("the replica's lag is a metric").isTrue();
            assertThat(Double.parseDouble(lag.group(1))).as("caught up again").isLessThan(3.0);
        } finally {
            database.stop();
        }
    }

    private String created(SipmapServer server, String form) throws Exception {
        HttpResponse<String> answer = calls.call("POST", server.baseUrl() + "/v1/IpRecords", form);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        return new JsonObject(answer.body()).getString("sid");
    }

    private String mapped(SipmapServer server, String record) throws Exception {
        HttpResponse<String> answer = calls.call("POST", server.baseUrl() + "/v1/SourceIpMappings",
                "IpRecordSid=" + record + "&SipDomainSid=SD" + "5e".repeat(16));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        return new JsonObject(answer.body()).getString("sid");
    }

    private String resolved(SipmapServer server, String address) throws Exception {
        HttpResponse<String> answer = calls.call("GET", server.baseUrl() + "/sipmap/v1/Resolve?IpAddress=" + address,
                null);
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonObject resolution = new JsonObject(answer.body()).getJsonObject("resolution");
        return resolution == null ? null : resolution.getString("source_ip_mapping_sid");
    }

    private interface Request {
        HttpResponse<String> send() throws Exception;
    }

    /** The first answer that is not a 503, asking for at most 15 s while the pool reconnects. */
    private static HttpResponse<String> eventually(Request request) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        HttpResponse<String> answer = request.send();
        while (answer.statusCode() == 503 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            answer = request.send();
        }
        return answer;
    }
}
