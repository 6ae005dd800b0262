package io.sipmap.adapter.http.server;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Objects;

/**
 * A Twilio error answer: the HTTP status, which the body repeats (Twilio's SDK reads it from there), Twilio's error
 * code, a message, and the extra headers some errors carry ({@code WWW-Authenticate}, {@code Retry-After},
 * {@code Allow}). Which failure gets which answer is {@link ErrorTable}'s business.
 */
record ErrorAnswer(int status, int code, String message, Map<String, String> headers) {

    static final String MORE_INFO = "https://www.twilio.com/docs/errors/";

    ErrorAnswer {
        Objects.requireNonNull(message, "message");
        headers = Map.copyOf(headers);
    }

    ErrorAnswer(int status, int code, String message) {
        this(status, code, message, Map.of());
    }

    /** {@code {"code", "message", "more_info", "status"}}, in Twilio's order. */
    JsonObject toJson() {
        return new JsonObject()
                .put("code", code)
                .put("message", message)
                .put("more_info", MORE_INFO + code)
                .put("status", status);
    }
}
