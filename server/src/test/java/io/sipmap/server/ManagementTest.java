package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.Calls;
import io.sipmap.testsupport.DebianPackages;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management port: health that monitors understand, and Prometheus metrics that move with the traffic. */
class ManagementTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "7a".repeat(16));
    private static final String TOKEN = "management-test-token";

    private final Calls calls = new Calls(ACCOUNT, TOKEN);

    private HttpResponse<String> get(String url) throws Exception {
        return calls.anonymous(url);
    }

    private HttpResponse<String> api(SipmapServer server, String method, String path, String form) throws Exception {
        return calls.call(method, server.baseUrl() + path, form);
    }

    private static String management(SipmapServer server) {
        return "http://127.0.0.1:" + server.managementPort();
    }

    @Test
    void answersLivenessAndReadinessOnItsOwnPort() throws Exception {
        try (SipmapServer server = SipmapServer.run(Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN))) {
            assertThat(server.managementPort()).isPositive().isNotEqualTo(server.port());

            HttpResponse<String> live = get(management(server) + "/health/live");
            HttpResponse<String> ready = get(management(server) + "/health/ready");

            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(live.body()).getString("status")).isEqualTo("UP");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(ready.body()).getJsonArray("checks").getJsonObject(0).getString("id"))
                    .isEqualTo("store");
            assertThat(get(server.baseUrl() + "/health/live").statusCode()).as("not on the API port").isEqualTo(401);
            assertThat(get(server.baseUrl() + "/metrics").statusCode()).as("not on the API port").isEqualTo(401);
        }
    }

    @Test
    void isNotReadyWhenTheStoreFailsOrDoesNotAnswerInTime() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            int failing = Management.start(vertx, "127.0.0.1", 0, null,
                    () -> CompletableFuture.failedStage(new IllegalStateException("connection refused")))
                    .await(10, TimeUnit.SECONDS).actualPort();
            int hanging = Management.start(vertx, "127.0.0.1", 0, null, CompletableFuture::new)
                    .await(10, TimeUnit.SECONDS).actualPort();

            HttpResponse<String> refused = get("http://127.0.0.1:" + failing + "/health/ready");
            long start = System.nanoTime();
            HttpResponse<String> slow = get("http://127.0.0.1:" + hanging + "/health/ready");
            long tookMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("DOWN", "IllegalStateException: connection refused");
            assertThat(slow.statusCode()).isEqualTo(503);
            assertThat(slow.body()).contains("no answer within");
            assertThat(tookMillis).isLessThan(Management.READY_TIMEOUT_MILLIS + 5000);
            assertThat(get("http://127.0.0.1:" + failing + "/health/live").statusCode()).isEqualTo(200);
            assertThat(get("http://127.0.0.1:" + failing + "/metrics").statusCode())
                    .as("no metrics when they are off").isEqualTo(404);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void metricsMoveWithRequestsAndNameRoutesNeverSids(@TempDir Path dir) throws Exception {
        try (SipmapServer server = SipmapServer.run(Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN))) {
            String before = get(management(server) + "/metrics").body();

            HttpResponse<String> created = api(server, "POST", "/v1/IpRecords", "IpAddress=192.0.2.1");
            String sid = new JsonObject(created.body()).getString("sid");
            assertThat(api(server, "GET", "/v1/IpRecords/" + sid, null).statusCode()).isEqualTo(200);
            assertThat(api(server, "GET", "/v1/IpRecords/IL" + "0".repeat(32), null).statusCode()).isEqualTo(404);
            assertThat(api(server, "GET", "/v1/NoSuchThing/IL" + "1".repeat(32), null).statusCode()).isEqualTo(404);
            api(server, "POST", "/v1/SourceIpMappings", "IpRecordSid=" + sid + "&SipDomainSid=SD" + "1".repeat(32));
            api(server, "GET", "/sipmap/v1/Resolve?IpAddress=192.0.2.1", null);
            api(server, "GET", "/sipmap/v1/Resolve?IpAddress=10.9.9.9", null);
            api(server, "GET", "/sipmap/v1/Resolve?IpAddress=10.9.9.10", null);
            assertThat(get(server.baseUrl() + "/console").statusCode()).isEqualTo(301);
            assertThat(get(server.baseUrl() + "/console/app.js").statusCode()).isEqualTo(200);
            HttpResponse<String> scrape = get(management(server) + "/metrics");
            String after = scrape.body();

            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            String fetched = requests("GET", "200", "SUCCESS", "/v1/IpRecords/:sid");
            assertThat(value(before, fetched)).isZero();
            assertThat(value(after, fetched)).isEqualTo(1);
            assertThat(value(after, requests("GET", "404", "CLIENT_ERROR", "/v1/IpRecords/:sid"))).isEqualTo(1);
            assertThat(value(after, requests("POST", "201", "SUCCESS", "/v1/IpRecords"))).isEqualTo(1);
            assertThat(after).contains("http_server_requests_seconds_bucket{exception=\"None\",method=\"POST\"")
                    .contains("http_server_requests_seconds_max{").contains("http_server_requests_seconds_sum{");
            assertThat(value(after, requests("GET", "404", "CLIENT_ERROR", "NOT_FOUND")))
                    .as("an unknown path has no route").isEqualTo(1);
            assertThat(value(after, requests("GET", "301", "REDIRECTION", "/console"))).isEqualTo(1);
            assertThat(value(after, requests("GET", "200", "SUCCESS", "/console/*")))
                    .as("the console's files, under one route").isEqualTo(1);
            assertThat(after).as("counted once, under the ecosystem's name")
                    .doesNotContain("sipmap_http_server_requests").doesNotContain("vertx_http_server");
            for (String series : new String[] {"jvm_memory_used_bytes{area=\"heap\"", "jvm_threads_live_threads ",
                "jvm_classes_loaded_classes ", "jvm_gc_memory_allocated_bytes_total ", "jvm_info{",
                "process_cpu_usage ", "system_cpu_count ", "process_files_open_files ", "process_uptime_seconds ",
                "process_start_time_seconds "}) {
                assertThat(after).as("Micrometer's JVM and process binders, which JVM dashboards read")
                        .contains("\n" + series);
            }
            assertThat(value(after, "sipmap_store_operations_seconds_count{operation=\"insert\",outcome=\"ok\","
                    + "store=\"ip_records\"}")).isEqualTo(1);
            assertThat(value(after, "sipmap_store_operations_seconds_count{operation=\"insert\",outcome=\"ok\","
                    + "store=\"source_ip_mappings\"}")).isEqualTo(1);
            assertThat(value(after, "sipmap_store_operations_seconds_count{operation=\"resolve\",outcome=\"ok\","
                    + "store=\"resolutions\"}")).isEqualTo(3);
            assertThat(after).contains("sipmap_store_operations_seconds_bucket{operation=\"insert\"");
            assertThat(value(after, "sipmap_resolutions_total{result=\"match\"}")).isEqualTo(1);
            assertThat(value(after, "sipmap_resolutions_total{result=\"none\"}")).isEqualTo(2);
            assertThat(after).doesNotContain(sid).doesNotContain("IL" + "0".repeat(32)).doesNotContain("NoSuchThing")
                    .doesNotContain(TOKEN).doesNotContain(ACCOUNT.value());

            Path scraped = dir.resolve("metrics.txt");
            Files.writeString(scraped, after);
            Path promtool = DebianPackages.require("promtool", "prometheus");
            Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true)
                    .redirectInput(scraped.toFile()).start();
            assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            // 3 is lint only, which two of Micrometer's standard names draw; dashboards read them by those names
            assertThat(check.exitValue()).as("promtool check metrics: " + said).isIn(0, 3);
            assertThat(said.lines()).as("promtool check metrics").allMatch(line ->
                    line.startsWith("process_cpu_time_ns_total ") || line.startsWith("system_cpu_count "));
        }
    }

    @Test
    void canBeTurnedOffAndNeverSharesTheApiPort() throws Exception {
        try (SipmapServer server = SipmapServer.run(Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN)
                .with(new Settings.Management("127.0.0.1", -1, false)))) {
            assertThat(server.managementPort()).isEqualTo(-1);
            assertThat(server.banner()).doesNotContain("/health");
        }
        assertThat(ServerCommandTestSupport.errorOf("--port", "9000", "--management-port", "9000"))
                .contains("--management-port must differ from --port");
    }

    /** The series of answered requests, as Spring Boot names and tags it (tags in Prometheus' order). */
    private static String requests(String method, String status, String outcome, String uri) {
        return "http_server_requests_seconds_count{exception=\"None\",method=\"" + method + "\",outcome=\""
                + outcome + "\",status=\"" + status + "\",uri=\"" + uri + "\"}";
    }

    /** The value of one sample line, 0 when absent. */
    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
