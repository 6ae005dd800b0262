package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

    private static final SourceIpMappingSid SID = new SourceIpMappingSid(0x0123456789abcdefL, 0xfedcba9876543210L);

    private static final String[] STRINGS = {
        "", "plain", "quote \" and backslash \\ and slash /", "controls \b\t\n\f\r \u0000\u0001\u001f\u007f",
        "café ünïcödé", "emoji \uD83D\uDE00 pair", "lone \uD800 high", "lone \uDC00 low", "\u2028\u2029",
        "mixed é\"\\\n😀x",
    };

    @Test
    void writesStringsAsJsonObjectEncodes() {
        for (String text : STRINGS) {
            String written = new JsonWriter(4).beginObject().name("k").value(text).endObject().toString();
            String expected = new JsonObject().put("k", text).encode();
            assertThat(written.getBytes(StandardCharsets.UTF_8)).as(text)
                    .isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void writesNestingNumbersAndNullsAsJsonObjectEncodes() {
        String written = new JsonWriter(1).beginObject()
                .name("a").beginArray()
                .beginObject().name("x").value(0).name("y").value((String) null).endObject()
                .beginObject().name("x").value(-12).name("y").value(Long.MAX_VALUE).endObject()
                .beginObject().endObject()
                .endArray()
                .name("b").beginArray().endArray()
                .name("c").value(Long.MIN_VALUE)
                .name("d").value("x/".getBytes(StandardCharsets.US_ASCII), SID)
                .name("e").value(SID)
                .name("f").beginArray().value(SID).value(SID).endArray()
                .endObject().toString();
        String expected = new JsonObject()
                .put("a", new JsonArray()
                        .add(new JsonObject().put("x", 0).putNull("y"))
                        .add(new JsonObject().put("x", -12).put("y", Long.MAX_VALUE))
                        .add(new JsonObject()))
                .put("b", new JsonArray())
                .put("c", Long.MIN_VALUE)
                .put("d", "x/" + SID.value())
                .put("e", SID.value())
                .put("f", new JsonArray().add(SID.value()).add(SID.value()))
                .encode();
        assertThat(written).isEqualTo(expected);
    }

    @Test
    void writesMappingsAsJsonObjectWouldWhateverTheirDates() {
        var account = AccountSid.ofHex("0".repeat(31) + "1");
        var writer = new SourceIpMappingJson.Writer(JsonWriter.escape("http://h\u00e9st:8080/base/v1/SourceIpMappings/"));
        Random random = new Random(3);
        JsonWriter json = new JsonWriter(1).beginArray();
        JsonArray expected = new JsonArray();
        Instant[] dates = {Instant.parse("2020-03-18T23:31:36.5Z"), Instant.parse("+10000-01-01T00:00:00Z"),
            Instant.parse("-0001-12-31T23:59:59Z"), Instant.parse("2020-03-18T23:31:37Z")};
        // shared domain objects in runs, between which come domains of their own
        SipDomainSid[] domains = {new SipDomainSid(1, 2), new SipDomainSid(3, 4), new SipDomainSid(1, 2)};
        for (int i = 0; i < 200; i++) {
            // runs of equal dates, dates written by hand and not, in one array
            Instant created = dates[i / 7 % dates.length];
            var mapping = new SourceIpMapping(account, new SourceIpMappingSid(random.nextLong(), random.nextLong()),
                    new IpRecordSid(random.nextLong(), random.nextLong()),
                    i % 11 == 0 ? new SipDomainSid(random.nextLong(), random.nextLong()) : domains[i / 5 % 3], created,
                    i % 3 == 0 ? created : created.plusSeconds(i));
            writer.write(json, mapping);
            expected.add(new JsonObject()
                    .put("sid", mapping.sid().value())
                    .put("ip_record_sid", mapping.ipRecordSid().value())
                    .put("sip_domain_sid", mapping.sipDomainSid().value())
                    .put("date_created", WireDates.format(mapping.dateCreated()))
                    .put("date_updated", WireDates.format(mapping.dateUpdated()))
                    .put("url", "http://h\u00e9st:8080/base/v1/SourceIpMappings/" + mapping.sid().value()));
        }
        assertThat(json.endArray().toString()).isEqualTo(expected.encode());
    }

    @Test
    void writersOnScratchStayApartAndTheirCopiesOutliveTheScratch() {
        JsonWriter outer = JsonWriter.onScratch(8).beginArray();
        JsonWriter inner = JsonWriter.onScratch(8).beginArray(); // the scratch is lent out: an array of its own
        for (int i = 0; i < 5_000; i++) { // both grow past what they were given
            outer.value(i);
            inner.value(-i);
        }
        String innerCopy = inner.endArray().finish((bytes, length, lent) -> { // gives its array to the thread
            assertThat(lent).isTrue();
            return new String(bytes, 0, length, StandardCharsets.UTF_8);
        });
        String outerCopy = outer.endArray().finish((bytes, length, lent) -> {
            assertThat(lent).isTrue();
            return new String(bytes, 0, length, StandardCharsets.UTF_8);
        });
        JsonWriter reuse = JsonWriter.onScratch(8).beginArray(); // on an array given back: what was taken is a copy
        for (int i = 0; i < 5_000; i++) {
            reuse.value("overwritten");
        }
        reuse.endArray().finish((bytes, length, lent) -> null);
        JsonArray expectedOuter = new JsonArray();
        JsonArray expectedInner = new JsonArray();
        for (int i = 0; i < 5_000; i++) {
            expectedOuter.add(i);
            expectedInner.add(-i);
        }
        assertThat(outerCopy).isEqualTo(expectedOuter.encode());
        assertThat(innerCopy).isEqualTo(expectedInner.encode());
    }

    @Test
    void aWriterOfItsOwnHandsItsArrayOverForGood() {
        JsonWriter json = new JsonWriter(4).beginArray().value(1).endArray();

        String taken = json.finish((bytes, length, lent) -> {
            assertThat(lent).isFalse();
            return new String(bytes, 0, length, StandardCharsets.UTF_8);
        });

        assertThat(taken).isEqualTo("[1]");
    }

    @Test
    void writesDatesAsTheFormatterDoes() {
        DateTimeFormatter format = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
        Random random = new Random(7);
        long[] edges = {0, -1, 951_782_400L /* 2000-02-29 */, 4_107_542_399L, -62_167_219_200L, -62_167_219_201L,
            253_402_300_799L, 253_402_300_800L, 1_584_574_296L};
        for (int i = 0; i < 20_000; i++) {
            long seconds = i < edges.length ? edges[i] : random.nextLong() % 300_000_000_000L;
            Instant instant = Instant.ofEpochSecond(seconds, random.nextInt(1_000_000_000));
            String expected = "\"" + format.format(instant) + "\"";
            assertThat(new JsonWriter(1).value(instant).toString()).as("%s", instant).isEqualTo(expected);
            assertThat(WireDates.format(instant)).isEqualTo(format.format(instant));
        }
    }
}
