package io.sipmap.adapter.http.server;

import java.util.Objects;

/**
 * A failure that only exists on the wire (credentials, method, {@code PageSize} over the limit, a malformed
 * {@code PageToken}, a rate limit), carried through {@code ctx.fail} to the one failure handler. No stack trace: it
 * is an answer, not a fault.
 */
final class WireError extends RuntimeException {

    private final transient TwilioError error;

    WireError(TwilioError error) {
        super(Objects.requireNonNull(error, "error").message(), null, false, false);
        this.error = error;
    }

    TwilioError error() {
        return error;
    }
}
