package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A host's public routes (a web console's files) are served without credentials, with the request id every answer
 * carries; a failure they raise is answered as a Twilio error; they can never take a path of the API, which still asks
 * for credentials.
 */
class PublicRoutesHttpTest extends ServerTestBase {

    @Override
    SipmapServerOptions options() {
        return SipmapServerOptions.of(CREDENTIALS)
                .withPublicRoute(new SipmapServerOptions.PublicRoute("/site/*", ctx -> {
                    if (ctx.normalizedPath().endsWith("/missing")) {
                        ctx.fail(404);
                    } else {
                        ctx.response().putHeader("Content-Type", "text/plain").end("page " + ctx.normalizedPath());
                    }
                }));
    }

    @Test
    void areServedWithoutCredentials() {
        HttpResponse<Buffer> response = send(request(HttpMethod.GET, "/site/index.html"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsString()).isEqualTo("page /site/index.html");
        assertThat(response.getHeader("Twilio-Request-Id")).matches("RQ[0-9a-f]{32}");
    }

    @Test
    void aFailureTheyRaiseIsATwilioError() {
        assertError(send(request(HttpMethod.GET, "/site/missing")), 404, 20404);
    }

    @Test
    void areReadOnly() {
        assertError(send(request(HttpMethod.POST, "/site/index.html")), 401, 20003);
        HttpResponse<Buffer> post = send(authed(HttpMethod.POST, "/site/index.html"));
        assertError(post, 405, 20004);
        assertThat(post.getHeader("Allow")).isEqualTo("GET, HEAD");
        assertError(send(authed(HttpMethod.DELETE, "/site/")), 405, 20004);
        HttpResponse<Buffer> head = send(request(HttpMethod.HEAD, "/site/index.html"));
        assertThat(head.statusCode()).isEqualTo(200);
    }

    @Test
    void theApiStillNeedsCredentials() {
        assertError(send(request(HttpMethod.GET, "/v1/IpRecords")), 401, 20003);
        assertError(send(request(HttpMethod.GET, "/sites")), 401, 20003);
        assertThat(get("/v1/IpRecords").statusCode()).isEqualTo(200);
    }

    @Test
    void cannotTakeAPathOfTheApi() {
        for (String path : List.of("/v1/*", "/v1", "/V1/IpRecords", "/sipmap/v1/Resolve", "/sipmap*", "/*", "/",
                "relative", "/a/../v1", "/a/:sid")) {
            assertThatThrownBy(() -> new SipmapServerOptions.PublicRoute(path, ctx -> { }))
                    .as(path).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new SipmapServerOptions.PublicRoute("/v1x/console", ctx -> { }).path()).isEqualTo("/v1x/console");
    }
}
