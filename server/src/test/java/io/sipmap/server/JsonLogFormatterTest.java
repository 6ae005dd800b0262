package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.server.RequestLog;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class JsonLogFormatterTest {

    private final JsonLogFormatter formatter = new JsonLogFormatter();

    @Test
    void aRequestLineHasItsFieldsByName() {
        LogRecord record = new LogRecord(Level.INFO, "{0} {1} {2} {3} ms {4}");
        record.setLoggerName(RequestLog.LOGGER);
        record.setInstant(Instant.parse("2026-12-01T13:39:45.763456Z"));
        record.setParameters(new Object[] {"POST", "/v1/IpRecords", "201", "69", "RQ" + "ab".repeat(16)});

        String line = formatter.format(record);

        assertThat(line).endsWith(System.lineSeparator());
        assertThat(line.strip()).doesNotContain("\n", "\r");
        JsonObject json = new JsonObject(line);
        assertThat(json.fieldNames()).containsExactly("time", "level", "logger", "message", "method", "path",
                "status", "millis", "request_id");
        assertThat(json.getString("time")).isEqualTo("2026-12-01T13:39:45.763Z");
        assertThat(json.getString("level")).isEqualTo("INFO");
        assertThat(json.getString("logger")).isEqualTo(RequestLog.LOGGER);
        assertThat(json.getString("message")).isEqualTo("POST /v1/IpRecords 201 69 ms RQ" + "ab".repeat(16));
        assertThat(json.getString("method")).isEqualTo("POST");
        assertThat(json.getString("path")).isEqualTo("/v1/IpRecords");
        assertThat(json.getValue("status")).isEqualTo(201);
        assertThat(json.getValue("millis")).isEqualTo(69);
        assertThat(json.getString("request_id")).isEqualTo("RQ" + "ab".repeat(16));
    }

    @Test
    void anyTextStaysOnOneLineAndParsesBack() {
        String nasty = "quote \" backslash \\ newline \n return \r tab \t bell \u0007 line separator \u2028 é";
        LogRecord record = new LogRecord(Level.WARNING, nasty);
        record.setLoggerName("io.sipmap.server.SipmapServer");
        record.setThrown(new IllegalStateException("boom\nsecond line"));

        String line = formatter.format(record);

        assertThat(line.substring(0, line.length() - System.lineSeparator().length())).doesNotContain("\n", "\r",
                "\u2028");
        JsonObject json = new JsonObject(line);
        assertThat(json.getString("message")).isEqualTo(nasty);
        assertThat(json.getString("level")).isEqualTo("WARNING");
        assertThat(json.getString("error")).startsWith("java.lang.IllegalStateException: boom\nsecond line")
                .contains("at io.sipmap.server.JsonLogFormatterTest");
        assertThat(json.containsKey("request_id")).isFalse();
    }
}
