package io.sipmap.adapter.http.server;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Twilio error answer, as {@link Answers#error} sends it: the HTTP status, which the body repeats (Twilio's SDK
 * reads it from there), Twilio's error code, a message, and the extra headers some errors carry
 * ({@code WWW-Authenticate}, {@code Retry-After}, {@code Allow}). Which failure gets which answer is
 * {@link ErrorTable}'s business.
 */
record ErrorAnswer(int status, int code, String message, Map<String, String> headers, List<Item> errors) {

    static final String MORE_INFO = "https://www.twilio.com/docs/errors/";

    /** One failed change of a refused batch (ours: sipmap's extension bodies may add fields). */
    record Item(int index, int code, String message) {
        Item {
            Objects.requireNonNull(message, "message");
        }
    }

    ErrorAnswer {
        Objects.requireNonNull(message, "message");
        headers = Map.copyOf(headers);
        errors = List.copyOf(errors);
    }

    ErrorAnswer(int status, int code, String message, Map<String, String> headers) {
        this(status, code, message, headers, List.of());
    }

    ErrorAnswer(int status, int code, String message) {
        this(status, code, message, Map.of());
    }

    /**
     * Writes the body, {@code {"code", "message", "more_info", "status"}} in Twilio's order, and for a refused batch
     * {@code "errors": [{"index", "code", "message"}, ...]} after them.
     */
    JsonWriter write(JsonWriter json) {
        json.beginObject()
                .name("code").value(code)
                .name("message").value(message)
                .name("more_info").value(MORE_INFO + code)
                .name("status").value(status);
        if (!errors.isEmpty()) {
            json.name("errors").beginArray();
            for (Item item : errors) {
                json.beginObject().name("index").value(item.index()).name("code").value(item.code())
                        .name("message").value(item.message()).endObject();
            }
            json.endArray();
        }
        return json.endObject();
    }

    /** About the length of the body, to size its writer. */
    int length() {
        int length = 96 + message.length();
        for (Item item : errors) {
            length += 48 + item.message().length();
        }
        return length;
    }
}
