package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.SipmapException;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TwilioErrorsTest {

    @Test
    void tableCoversEveryVariantOfSipmapException() {
        Set<Class<?>> mapped = new HashSet<>(TwilioErrors.BY_VARIANT.keySet());

        assertThat(mapped).isEqualTo(Set.of(SipmapException.class.getPermittedSubclasses()));
    }

    @Test
    void mapsEachVariantToItsStatusAndCode() {
        assertThat(TwilioErrors.of(new SipmapException.NotFound("x"), -1, "/v1/IpRecords/IL1", 1))
                .isEqualTo(new TwilioError(404, 20404, "The requested resource /v1/IpRecords/IL1 was not found"));
        assertThat(TwilioErrors.of(new SipmapException.InvalidParameter("IpAddress", "Invalid IpAddress"), -1, "/", 1))
                .isEqualTo(new TwilioError(400, 20001, "Invalid IpAddress"));
        assertThat(TwilioErrors.of(new SipmapException.Conflict("mapped"), -1, "/", 1))
                .isEqualTo(new TwilioError(409, 20409, "mapped"));
        assertThat(TwilioErrors.of(new SipmapException.Upstream("secret", null, null), -1, "/", 1).status())
                .isEqualTo(502);
    }

    @Test
    void unwrapsCompletionExceptionOnce() {
        var wrapped = new java.util.concurrent.CompletionException(new SipmapException.Conflict("mapped"));

        assertThat(TwilioErrors.of(wrapped, -1, "/", 1).code()).isEqualTo(20409);
    }

    @Test
    void unexpectedFailureHasNoTwilioErrorSoIsA500() {
        assertThat(TwilioErrors.of(new IllegalStateException("bug"), -1, "/", 1)).isNull();
        assertThat(TwilioErrors.of(new IllegalStateException("bug"), 500, "/", 1)).isNull();
    }

    @Test
    void bodyFailuresAreTheClientsDoing() {
        assertThat(TwilioErrors.ofBody(new IOException("Size exceed allowed maximum capacity"), 10).status())
                .isEqualTo(413);
        assertThat(TwilioErrors.ofBody(new IllegalArgumentException("bad escape"), 10).status()).isEqualTo(400);
    }

    @Test
    void errorJsonHasTwilioKeysInOrder() {
        assertThat(new TwilioError(404, 20404, "gone").toJson().encode()).isEqualTo(
                "{\"code\":20404,\"message\":\"gone\",\"more_info\":\"https://www.twilio.com/docs/errors/20404\","
                        + "\"status\":404}");
    }
}
