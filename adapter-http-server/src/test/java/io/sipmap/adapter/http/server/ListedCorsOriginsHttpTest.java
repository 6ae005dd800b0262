package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With origins listed, those alone are reflected with credentials; every other origin still gets {@code *}. */
class ListedCorsOriginsHttpTest extends ServerTestBase {

    static final String LISTED = "https://console.example.com";

    @Override
    SipmapServerOptions options() {
        return SipmapServerOptions.of(CREDENTIALS).withCorsOrigins(List.of(LISTED, "http://localhost:3000"));
    }

    @Test
    void aListedOriginIsReflectedWithCredentialsOnPreflightSuccessAndError() {
        HttpResponse<Buffer> preflight = preflight(LISTED);
        HttpResponse<Buffer> ok = send(authed(HttpMethod.GET, "/v1/IpRecords").putHeader("Origin", LISTED));
        HttpResponse<Buffer> denied = send(request(HttpMethod.GET, "/v1/IpRecords").putHeader("Origin", LISTED));

        assertThat(preflight.statusCode()).isBetween(200, 204);
        assertThat(preflight.getHeader("Access-Control-Allow-Methods")).contains("GET", "POST", "DELETE");
        assertThat(preflight.getHeader("Access-Control-Allow-Headers")).contains("Authorization", "Content-Type");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(denied.statusCode()).isEqualTo(401);
        for (HttpResponse<Buffer> response : List.of(preflight, ok, denied)) {
            assertThat(response.headers().getAll("Access-Control-Allow-Origin")).containsExactly(LISTED);
            assertThat(response.headers().getAll("Access-Control-Allow-Credentials")).containsExactly("true");
            assertThat(response.headers().getAll("Vary")).hasSize(1).allMatch("Origin"::equalsIgnoreCase);
            assertThat(response.getHeader("Twilio-Request-Id")).matches("RQ[0-9a-f]{32}");
        }
        assertThat(ok.headers().getAll("Access-Control-Expose-Headers")).hasSize(1);
        assertThat(ok.getHeader("Access-Control-Expose-Headers").split(",\\s*")).containsExactly("WWW-Authenticate",
                "Retry-After", "Twilio-Request-Id", "ETag", "Sipmap-Last-Event-Id");
        assertThat(preflight.getHeader("Access-Control-Allow-Headers").split(",\\s*"))
                .containsExactly("Content-Type", "Authorization", "Last-Event-ID", "If-None-Match");
    }

    @Test
    void anUnlistedOriginGetsStarWithoutCredentialsEvenOnPreflight() {
        for (String origin : List.of("https://evil.example", "https://console.example.com.evil.example",
                "http://console.example.com")) {
            HttpResponse<Buffer> preflight = preflight(origin);
            HttpResponse<Buffer> request = send(authed(HttpMethod.GET, "/v1/IpRecords").putHeader("Origin", origin));

            for (HttpResponse<Buffer> response : List.of(preflight, request)) {
                assertThat(response.headers().getAll("Access-Control-Allow-Origin")).as(origin).containsExactly("*");
                assertThat(response.headers().contains("Access-Control-Allow-Credentials")).as(origin).isFalse();
                assertThat(response.headers().getAll("Vary")).as(origin).hasSize(1).allMatch("Origin"::equalsIgnoreCase);
            }
        }
    }

    @Test
    void withoutOriginTheAnswerIsStarAndSaysItVariesByOrigin() {
        HttpResponse<Buffer> response = get("/v1/IpRecords");

        assertThat(response.getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(response.headers().contains("Access-Control-Allow-Credentials")).isFalse();
        assertThat(response.getHeader("Vary")).isEqualToIgnoringCase("Origin");
    }

    @Test
    void refusesAWildcardOrAnOriginWithAPath() {
        for (String origin : List.of("*", "https://a.example/app", "console.example.com", "https://*.example.com")) {
            assertThatThrownBy(() -> SipmapServerOptions.of(CREDENTIALS).withCorsOrigins(List.of(origin)))
                    .as(origin).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CORS origin");
        }
    }

}
