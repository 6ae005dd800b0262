package io.sipmap.adapter.http.server;

import io.sipmap.domain.Sid;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes JSON as UTF-8 bytes straight into a growing array, the bytes {@code JsonObject.encode()} would give for the
 * same keys and values: no spaces, strings escaped as Jackson escapes them ({@code \"}, {@code \\}, {@code \b \t \n \f
 * \r}, other control characters as {@code \}{@code u00XX} in upper-case hex, everything else as is), so that the
 * wire stays byte for byte what the tests pin. Keys are written as given: they are the constant ASCII wire names.
 *
 * <p>Why not {@code JsonObject}: building one per record (a map and boxed values) and encoding it through Jackson took
 * most of a list request's time. Not thread-safe; one per response.
 */
final class JsonWriter {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    /** The length of a SID's text: a two-letter prefix and 32 hex digits. */
    static final int SID_LENGTH = 34;

    private byte[] bytes;
    private int size;
    /** Whether the container at each depth has no member yet; depth 0 is the top level. */
    private boolean[] empty = new boolean[8];
    private int depth;
    private boolean afterName;
    private long lastSecond = Long.MIN_VALUE;
    private Sid lastShared;
    private int lastSharedAt;
    private final byte[] lastDate = new byte[WireDates.LENGTH];

    /**
     * Each thread's scratch array for {@link #onScratch}, lent out while a writer uses it (null meanwhile): a list
     * page is written into memory that is already in the cache, and then copied once, rather than into a new array the
     * size of the page that must first be zeroed.
     */
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[1][]);
    private static final int SCRATCH_KEPT = 1 << 20;

    private final byte[][] lender;

    JsonWriter(int capacity) {
        this(new byte[Math.max(capacity, 64)], null);
    }

    private JsonWriter(byte[] bytes, byte[][] lender) {
        this.bytes = bytes;
        this.lender = lender;
        empty[0] = true;
    }

    /**
     * A writer on this thread's scratch array (one of its own if that is lent out already), for a large value
     * written and sent at once: {@link #finish} hands it to be copied and gives the array back.
     */
    static JsonWriter onScratch(int capacity) {
        byte[][] lender = SCRATCH.get();
        byte[] lent = lender[0];
        lender[0] = null;
        if (lent == null || lent.length < capacity) {
            lent = new byte[Math.max(capacity, 4096)];
        }
        return new JsonWriter(lent, lender);
    }

    JsonWriter beginObject() {
        separate();
        put((byte) '{');
        push();
        return this;
    }

    JsonWriter endObject() {
        put((byte) '}');
        depth--;
        return this;
    }

    /**
     * Takes back the closing brace of the object just written (by {@link #endObject} or as a {@link #raw} fragment),
     * so that more members follow its last; {@link #endObject} closes it again.
     */
    JsonWriter reopenObject() {
        if (size == 0 || bytes[size - 1] != '}') {
            throw new IllegalStateException("No object was just written");
        }
        size--;
        push();
        empty[depth] = false;
        return this;
    }

    JsonWriter beginArray() {
        separate();
        put((byte) '[');
        push();
        return this;
    }

    JsonWriter endArray() {
        put((byte) ']');
        depth--;
        return this;
    }

    /** A key: a constant wire name, ASCII and needing no escape. */
    JsonWriter name(String name) {
        separate();
        put((byte) '"');
        ascii(name);
        put((byte) '"');
        put((byte) ':');
        afterName = true;
        return this;
    }

    /** A string value, or null. */
    JsonWriter value(String text) {
        separate();
        if (text == null) {
            put(NULL);
        } else {
            put((byte) '"');
            escaped(text);
            put((byte) '"');
        }
        return this;
    }

    /** A SID as a string value: 34 ASCII characters, none to escape. */
    JsonWriter value(Sid sid) {
        separate();
        ensure(SID_LENGTH + 2);
        bytes[size++] = '"';
        sid.writeAscii(bytes, size);
        size += SID_LENGTH;
        bytes[size++] = '"';
        return this;
    }

    /** A string value made of an ASCII prefix needing no escape (a base URL and path, say) and a SID. */
    JsonWriter value(byte[] asciiPrefix, Sid sid) {
        separate();
        put((byte) '"');
        put(asciiPrefix);
        ensure(SID_LENGTH + 1);
        sid.writeAscii(bytes, size);
        size += SID_LENGTH;
        bytes[size++] = '"';
        return this;
    }

    JsonWriter value(boolean flag) {
        separate();
        ascii(flag ? "true" : "false");
        return this;
    }

    JsonWriter value(long number) {
        separate();
        if (number == Long.MIN_VALUE) {
            ascii(Long.toString(number));
            return this;
        }
        if (number < 0) {
            put((byte) '-');
            number = -number;
        }
        int digits = 1;
        for (long n = number; n >= 10; n /= 10) {
            digits++;
        }
        ensure(digits);
        for (int i = size + digits - 1; i >= size; i--) {
            bytes[i] = (byte) ('0' + number % 10);
            number /= 10;
        }
        size += digits;
        return this;
    }

    /**
     * A date as the wire carries it, {@code "2020-03-18T23:31:36Z"} ({@link WireDates}). The last second written is
     * remembered: a record's two dates are often equal, and so are those of records made together.
     */
    JsonWriter value(Instant instant) {
        separate();
        put((byte) '"');
        long second = instant.getEpochSecond();
        if (second == lastSecond) {
            put(lastDate);
        } else if (WireDates.byHand(instant)) {
            ensure(WireDates.LENGTH);
            int start = size;
            size = WireDates.write(instant, bytes, size);
            System.arraycopy(bytes, start, lastDate, 0, WireDates.LENGTH);
            lastSecond = second;
        } else {
            ascii(WireDates.format(instant));
        }
        put((byte) '"');
        return this;
    }

    /**
     * A value copied as it is from {@code fragment}, which must be JSON needing nothing more (a template with its
     * variable parts to be written in by {@link #sidAt} and {@link #dateAt}); returns the index where it starts.
     */
    int raw(byte[] fragment) {
        separate();
        ensure(fragment.length);
        int at = size;
        System.arraycopy(fragment, 0, bytes, at, fragment.length);
        size += fragment.length;
        return at;
    }

    /** Writes a SID's 34 characters over what was written from index {@code at}. */
    JsonWriter sidAt(int at, Sid sid) {
        Objects.checkFromIndexSize(at, SID_LENGTH, size);
        sid.writeAscii(bytes, at);
        return this;
    }

    /**
     * {@link #sidAt} for a SID that many values share as one object (the SIP domain of a store's mappings): when it is
     * the one this method wrote last, its characters are copied from there rather than written from its number.
     */
    JsonWriter sharedSidAt(int at, Sid sid) {
        if (sid != lastShared) {
            sidAt(at, sid);
            lastShared = sid;
            lastSharedAt = at;
            return this;
        }
        return copyWithin(lastSharedAt, at, SID_LENGTH);
    }

    /** Writes a date that {@link WireDates#byHand} takes over what was written from index {@code at}. */
    JsonWriter dateAt(int at, Instant instant) {
        Objects.checkFromIndexSize(at, WireDates.LENGTH, size);
        long second = instant.getEpochSecond();
        if (second != lastSecond) {
            WireDates.write(instant, lastDate, 0);
            lastSecond = second;
        }
        System.arraycopy(lastDate, 0, bytes, at, WireDates.LENGTH);
        return this;
    }

    /** Copies {@code length} bytes written from index {@code from} over those from index {@code to}. */
    JsonWriter copyWithin(int from, int to, int length) {
        Objects.checkFromIndexSize(from, length, size);
        Objects.checkFromIndexSize(to, length, size);
        System.arraycopy(bytes, from, bytes, to, length);
        return this;
    }

    /** {@code text} escaped as in a JSON string, without the quotes. */
    static byte[] escape(String text) {
        JsonWriter json = new JsonWriter(text.length() + 16);
        json.escaped(text);
        return Arrays.copyOf(json.bytes, json.size);
    }

    /** Takes what a writer wrote, in {@link #finish}. */
    @FunctionalInterface
    interface Sink<R> {
        /**
         * @param bytes  the array written into, holding the JSON in {@code [0, length)}
         * @param length how many bytes were written
         * @param lent   true when the array is a thread's scratch, lent back as soon as this returns: it must be
         *               copied, not kept; false when the array is the sink's to keep
         */
        R take(byte[] bytes, int length, boolean lent);
    }

    /**
     * Hands what was written to {@code sink}, then gives a scratch array back to its thread; the writer is not to be
     * used after. A writer of its own ({@link #JsonWriter(int)}) hands over its array for good, so that the sink can
     * send it without a copy.
     */
    <R> R finish(Sink<R> sink) {
        boolean lent = lender != null;
        try {
            return sink.take(bytes, size, lent);
        } finally {
            if (lent && bytes.length <= SCRATCH_KEPT) {
                lender[0] = bytes;
            }
            bytes = null;
        }
    }

    @Override
    public String toString() {
        return new String(bytes, 0, size, StandardCharsets.UTF_8);
    }

    /** The comma before a member that is not the first of its container. */
    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (empty[depth]) {
            empty[depth] = false;
        } else {
            put((byte) ',');
        }
    }

    private void push() {
        if (++depth == empty.length) {
            empty = Arrays.copyOf(empty, depth * 2);
        }
        empty[depth] = true;
    }

    /** Text known to be ASCII. */
    @SuppressWarnings("deprecation") // the one String method that copies Latin-1 text into an array as it is
    private void ascii(String text) {
        int n = text.length();
        ensure(n);
        text.getBytes(0, n, bytes, size);
        size += n;
    }

    private void escaped(String text) {
        int n = text.length();
        int plain = 0;
        while (plain < n) {
            char c = text.charAt(plain);
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                break;
            }
            plain++;
        }
        if (plain == n) {
            ascii(text);
            return;
        }
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                // A run of non-ASCII characters, encoded as String.getBytes does (an unpaired surrogate becomes '?',
                // as it does when the encoded String is written out); runs end at ASCII, never inside a pair.
                int end = i + 1;
                while (end < n && text.charAt(end) >= 0x80) {
                    end++;
                }
                put(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
                ensure(n - end);
            } else if (c >= 0x20 && c != '"' && c != '\\') {
                bytes[size++] = (byte) c;
            } else {
                escape(c);
                ensure(n - i);
            }
        }
    }

    private void escape(char c) {
        char letter = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\b' -> 'b';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\f' -> 'f';
            case '\r' -> 'r';
            default -> 0;
        };
        if (letter != 0) {
            put((byte) '\\');
            put((byte) letter);
        } else {
            ensure(6);
            bytes[size++] = '\\';
            bytes[size++] = 'u';
            bytes[size++] = '0';
            bytes[size++] = '0';
            bytes[size++] = HEX[c >> 4];
            bytes[size++] = HEX[c & 0xf];
        }
    }

    private void put(byte b) {
        ensure(1);
        bytes[size++] = b;
    }

    private void put(byte[] more) {
        ensure(more.length);
        System.arraycopy(more, 0, bytes, size, more.length);
        size += more.length;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
