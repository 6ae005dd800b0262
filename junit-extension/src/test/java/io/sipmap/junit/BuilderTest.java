package io.sipmap.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The builder case: an account, an API key and a fixed port of the test's choosing. */
class BuilderTest {

    static final String ACCOUNT = "AC" + "5e".repeat(16);
    static final String TOKEN = "builder-token";
    static final String API_KEY = "SK" + "4b".repeat(16);
    static final String API_SECRET = "builder-key-secret";
    static final int PORT = freePort();

    @RegisterExtension
    static final SipmapExtension SIPMAP = SipmapExtension.builder()
            .port(PORT)
            .account(ACCOUNT, TOKEN)
            .apiKey(API_KEY, API_SECRET)
            .build();

    @Test
    void servesTheAccountOnTheChosenPort(SipmapServerInfo server) throws Exception {
        assertThat(server.port()).isEqualTo(PORT);
        assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + PORT);
        assertThat(server.accountSid()).isEqualTo(ACCOUNT);
        assertThat(server.authToken()).isEqualTo(TOKEN);

        var created = Http.post(server, "/v1/IpRecords", "IpAddress=192.0.2.1");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).contains("\"account_sid\":\"" + ACCOUNT + "\"");
    }

    @Test
    void acceptsTheApiKeyForTheAccount(SipmapServerInfo server) throws Exception {
        assertThat(server.apiKeySid()).contains(API_KEY);
        assertThat(server.apiKeySecret()).contains(API_SECRET);

        var listed = Http.get(server.baseUrl() + "/v1/IpRecords", API_KEY, API_SECRET);
        assertThat(listed.statusCode()).isEqualTo(200);
        var wrong = Http.get(server.baseUrl() + "/v1/IpRecords", API_KEY, "not-the-secret");
        assertThat(wrong.statusCode()).isEqualTo(401);
    }

    @Test
    void refusesMalformedSettingsWhenBuilt() {
        assertThatThrownBy(() -> SipmapExtension.builder().account("AC123", "t").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accountSid");
        assertThatThrownBy(() -> SipmapExtension.builder().apiKey("SKnope", "s").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiKeySid");
        assertThatThrownBy(() -> SipmapExtension.builder().port(70000).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> SipmapExtension.builder().account(ACCOUNT, "").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
