package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.adapter.http.server.Credentials;
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
import java.nio.file.StandardCopyOption;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsFileTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "a1".repeat(16));
    private static final AccountSid OTHER = new AccountSid("AC" + "b2".repeat(16));
    private static final ApiKeySid KEY = new ApiKeySid("SK" + "c3".repeat(16));
    private static final ApiKeySid NEW_KEY = new ApiKeySid("SK" + "d4".repeat(16));
    private static final ApiKeySid READ_ONLY_KEY = new ApiKeySid("SK" + "e5".repeat(16));

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static String line(Object user, String secret, Object... account) {
        return user + "  " + CredentialsFile.digestOf(secret) + (account.length == 0 ? "" : "  " + account[0]) + "\n";
    }

    @Test
    void readsAccountsAndApiKeysFromDigestsWithComments() throws Exception {
        Path file = write("credentials", "# who may call\n\n" + line(ACCOUNT, "token-a") + "   # the office\n"
                + line(KEY, "key-secret", ACCOUNT) + line(OTHER, "token-b"));

        Credentials credentials = CredentialsFile.read(file);

        assertThat(credentials.size()).isEqualTo(3);
        assertThat(credentials.authenticate(ACCOUNT.value(), "token-a")).contains(ACCOUNT);
        assertThat(credentials.authenticate(KEY.value(), "key-secret")).contains(ACCOUNT);
        assertThat(credentials.authenticate(OTHER.value(), "token-b")).contains(OTHER);
        assertThat(credentials.authenticate(OTHER.value(), "token-a")).isEmpty();
        assertThat(Files.readString(file)).doesNotContain("token-a", "key-secret");
    }

    @Test
    void anApiKeyMayBeReadOnlyAndAnAccountsTokenIsAlwaysFull() throws Exception {
        Path file = write("credentials", line(ACCOUNT, "token-a") + line(KEY, "key-secret", ACCOUNT)
                + line(READ_ONLY_KEY, "read-secret", ACCOUNT + "  read-only") + "  # a console that only looks\n");

        Credentials credentials = CredentialsFile.read(file);

        assertThat(credentials.principal(READ_ONLY_KEY.value(), "read-secret").orElseThrow().scope())
                .isEqualTo(Credentials.Scope.READ_ONLY);
        assertThat(credentials.principal(KEY.value(), "key-secret").orElseThrow().scope())
                .as("no fourth field: full, as before scopes").isEqualTo(Credentials.Scope.FULL);
        assertThat(credentials.principal(ACCOUNT.value(), "token-a").orElseThrow().scope())
                .isEqualTo(Credentials.Scope.FULL);
        for (String wrong : new String[] {line(ACCOUNT, "token-a", "read-only"),
                line(KEY, "key-secret", ACCOUNT + " readonly"), line(KEY, "key-secret", ACCOUNT + " read-only full")}) {
            Path bad = write("wrong", wrong);
            assertThatThrownBy(() -> CredentialsFile.read(bad)).as(wrong)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad + " line 1: ");
        }
    }

    @Test
    void aWrongLineIsNamedWithoutEchoingItsDigest() throws Exception {
        for (String wrong : new String[] {
                ACCOUNT + " plain-secret\n", ACCOUNT + " sha256:abc\n", KEY + " " + CredentialsFile.digestOf("s") + "\n",
                "XX" + "0".repeat(32) + " " + CredentialsFile.digestOf("s") + "\n",
                "AC123 " + CredentialsFile.digestOf("s") + "\n",
                ACCOUNT + " sha256:" + "z".repeat(64) + "\n"}) {
            Path file = write("wrong", "# first\n" + wrong);

            assertThatThrownBy(() -> CredentialsFile.read(file)).as(wrong)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(file + " line 2: ")
                    .hasMessageNotContaining("plain-secret");
        }
    }

    @Test
    void theServerFollowsTheFileWithoutARestartAndKeepsTheEnvironmentsAccount() throws Exception {
        Path file = write("credentials", line(KEY, "key-secret", ACCOUNT));
        Settings settings = ServerCommand.parse(new String[] {"--store", "memory", "--port", "0",
                "--management-port", "-1", "--credentials-file", file.toString()}, Map.of("TWILIO_ACCOUNT_SID",
                OTHER.value(),
                "TWILIO_AUTH_TOKEN", "env-token"));
        try (SipmapServer server = SipmapServer.run(settings)) {
            assertThat(status(server, KEY.value(), "key-secret")).isEqualTo(200);
            assertThat(status(server, OTHER.value(), "env-token")).isEqualTo(200);
            assertThat(status(server, NEW_KEY.value(), "new-secret")).isEqualTo(401);
            assertThat(server.banner()).contains("accepting the accounts and API keys of " + file);

            // as an editor saves: a new file renamed over the old one
            Path next = write("credentials.new", line(NEW_KEY, "new-secret", ACCOUNT));
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            assertThat(eventually(() -> status(server, NEW_KEY.value(), "new-secret"), 200)).isEqualTo(200);
            assertThat(status(server, KEY.value(), "key-secret")).as("revoked by leaving the file").isEqualTo(401);
            assertThat(status(server, OTHER.value(), "env-token")).isEqualTo(200);

            Files.writeString(file, "this is not a credentials file\n");
            Thread.sleep(3 * SipmapServer.CREDENTIALS_FILE_CHECK_MILLIS);
            assertThat(status(server, NEW_KEY.value(), "new-secret")).as("a broken file changes nothing")
                    .isEqualTo(200);
        }
    }

    @Test
    void aCredentialsFileAloneIsEnoughAndNothingIsMadeUp() throws Exception {
        Path file = write("credentials", line(ACCOUNT, "token-a"));

        Settings settings = ServerCommand.parse(new String[] {"--credentials-file", file.toString()}, Map.of());

        assertThat(settings.accounts().generated()).isFalse();
        assertThat(settings.accounts().account()).isNull();
        assertThat(ServerCommandTestSupport.errorOf("--credentials-file", dir.resolve("missing").toString()))
                .contains("--credentials-file", "missing");
    }

    /**
     * The file edited on disk while change-feed streams are open: the streams of a removed key and of an account whose
     * token changed end within the check period and 2 s, and their reconnection is refused; the others (a read-only key,
     * another key of the account) get the next change; a file that does not parse ends nothing; no secret is logged.
     */
    @Test
    void editingTheFileEndsTheStreamsOfRevokedCredentialsOnly() throws Exception {
        String kept = line(READ_ONLY_KEY, "read-secret", ACCOUNT + " read-only") + line(NEW_KEY, "new-secret", ACCOUNT);
        Path file = write("credentials", line(ACCOUNT, "token-a") + line(KEY, "key-secret", ACCOUNT) + kept);
        Settings settings = ServerCommand.parse(new String[] {"--store", "memory", "--port", "0",
                "--management-port", "-1", "--credentials-file", file.toString()}, Map.of());
        Logger root = Logger.getLogger("");
        Level rootLevel = root.getLevel();
        root.setLevel(Level.ALL);
        try (CapturedLogRecords capture = new CapturedLogRecords(root);
             SipmapServer server = SipmapServer.run(settings)) {
            Follower removedKey = follow(server, KEY.value(), "key-secret");
            Follower changedToken = follow(server, ACCOUNT.value(), "token-a");
            Follower readOnly = follow(server, READ_ONLY_KEY.value(), "read-secret");
            Follower otherKey = follow(server, NEW_KEY.value(), "new-secret");
            assertThat(create(server, ACCOUNT.value(), "token-a", "192.0.2.1").statusCode()).isEqualTo(201);
            for (Follower follower : List.of(removedKey, changedToken, readOnly, otherKey)) {
                follower.awaitEvent(1);
            }
            HttpResponse<String> refused = create(server, READ_ONLY_KEY.value(), "read-secret", "192.0.2.99");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).isEqualTo("{\"code\":70051,\"message\":\"Authorization Failed\","
                    + "\"more_info\":\"https://www.twilio.com/docs/errors/70051\",\"status\":403}");

            // as an editor saves: the key's line gone, the account's token changed, the rest as it was
            Path next = write("credentials.new", line(ACCOUNT, "token-b") + kept);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            long within = SipmapServer.CREDENTIALS_FILE_CHECK_MILLIS + 2000;
            removedKey.ended.get(within, TimeUnit.MILLISECONDS);
            changedToken.ended.get(within, TimeUnit.MILLISECONDS);
            assertThat(create(server, ACCOUNT.value(), "token-b", "192.0.2.2").statusCode()).isEqualTo(201);
            readOnly.awaitEvent(2);
            otherKey.awaitEvent(2);
            assertThat(status(server, KEY.value(), "key-secret")).isEqualTo(401);
            assertThat(status(server, ACCOUNT.value(), "token-a")).isEqualTo(401);

            Files.writeString(file, "this is not a credentials file\n");
            Thread.sleep(3 * SipmapServer.CREDENTIALS_FILE_CHECK_MILLIS);
            assertThat(create(server, NEW_KEY.value(), "new-secret", "192.0.2.3").statusCode()).isEqualTo(201);
            readOnly.awaitEvent(3);
            otherKey.awaitEvent(3);
            assertThat(readOnly.ended).as("a broken file ends nothing").isNotDone();
            assertThat(otherKey.ended).isNotDone();

            List<String> lines = new ArrayList<>();
            SimpleFormatter text = new SimpleFormatter();
            for (LogRecord record : capture.records) {
                lines.add(text.format(record));
            }
            assertThat(lines).anyMatch(logged -> logged.contains("Kept the credentials as they were"));
            for (String logged : lines) {
                assertThat(logged).doesNotContain("token-a", "token-b", "key-secret", "read-secret", "new-secret",
                        basic(READ_ONLY_KEY.value(), "read-secret"), basic(ACCOUNT.value(), "token-a"));
            }
        } finally {
            root.setLevel(rootLevel);
        }
    }

    /** A {@code GET /sipmap/v1/Changes} read on a thread of its own: what came, and when it ended. */
    private static final class Follower {
        final StringBuffer text = new StringBuffer();
        final CompletableFuture<Void> ended = new CompletableFuture<>();

        Follower(InputStream body) {
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        text.append(line).append('\n');
                    }
                    ended.complete(null);
                } catch (Exception e) {
                    ended.completeExceptionally(e);
                }
            }, "follower");
            reader.setDaemon(true);
            reader.start();
        }

        void awaitEvent(long seq) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!text.toString().matches("(?s).*\nid: " + seq + "[-\n].*")) {
                assertThat(System.nanoTime()).as("event " + seq + " in " + text).isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    private Follower follow(SipmapServer server, String user, String secret) throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/sipmap/v1/Changes"))
                .header("Authorization", basic(user, secret)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        return new Follower(response.body());
    }

    private HttpResponse<String> create(SipmapServer server, String user, String secret, String address)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/IpRecords"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", basic(user, secret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("IpAddress=" + address)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private int status(SipmapServer server, String user, String secret) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/IpRecords"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", basic(user, secret)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private interface Probe {
        int get() throws Exception;
    }

    /** Asks until the answer is {@code expected}, for at most 10 s; returns the last answer. */
    private static int eventually(Probe probe, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int last;
        do {
            last = probe.get();
            if (last == expected) {
                return last;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return last;
    }
}
