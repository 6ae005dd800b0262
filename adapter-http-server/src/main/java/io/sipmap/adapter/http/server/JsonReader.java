package io.sipmap.adapter.http.server;

import io.sipmap.domain.SipmapException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON request body (RFC 8259) into plain values: {@code Map<String, Object>} (keys in order, a repeated key
 * refused), {@code List<Object>}, {@code String}, {@code Long} for an integer that fits, {@code Double} for any other
 * number, {@code Boolean}, and null. By hand, as this module writes its JSON ({@link JsonWriter}): no JSON library on
 * server paths. Nesting is bounded, so a hostile body cannot exhaust the stack. Anything else is bad input, an
 * {@link SipmapException.InvalidParameter} naming {@code body}. Not thread-safe; one per body.
 */
final class JsonReader {

    static final int MAX_DEPTH = 32;

    private final String text;
    private int at;
    private int depth;

    private JsonReader(String text) {
        this.text = text;
    }

    /** The value the UTF-8 bytes hold, with nothing but white space after it. */
    static Object parse(byte[] utf8) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw invalid("the body is not UTF-8");
        }
        JsonReader reader = new JsonReader(text);
        Object value = reader.value();
        reader.space();
        if (reader.at != text.length()) {
            throw reader.unexpected();
        }
        return value;
    }

    private Object value() {
        space();
        if (at >= text.length()) {
            throw invalid("the body ends too early");
        }
        char c = text.charAt(at);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || c >= '0' && c <= '9') {
                    return number();
                }
                throw unexpected();
        }
    }

    private Map<String, Object> object() {
        nest();
        at++;
        Map<String, Object> members = new LinkedHashMap<>();
        space();
        if (peek() == '}') {
            at++;
            depth--;
            return members;
        }
        while (true) {
            space();
            if (peek() != '"') {
                throw unexpected();
            }
            String name = string();
            space();
            expect(':');
            if (members.containsKey(name)) {
                throw invalid("the key '" + abbreviate(name) + "' is repeated");
            }
            members.put(name, value());
            space();
            if (peek() == ',') {
                at++;
            } else {
                expect('}');
                depth--;
                return members;
            }
        }
    }

    private List<Object> array() {
        nest();
        at++;
        List<Object> items = new ArrayList<>();
        space();
        if (peek() == ']') {
            at++;
            depth--;
            return items;
        }
        while (true) {
            items.add(value());
            space();
            if (peek() == ',') {
                at++;
            } else {
                expect(']');
                depth--;
                return items;
            }
        }
    }

    private String string() {
        at++; // the opening quote
        StringBuilder out = null;
        int start = at;
        while (true) {
            if (at >= text.length()) {
                throw invalid("a string is not closed");
            }
            char c = text.charAt(at);
            if (c == '"') {
                String s = out == null ? text.substring(start, at) : out.append(text, start, at).toString();
                at++;
                return s;
            }
            if (c < 0x20) {
                throw invalid("a string holds a control character; escape it");
            }
            if (c == '\\') {
                if (out == null) {
                    out = new StringBuilder();
                }
                out.append(text, start, at);
                out.append(escaped());
                start = at;
            } else {
                at++;
            }
        }
    }

    /** The character an escape stands for; {@link #at} is on the backslash and moves past the escape. */
    private char escaped() {
        if (at + 1 >= text.length()) {
            throw invalid("a string is not closed");
        }
        char c = text.charAt(at + 1);
        at += 2;
        switch (c) {
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u':
                if (at + 4 > text.length()) {
                    throw invalid("a \\u escape is cut short");
                }
                int code = 0;
                for (int i = 0; i < 4; i++) {
                    int digit = Character.digit(text.charAt(at + i), 16);
                    if (digit < 0) {
                        throw invalid("a \\u escape needs four hex digits");
                    }
                    code = code * 16 + digit;
                }
                at += 4;
                return (char) code; // a surrogate pair arrives as two escapes, joined in the string as they come
            default:
                throw invalid("unknown escape \\" + c);
        }
    }

    private Object number() {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        int digits = at;
        while (at < text.length() && Character.isDigit(text.charAt(at)) && text.charAt(at) < 0x80) {
            at++;
        }
        if (at == digits || text.charAt(digits) == '0' && at - digits > 1) {
            throw invalid("a number is malformed");
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            at++;
            int fraction = at;
            while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
                at++;
            }
            if (at == fraction) {
                throw invalid("a number is malformed");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            at++;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            int exponent = at;
            while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
                at++;
            }
            if (at == exponent) {
                throw invalid("a number is malformed");
            }
        }
        String number = text.substring(start, at);
        if (integral && number.length() <= 18) {
            return Long.parseLong(number);
        }
        return Double.parseDouble(number);
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw unexpected();
        }
        at += word.length();
        return value;
    }

    private void nest() {
        if (++depth > MAX_DEPTH) {
            throw invalid("values nest deeper than " + MAX_DEPTH);
        }
    }

    private void space() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : 0;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw unexpected();
        }
        at++;
    }

    private SipmapException.InvalidParameter unexpected() {
        return at >= text.length() ? invalid("the body ends too early")
                : invalid("unexpected '" + text.charAt(at) + "' at character " + at);
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    static SipmapException.InvalidParameter invalid(String why) {
        return new SipmapException.InvalidParameter("body", "Invalid request body: expected JSON; " + why);
    }
}
