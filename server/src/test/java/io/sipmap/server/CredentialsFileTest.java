package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsFileTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "a1".repeat(16));
    private static final AccountSid OTHER = new AccountSid("AC" + "b2".repeat(16));
    private static final ApiKeySid KEY = new ApiKeySid("SK" + "c3".repeat(16));
    private static final ApiKeySid NEW_KEY = new ApiKeySid("SK" + "d4".repeat(16));

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

    private int status(SipmapServer server, String user, String secret) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/IpRecords"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + secret).getBytes(StandardCharsets.UTF_8))).build(),
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
