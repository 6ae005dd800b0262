package io.sipmap.adapter.http.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads a {@code text/event-stream} (server-sent events) as the WHATWG HTML standard's "event stream interpretation"
 * says, from chunks of bytes cut anywhere: lines end with CRLF, LF or CR (a CR at the end of one chunk and an LF at
 * the start of the next are one line end); a leading UTF-8 byte order mark is dropped; a line starting with a colon is
 * a comment; {@code field:value} drops one space after the colon, a line without a colon is a field with an empty
 * value; {@code data} lines join with LF; {@code id} sets the last event id unless it holds NUL, and it persists from
 * one event to the next; {@code retry} takes ASCII digits only; unknown fields are ignored; an empty line dispatches
 * the event, unless no {@code data} line came, which only resets the event type. An event not ended by an empty line
 * when the stream ends is dropped. Bytes are decoded per line, so a character split across chunks is kept whole;
 * malformed UTF-8 becomes U+FFFD as the standard decodes it.
 *
 * <p>A line or an event's data longer than the bound given fails the parse with {@link IllegalStateException}, so a
 * broken or hostile server cannot make the client buffer without end. Not thread-safe: one parser per stream, fed
 * from one thread at a time.
 */
final class EventStreamParser {

    /** One dispatched event. {@code type} is {@code message} when the server named none. */
    record Event(String id, String type, String data) {
    }

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");

    private final Consumer<Event> events;
    private final int maxBytes;

    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCr;
    private boolean bomChecked;

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String type = "";
    private String lastEventId = "";
    private long retryMillis = -1;

    /**
     * @param events   receives each dispatched event, on the thread that feeds the parser
     * @param maxBytes the longest line, and the most data of one event (in chars), that the parser accepts
     */
    EventStreamParser(Consumer<Event> events, int maxBytes) {
        this.events = Objects.requireNonNull(events, "events");
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** The last {@code retry} the stream asked for, in milliseconds; -1 when none came. */
    long retryMillis() {
        return retryMillis;
    }

    /** Parses the next chunk of the stream, dispatching every event it completes. */
    void feed(byte[] bytes) {
        for (byte b : bytes) {
            if (afterCr) {
                afterCr = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\r') {
                afterCr = true;
                endLine();
            } else if (b == '\n') {
                endLine();
            } else {
                append(b);
            }
        }
    }

    private void append(byte b) {
        if (lineLength == maxBytes) {
            throw new IllegalStateException("event stream line longer than " + maxBytes + " bytes");
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, Math.min(maxBytes, line.length * 2));
        }
        line[lineLength++] = b;
    }

    private void endLine() {
        int start = !bomChecked && lineLength >= 3 && (line[0] & 0xff) == 0xef && (line[1] & 0xff) == 0xbb
                && (line[2] & 0xff) == 0xbf ? 3 : 0;
        bomChecked = true;
        String text = new String(line, start, lineLength - start, StandardCharsets.UTF_8);
        lineLength = 0;
        if (line.length > 4096) {
            line = new byte[256];
        }
        processLine(text);
    }

    private void processLine(String text) {
        if (text.isEmpty()) {
            dispatch();
            return;
        }
        if (text.charAt(0) == ':') {
            return; // a comment: the server's keep-alive
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(text.startsWith(" ", colon + 1) ? colon + 2 : colon + 1);
        switch (field) {
            case "event" -> type = value;
            case "data" -> {
                if (data.length() + value.length() + 1 > maxBytes) {
                    throw new IllegalStateException("event stream event with more than " + maxBytes + " chars of data");
                }
                data.append(value).append('\n');
                hasData = true;
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (DIGITS.matcher(value).matches()) {
                    retryMillis = Long.parseLong(value);
                }
            }
            default -> {
                // ignored, as the standard says
            }
        }
    }

    private void dispatch() {
        String payload = hasData ? data.substring(0, data.length() - 1) : null;
        String eventType = type.isEmpty() ? "message" : type;
        data.setLength(0);
        hasData = false;
        type = "";
        if (payload != null) {
            events.accept(new Event(lastEventId, eventType, payload));
        }
    }
}
