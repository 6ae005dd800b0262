package io.sipmap.kamailio;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A reader of server-sent events (the WHATWG {@code text/event-stream} format) fed in chunks as they arrive: lines
 * end in LF, CRLF or CR, a line starting with a colon is a comment, {@code data} lines accumulate, a blank line
 * dispatches the event. A chunk may end in the middle of a line, or of a character's bytes.
 */
final class EventStream {

    /**
     * One event.
     *
     * @param id   the value of its {@code id} field, or null when it had none
     * @param type its {@code event} field, {@code message} when absent
     * @param data its {@code data} lines joined by LF
     */
    record Event(String id, String type, String data) {
    }

    /** No event line is longer than this: a stream that sends one is not a change feed. */
    static final int MAX_LINE = 1 << 20;

    private final Consumer<Event> events;
    private byte[] line = new byte[256];
    private int length;
    private boolean lastWasCr;
    private String id;
    private String type;
    private StringBuilder data;

    EventStream(Consumer<Event> events) {
        this.events = events;
    }

    /** Reads {@code chunk}, dispatching every event it completes. */
    void feed(byte[] chunk) {
        for (byte b : chunk) {
            if (b == '\n' && lastWasCr) {
                lastWasCr = false; // the LF of a CRLF: the line already ended at the CR
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\n' || b == '\r') {
                line(new String(line, 0, length, StandardCharsets.UTF_8));
                length = 0;
            } else {
                if (length == line.length) {
                    if (length >= MAX_LINE) {
                        throw new IllegalStateException("an event stream line longer than " + MAX_LINE + " bytes");
                    }
                    line = java.util.Arrays.copyOf(line, length * 2);
                }
                line[length++] = b;
            }
        }
    }

    private void line(String text) {
        if (text.isEmpty()) {
            if (data != null) {
                events.accept(new Event(id, type == null ? "message" : type, data.toString()));
            }
            type = null;
            data = null;
            return;
        }
        if (text.charAt(0) == ':') {
            return; // a comment: the server's keep-alive
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + (colon + 1 < text.length()
                && text.charAt(colon + 1) == ' ' ? 2 : 1));
        switch (field) {
            case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            case "event" -> type = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    id = value;
                }
            }
            default -> {
                // retry and unknown fields: the bridge keeps its own reconnection delays
            }
        }
    }
}
