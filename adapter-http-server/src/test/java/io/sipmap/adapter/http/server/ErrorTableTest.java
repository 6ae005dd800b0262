package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.SipmapException;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ErrorTableTest {

    @Test
    void tableCoversEveryVariantOfSipmapException() {
        Set<Class<?>> mapped = new HashSet<>(ErrorTable.BY_VARIANT.keySet());

        assertThat(mapped).isEqualTo(Set.of(SipmapException.class.getPermittedSubclasses()));
    }

    @Test
    void mapsEachVariantToItsStatusAndCode() {
        assertThat(ErrorTable.of(new SipmapException.NotFound("x"), -1, "/v1/IpRecords/IL1", 1))
                .isEqualTo(new ErrorAnswer(404, 20404, "The requested resource /v1/IpRecords/IL1 was not found"));
        assertThat(ErrorTable.of(new SipmapException.InvalidParameter("IpAddress", "Invalid IpAddress"), -1, "/", 1))
                .isEqualTo(new ErrorAnswer(400, 20001, "Invalid IpAddress"));
        assertThat(ErrorTable.of(new SipmapException.Conflict("mapped"), -1, "/", 1))
                .isEqualTo(new ErrorAnswer(409, 20409, "mapped"));
        assertThat(ErrorTable.of(new SipmapException.Upstream("secret", null, null), -1, "/", 1).status())
                .isEqualTo(502);
        assertThat(ErrorTable.of(new SipmapException.Unavailable("secret", null), -1, "/", 1)).isEqualTo(
                new ErrorAnswer(503, 20503, "Service unavailable: the store does not answer; try again later",
                        java.util.Map.of("Retry-After", "1")));
    }

    @Test
    void unwrapsCompletionExceptionOnce() {
        var wrapped = new java.util.concurrent.CompletionException(new SipmapException.Conflict("mapped"));

        assertThat(ErrorTable.of(wrapped, -1, "/", 1).code()).isEqualTo(20409);
    }

    @Test
    void unexpectedFailureHasNoTwilioErrorSoIsA500() {
        assertThat(ErrorTable.of(new IllegalStateException("bug"), -1, "/", 1)).isNull();
        assertThat(ErrorTable.of(new IllegalStateException("bug"), 500, "/", 1)).isNull();
    }

    @Test
    void bodyFailuresAreTheClientsDoing() {
        assertThat(ErrorTable.ofBody(new IOException("Size exceed allowed maximum capacity"), 10).status())
                .isEqualTo(413);
        assertThat(ErrorTable.ofBody(new IllegalArgumentException("bad escape"), 10).status()).isEqualTo(400);
    }

    @Test
    void refusalsOnlyTheWireKnowsHaveTheirCodes() {
        assertThat(ErrorTable.requestTimeout())
                .isEqualTo(new ErrorAnswer(408, 20001, "Request timeout: the request was not received in time"));
        assertThat(ErrorTable.tooManyRequests(5, 2)).isEqualTo(new ErrorAnswer(429, 20429,
                "Too many requests: at most 5 per second", java.util.Map.of("Retry-After", "2")));
        assertThat(ErrorTable.pageSizeTooLarge(1000, "1001"))
                .isEqualTo(new ErrorAnswer(400, 20007, "Invalid PageSize: at most 1000 allowed, got 1001"));
        assertThat(ErrorTable.invalidPageToken("Invalid PageToken")).isEqualTo(new ErrorAnswer(400, 21481,
                "Invalid PageToken"));
        assertThat(ErrorTable.of(new RefusedRequest(ErrorTable.requestTimeout()), -1, "/", 1))
                .isEqualTo(ErrorTable.requestTimeout());
    }

    @Test
    void errorJsonHasTwilioKeysInOrder() {
        assertThat(new ErrorAnswer(404, 20404, "gone").write(new JsonWriter(1)).toString()).isEqualTo(
                "{\"code\":20404,\"message\":\"gone\",\"more_info\":\"https://www.twilio.com/docs/errors/20404\","
                        + "\"status\":404}");
    }
}
