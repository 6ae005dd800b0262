package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.testsupport.CapturedLogRecords;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every java.util.logging record at every level, while the server starts over a PostgreSQL reached by a URL with a
 * password, with an account and an API key from the environment and more from a credentials file, and answers
 * requests with right and wrong credentials: no token, secret, password or {@code Authorization} value is in any
 * record (message, parameters, thrown) nor in any line either log format makes of it.
 */
class NoSecretInAnyLogRecordTest {

    static final AccountSid ACCOUNT = new AccountSid("AC" + "5a".repeat(16));
    static final String TOKEN = "env-token-5a9c1e7b";
    static final ApiKeySid KEY = new ApiKeySid("SK" + "6b".repeat(16));
    static final String KEY_SECRET = "env-key-secret-6b2d";
    static final AccountSid FILE_ACCOUNT = new AccountSid("AC" + "7c".repeat(16));
    static final String FILE_TOKEN = "file-token-7c3e8f";
    static final ApiKeySid FILE_KEY = new ApiKeySid("SK" + "8d".repeat(16));
    static final String FILE_KEY_SECRET = "file-key-secret-8d4a";
    static final String WRONG = "wrong-token-9e5b0c";

    @TempDir
    Path directory;

    @Test
    void noSecretReachesAnyLogRecordAtAnyLevel() throws Exception {
        Embedded postgres = Embedded.start(directory.resolve("pg"));
        String databasePassword = postgres.connect().getPassword();
        Path file = Files.writeString(directory.resolve("credentials"),
                FILE_ACCOUNT + " " + CredentialsFile.digestOf(FILE_TOKEN) + "\n"
                        + FILE_KEY + " " + CredentialsFile.digestOf(FILE_KEY_SECRET) + " " + FILE_ACCOUNT + "\n");
        Map<String, String> env = new HashMap<>(Map.of(
                "TWILIO_ACCOUNT_SID", ACCOUNT.value(), "TWILIO_AUTH_TOKEN", TOKEN,
                "TWILIO_API_KEY", KEY.value(), "TWILIO_API_SECRET", KEY_SECRET,
                "SIPMAP_DATABASE_URL", "postgresql://postgres:" + databasePassword + "@127.0.0.1:"
                        + postgres.connect().getPort() + "/postgres"));
        List<String> secrets = new ArrayList<>(List.of(TOKEN, KEY_SECRET, FILE_TOKEN, FILE_KEY_SECRET, WRONG,
                databasePassword));
        String[][] callers = {{ACCOUNT.value(), TOKEN}, {KEY.value(), KEY_SECRET}, {FILE_ACCOUNT.value(), FILE_TOKEN},
                {FILE_KEY.value(), FILE_KEY_SECRET}, {ACCOUNT.value(), WRONG}, {FILE_KEY.value(), WRONG},
                {WRONG, TOKEN}};
        for (String[] caller : callers) {
            secrets.add(basic(caller[0], caller[1]).substring("Basic ".length()));
        }

        Logger root = Logger.getLogger("");
        Level rootLevel = root.getLevel();
        root.setLevel(Level.ALL);
        CapturedLogRecords capture = new CapturedLogRecords(root);
        int requests = 0;
        try {
            Settings settings = ServerCommand.parse(new String[] {"--store", "postgres", "--port", "0",
                    "--management-port", "0", "--credentials-file", file.toString()}, env);
            try (SipmapServer server = SipmapServer.run(settings)) {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                for (String[] caller : callers) {
                    for (String path : List.of("/v1/IpRecords", "/v1/SourceIpMappings", "/v1/Nowhere")) {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                        URI.create(server.baseUrl() + path))
                                .header("Authorization", basic(caller[0], caller[1]))
                                .POST(HttpRequest.BodyPublishers.ofString("IpAddress=192.0.2." + (++requests)
                                        + "&FriendlyName=" + caller[1]))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .build(), HttpResponse.BodyHandlers.ofString());
                        assertThat(response.statusCode()).isBetween(200, 499);
                        HttpResponse<String> listed = http.send(HttpRequest.newBuilder(
                                        URI.create(server.baseUrl() + path))
                                .header("Authorization", basic(caller[0], caller[1])).GET().build(),
                                HttpResponse.BodyHandlers.ofString());
                        requests++;
                        boolean right = !caller[1].equals(WRONG) && !caller[0].equals(WRONG);
                        assertThat(listed.statusCode()).as(caller[0] + " " + path)
                                .isEqualTo(!right ? 401 : path.equals("/v1/Nowhere") ? 404 : 200);
                    }
                }
                // not Basic at all, and a secret where a user name goes
                http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/IpRecords"))
                        .header("Authorization", "Bearer " + TOKEN).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                requests++;
            }
        } finally {
            capture.close();
            root.setLevel(rootLevel);
            postgres.stop();
        }

        List<String> lines = new ArrayList<>();
        SimpleFormatter text = new SimpleFormatter();
        JsonLogFormatter json = new JsonLogFormatter();
        for (LogRecord record : capture.records) {
            lines.add(text.format(record));
            lines.add(json.format(record));
            lines.add(String.valueOf(record.getMessage()));
            if (record.getParameters() != null) {
                for (Object parameter : record.getParameters()) {
                    lines.add(String.valueOf(parameter));
                }
            }
        }
        assertThat(capture.records).as("records captured").hasSizeGreaterThan(requests);
        for (String line : lines) {
            for (String secret : secrets) {
                assertThat(line).doesNotContain(secret);
            }
            assertThat(line).doesNotContainIgnoringCase("Authorization: Basic");
        }
        System.out.printf("NoSecretInAnyLogRecordTest: %d requests, %d log records at every level, no secret%n",
                requests, capture.records.size());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
