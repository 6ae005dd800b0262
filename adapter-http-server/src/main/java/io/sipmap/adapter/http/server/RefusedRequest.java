package io.sipmap.adapter.http.server;

import java.util.Objects;

/**
 * A request refused for a reason that only exists on the wire (credentials, {@code PageSize} over the limit, a
 * malformed {@code PageToken}, a rate limit), with its {@link ErrorAnswer} already decided: thrown or passed to
 * {@code ctx.fail}, it reaches the one failure handler, which answers with it as it is. No stack trace: it is an
 * answer, not a fault.
 */
final class RefusedRequest extends RuntimeException {

    private final transient ErrorAnswer error;

    RefusedRequest(ErrorAnswer error) {
        super(Objects.requireNonNull(error, "error").message(), null, false, false);
        this.error = error;
    }

    ErrorAnswer error() {
        return error;
    }
}
