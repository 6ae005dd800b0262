package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RateLimitHttpTest extends ServerTestBase {

    @Override
    SipmapServerOptions options() {
        return super.options().withRateLimit(2, Clock.fixed(Instant.parse("2020-03-18T23:31:36.250Z"), ZoneOffset.UTC));
    }

    @Test
    void requestsBeyondTheLimitAre429WithRetryAfter() {
        assertThat(get("/v1/IpRecords").statusCode()).isEqualTo(200);
        assertThat(get("/v1/IpRecords").statusCode()).isEqualTo(200);

        HttpResponse<Buffer> limited = get("/v1/IpRecords");

        assertError(limited, 429, 20429);
        assertThat(limited.getHeader("Retry-After")).isEqualTo("1");
    }

    @Test
    void eachAccountHasItsOwnLimit() {
        get("/v1/IpRecords");
        get("/v1/IpRecords");

        HttpResponse<Buffer> other = send(request(HttpMethod.GET, "/v1/IpRecords")
                .basicAuthentication(OTHER_ACCOUNT.value(), OTHER_TOKEN));

        assertThat(other.statusCode()).isEqualTo(200);
    }
}
