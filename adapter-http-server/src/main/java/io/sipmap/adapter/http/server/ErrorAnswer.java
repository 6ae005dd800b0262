package io.sipmap.adapter.http.server;

import java.util.Map;
import java.util.Objects;

/**
 * A Twilio error answer, as {@link Answers#error} sends it: the HTTP status, which the body repeats (Twilio's SDK
 * reads it from there), Twilio's error code, a message, and the extra headers some errors carry
 * ({@code WWW-Authenticate}, {@code Retry-After}, {@code Allow}). Which failure gets which answer is
 * {@link ErrorTable}'s business.
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

    /** Writes the body, {@code {"code", "message", "more_info", "status"}} in Twilio's order. */
    JsonWriter write(JsonWriter json) {
        return json.beginObject()
                .name("code").value(code)
                .name("message").value(message)
                .name("more_info").value(MORE_INFO + code)
                .name("status").value(status)
                .endObject();
    }

    /** About the length of the body, to size its writer. */
    int length() {
        return 96 + message.length();
    }
}
