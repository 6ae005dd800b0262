package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.testsupport.CapturedLogRecords;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class SipmapServerTest {

    static final String SID = "AC" + "e5".repeat(16);

    @Test
    void servesTheApiOverTheInMemoryStores() throws Exception {
        var settings = Settings.of("127.0.0.1", 0, new AccountSid(SID), "tok");
        try (SipmapServer server = SipmapServer.run(settings)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(server.baseUrl() + "/v1/IpRecords"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((SID + ":tok").getBytes()))
                    .POST(HttpRequest.BodyPublishers.ofString("IpAddress=192.0.2.1"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(response.body()).contains("\"account_sid\":\"" + SID + "\"");
            assertThat(server.banner()).contains("curl -u \"$TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN\" "
                    + server.baseUrl() + "/v1/IpRecords").doesNotContain("tok\n");
        }
    }

    /** The console's own behaviour is tested in its module; here, that the server mounts it and says where. */
    @Test
    void servesTheConsoleBesideTheApiAndSaysWhereItIs() throws Exception {
        try (SipmapServer server = SipmapServer.run(Settings.of("127.0.0.1", 0, new AccountSid(SID), "tok"))) {
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.baseUrl() + "/console/")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>sipmap console</title>");
            assertThat(server.banner()).contains("sipmap: web console at " + server.baseUrl() + "/console/\n");
        }
    }

    @Test
    void failsFastWithAClearMessageWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            var settings = Settings.of("127.0.0.1", taken.getLocalPort(), new AccountSid(SID), "tok");

            assertThatThrownBy(() -> SipmapServer.run(settings))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("--port");
        }
    }

    @Test
    void generatesCredentialsWhenNoneAreGivenAndPrintsThem() {
        var settings = ServerCommand.parse(new String[0], Map.of());

        assertThat(settings.accounts().generated()).isTrue();
        assertThat(settings.accounts().account().value()).matches("AC[0-9a-f]{32}");
        assertThat(settings.accounts().authToken()).matches("[0-9a-f]{32}");
        assertThat(settings.http().host()).isEqualTo("127.0.0.1");
        assertThat(settings.http().port()).isEqualTo(8080);
    }

    @Test
    void readsEnvironmentAndFlagsWithFlagsWinning() {
        var settings = ServerCommand.parse(
                new String[] {"--port", "9191", "--public-base-url", "https://sip.example.com"},
                Map.of("SIPMAP_PORT", "7000", "SIPMAP_HOST", "0.0.0.0", "TWILIO_ACCOUNT_SID", SID,
                        "TWILIO_AUTH_TOKEN", "t", "TWILIO_API_KEY", "SK" + "0".repeat(32), "TWILIO_API_SECRET", "s"));

        assertThat(settings.http().port()).isEqualTo(9191);
        assertThat(settings.http().host()).isEqualTo("0.0.0.0");
        assertThat(settings.http().publicBaseUrl()).contains("https://sip.example.com");
        assertThat(settings.accounts().generated()).isFalse();
        assertThat(settings.accounts().apiKey()).contains(new ApiKeySid("SK" + "0".repeat(32)));
        assertThat(settings.options().credentials().authenticate("SK" + "0".repeat(32), "s")).contains(
                new AccountSid(SID));
    }

    @Test
    void readsTheRateLimitFromFlagsOrEnvironmentAndIsOffByDefault() {
        assertThat(ServerCommand.parse(new String[0], Map.of()).options().rateLimit()).isZero();

        var fromEnv = ServerCommand.parse(new String[0], Map.of("SIPMAP_RATE_LIMIT", "100"));
        assertThat(fromEnv.options().rateLimit()).isEqualTo(100);
        assertThat(fromEnv.options().rateBurst()).as("burst defaults to the rate").isEqualTo(100);

        var fromFlags = ServerCommand.parse(new String[] {"--rate-limit", "100", "--rate-burst", "200"},
                Map.of("SIPMAP_RATE_LIMIT", "5", "SIPMAP_RATE_BURST", "6"));
        assertThat(fromFlags.options().rateLimit()).isEqualTo(100);
        assertThat(fromFlags.options().rateBurst()).isEqualTo(200);
        assertThat(fromFlags.toString()).contains("rateLimit=100", "rateBurst=200");

        assertThatThrownBy(() -> ServerCommand.parse(new String[] {"--rate-limit", "-1"}, Map.of()))
                .hasMessageContaining("--rate-limit");
        assertThatThrownBy(() -> ServerCommand.parse(new String[] {"--rate-limit", "ten"}, Map.of()))
                .hasMessageContaining("--rate-limit").hasMessageContaining("ten");
        assertThatThrownBy(() -> ServerCommand.parse(new String[] {"--rate-burst", "5"}, Map.of()))
                .hasMessageContaining("needs a rate limit");
        assertThatThrownBy(() -> ServerCommand.parse(new String[] {"--rate-limit", "5", "--rate-burst", "0"},
                Map.of())).hasMessageContaining("--rate-burst");
    }

    @Test
    void aRateLimitedServerAnswers429WithRetryAfterAndSaysSoInItsBanner() throws Exception {
        var settings = Settings.of("127.0.0.1", 0, new AccountSid(SID), "tok");
        settings = settings.with(settings.http().withRateLimit(1, 2, java.time.Clock.systemUTC()));
        try (SipmapServer server = SipmapServer.run(settings)) {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest list = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/IpRecords"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((SID + ":tok").getBytes()))
                    .build();
            List<Integer> statuses = new java.util.ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 3; i++) {
                last = client.send(list, HttpResponse.BodyHandlers.ofString());
                statuses.add(last.statusCode());
            }

            assertThat(statuses).containsExactly(200, 200, 429);
            assertThat(last.headers().firstValue("Retry-After")).contains("1");
            assertThat(last.body()).contains("\"code\":20429");
            assertThat(server.banner()).contains("at most 1 requests per second per account, 2 at once");
        }
    }

    @Test
    void refusesIncompleteOrMalformedSettings() {
        assertThatThrownBy(() -> ServerCommand.parse(new String[0], Map.of("TWILIO_ACCOUNT_SID", SID)))
                .hasMessageContaining("TWILIO_AUTH_TOKEN");
        assertThatThrownBy(() -> ServerCommand.parse(new String[0],
                Map.of("TWILIO_ACCOUNT_SID", "nope", "TWILIO_AUTH_TOKEN", "t")))
                .hasMessageContaining("TWILIO_ACCOUNT_SID");
        assertThatThrownBy(() -> ServerCommand.parse(new String[] {"--port", "x"}, Map.of()))
                .hasMessageContaining("port");
        assertThatThrownBy(() -> ServerCommand.parse(new String[] {"--verbose"}, Map.of()))
                .hasMessageContaining("--verbose");
    }

    @Test
    void jsonLogLinesParseAndARequestsLineCarriesTheIdItsAnswerCarried() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        Logger root = Logger.getLogger("");
        Handler[] before = root.getHandlers();
        String id;
        Logging.oneLinePerRecord(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8),
                Settings.LogFormat.JSON);
        try (SipmapServer server = SipmapServer.run(Settings.of("127.0.0.1", 0, new AccountSid(SID), "tok"))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(server.baseUrl() + "/v1/IpRecords"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((SID + ":tok").getBytes()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            id = response.headers().firstValue("Twilio-Request-Id").orElseThrow();
        } finally {
            for (Handler handler : root.getHandlers()) {
                root.removeHandler(handler);
            }
            for (Handler handler : before) {
                root.addHandler(handler);
            }
        }

        List<io.vertx.core.json.JsonObject> lines = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .map(io.vertx.core.json.JsonObject::new).toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line.fieldNames())
                .contains("time", "level", "logger", "message"));
        assertThat(id).matches("RQ[0-9a-f]{32}");
        assertThat(lines).filteredOn(line -> id.equals(line.getString("request_id"))).singleElement()
                .satisfies(line -> {
                    assertThat(line.getString("method")).isEqualTo("GET");
                    assertThat(line.getString("path")).isEqualTo("/v1/IpRecords");
                    assertThat(line.getInteger("status")).isEqualTo(200);
                    assertThat(line.getValue("millis")).isInstanceOf(Integer.class);
                    assertThat(line.getString("level")).isEqualTo("INFO");
                });
    }

    @Test
    void warnsAtStartWhenBasicCredentialsWouldCrossTheNetworkInClear() throws Exception {
        try (CapturedLogRecords logged = new CapturedLogRecords(Logger.getLogger(SipmapServer.class.getName()))) {
            try (SipmapServer server = SipmapServer.run(Settings.of("127.0.0.1", 0, new AccountSid(SID), "tok"))) {
                assertThat(warnings(logged)).isEmpty();
            }
            try (SipmapServer server = SipmapServer.run(Settings.of("0.0.0.0", 0, new AccountSid(SID), "tok"))) {
                assertThat(warnings(logged)).singleElement().satisfies(record -> assertThat(record.getMessage())
                        .contains("0.0.0.0", "plain HTTP", "in clear", "--tls-cert"));
            }
        }
    }

    private static List<LogRecord> warnings(CapturedLogRecords logged) {
        return logged.records.stream().filter(record -> record.getLevel().intValue() >= Level.WARNING.intValue())
                .toList();
    }
}
