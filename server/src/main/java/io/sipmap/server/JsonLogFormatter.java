package io.sipmap.server;

import io.sipmap.adapter.http.server.RequestLog;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code --log-format json}: one JSON object per record, on one line: {@code time} (UTC, to the millisecond),
 * {@code level}, {@code logger}, {@code message}, and {@code error} with the stack trace when there is one. A request's
 * line ({@link RequestLog}) adds its fields by name: {@code method}, {@code path}, {@code status} and {@code millis}
 * (numbers) and {@code request_id}. Written by hand, as the server writes no JSON through a library: every string is
 * escaped as RFC 8259 asks, control characters included, so a record cannot break its line.
 */
final class JsonLogFormatter extends Formatter {

    private static final List<String> NUMBERS = List.of("status", "millis");

    @Override
    public String format(LogRecord record) {
        StringBuilder json = new StringBuilder(256).append('{');
        field(json, "time", record.getInstant().truncatedTo(ChronoUnit.MILLIS).toString()).append(',');
        field(json, "level", record.getLevel().getName()).append(',');
        field(json, "logger", String.valueOf(record.getLoggerName())).append(',');
        field(json, "message", formatMessage(record));
        Object[] parameters = record.getParameters();
        if (RequestLog.LOGGER.equals(record.getLoggerName()) && parameters != null
                && parameters.length == RequestLog.FIELDS.size()) {
            for (int i = 0; i < parameters.length; i++) {
                String name = RequestLog.FIELDS.get(i);
                String value = String.valueOf(parameters[i]);
                json.append(',');
                if (NUMBERS.contains(name) && value.matches("\\d{1,18}")) {
                    string(json, name).append(':').append(value);
                } else {
                    field(json, name, value);
                }
            }
        }
        if (record.getThrown() != null) {
            json.append(',');
            field(json, "error", Logging.stackTrace(record.getThrown()));
        }
        return json.append('}').append(System.lineSeparator()).toString();
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        return string(string(json, name).append(':'), value);
    }

    private static StringBuilder string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
