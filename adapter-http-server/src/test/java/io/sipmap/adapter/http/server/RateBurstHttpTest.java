package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket: a burst at once, then the average rate; Retry-After says when a token is back. */
class RateBurstHttpTest extends ServerTestBase {

    /** Milliseconds since 2020-03-18T23:31:36Z, moved by the tests. */
    private final AtomicLong millis = new AtomicLong(Instant.parse("2020-03-18T23:31:36Z").toEpochMilli());

    @Override
    SipmapServerOptions options() {
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(millis.get());
            }
        };
        return super.options().withRateLimit(2, 5, clock);
    }

    @Test
    void aBurstPassesAtOnceThenTheRateApplies() {
        for (int i = 0; i < 5; i++) {
            assertThat(get("/v1/IpRecords").statusCode()).as("request %d of the burst", i + 1).isEqualTo(200);
        }
        HttpResponse<Buffer> limited = get("/v1/IpRecords");
        assertError(limited, 429, 20429);
        assertThat(limited.getHeader("Retry-After")).isEqualTo("1");

        millis.addAndGet(499);
        assertError(get("/v1/IpRecords"), 429, 20429);
        millis.addAndGet(1);
        assertThat(get("/v1/IpRecords").statusCode()).isEqualTo(200);
        assertError(get("/v1/IpRecords"), 429, 20429);

        millis.addAndGet(60_000);
        for (int i = 0; i < 5; i++) {
            assertThat(get("/v1/IpRecords").statusCode()).as("request %d of a later burst", i + 1).isEqualTo(200);
        }
        assertError(get("/v1/IpRecords"), 429, 20429);
    }

    @Test
    void refusedRequestsTakeNoToken() {
        for (int i = 0; i < 5; i++) {
            get("/v1/IpRecords");
        }
        for (int i = 0; i < 20; i++) {
            assertError(get("/v1/IpRecords"), 429, 20429);
        }

        millis.addAndGet(500);

        assertThat(get("/v1/IpRecords").statusCode()).isEqualTo(200);
    }

    @Test
    void optionsRefuseABurstOfZeroWithALimit() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> SipmapServerOptions.of(CREDENTIALS).withRateLimit(10, 0, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rateBurst");
    }
}
