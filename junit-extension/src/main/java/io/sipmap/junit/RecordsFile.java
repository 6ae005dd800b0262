package io.sipmap.junit;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of a file in Twilio's own list shapes, as {@code GET /v1/IpRecords} and
 * {@code GET /v1/SourceIpMappings} answer them: {@code {"ip_records": [...], "meta": {...}}},
 * {@code {"source_ip_mappings": [...]}}, or one object with both arrays. Each record keeps its SID and dates; IP
 * records are put in the extension's account, whatever their {@code account_sid} says, so that a page saved from a real
 * account loads as is. {@code ip_address} is IPv4 or, sipmap's extension, IPv6 in any RFC 4291 spelling (an IPv4-mapped
 * one is the IPv4 address it names), as the server takes it. Unknown fields ({@code url}, {@code meta}) are ignored.
 * Immutable.
 *
 * @param location    where it was read, for messages
 * @param ipRecords   its IP records, in file order
 * @param mappings    its mappings, in file order
 */
record RecordsFile(String location, List<IpRecord> ipRecords, List<SourceIpMapping> mappings) {

    private static final String CLASSPATH = "classpath:";

    RecordsFile {
        ipRecords = List.copyOf(ipRecords);
        mappings = List.copyOf(mappings);
    }

    /**
     * Reads {@code location}: a file path (relative to the working directory, the module's directory under Maven), or
     * {@code classpath:name} for a resource of {@code loader}.
     *
     * @throws IllegalArgumentException naming the file and the field when it is not in Twilio's shape
     */
    static RecordsFile read(String location, AccountSid account, ClassLoader loader) {
        String text;
        try {
            if (location.startsWith(CLASSPATH)) {
                String name = location.substring(CLASSPATH.length()).replaceFirst("^/", "");
                try (InputStream in = loader.getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IllegalArgumentException("records: no resource " + name + " on the class path");
                    }
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } else {
                text = Files.readString(Path.of(location), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("records: cannot read " + location, e);
        }
        return parse(location, text, account);
    }

    /** Parses {@code text}, read from {@code location}. */
    static RecordsFile parse(String location, String text, AccountSid account) {
        JsonObject json;
        try {
            json = new JsonObject(text);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("records: " + location + " is not a JSON object", e);
        }
        if (!json.containsKey("ip_records") && !json.containsKey("source_ip_mappings")) {
            throw new IllegalArgumentException("records: " + location
                    + " has neither \"ip_records\" nor \"source_ip_mappings\", as Twilio's list answers have");
        }
        List<IpRecord> records = new ArrayList<>();
        List<SourceIpMapping> mappings = new ArrayList<>();
        try {
            readInto(json, location, account, records, mappings);
        } catch (SipmapException e) {
            throw new IllegalArgumentException("records: " + location + ": " + e.getMessage(), e);
        }
        return new RecordsFile(location, records, mappings);
    }

    private static void readInto(JsonObject json, String location, AccountSid account, List<IpRecord> records,
                                 List<SourceIpMapping> mappings) {
        for (JsonObject o : objects(json, "ip_records", location)) {
            IpAddress address = IpAddress.parse(text(o, "ip_address", location), "ip_address");
            records.add(new IpRecord(account,
                    IpRecordSid.parse(text(o, "sid", location), "sid"),
                    o.getString("friendly_name"),
                    address,
                    prefixLength(o, address, location),
                    date(o, "date_created", location),
                    date(o, "date_updated", location)));
        }
        for (JsonObject o : objects(json, "source_ip_mappings", location)) {
            mappings.add(new SourceIpMapping(account,
                    SourceIpMappingSid.parse(text(o, "sid", location), "sid"),
                    IpRecordSid.parse(text(o, "ip_record_sid", location), "ip_record_sid"),
                    SipDomainSid.parse(text(o, "sip_domain_sid", location), "sip_domain_sid"),
                    date(o, "date_created", location),
                    date(o, "date_updated", location)));
        }
    }

    private static List<JsonObject> objects(JsonObject json, String key, String location) {
        Object value = json.getValue(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw new IllegalArgumentException("records: \"" + key + "\" in " + location + " is not an array");
        }
        List<JsonObject> objects = new ArrayList<>();
        for (Object item : array) {
            if (!(item instanceof JsonObject o)) {
                throw new IllegalArgumentException("records: an item of \"" + key + "\" in " + location
                        + " is not an object");
            }
            objects.add(o);
        }
        return objects;
    }

    private static String text(JsonObject o, String field, String location) {
        Object value = o.getValue(field);
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("records: \"" + field + "\" missing or not a string in " + location
                    + ": " + o.encode());
        }
        return s;
    }

    /**
     * {@code cidr_prefix_length}; absent or 0 is the whole address, 32 (IPv6: 128), as Twilio reads a record created
     * without one. A length beyond the address's family is refused by the record.
     */
    private static int prefixLength(JsonObject o, IpAddress address, String location) {
        Object value = o.getValue("cidr_prefix_length");
        if (value == null) {
            return address.bitLength();
        }
        if (!(value instanceof Number n) || n.intValue() != n.doubleValue()) {
            throw new IllegalArgumentException("records: \"cidr_prefix_length\" is not an integer in " + location
                    + ": " + o.encode());
        }
        return n.intValue() == 0 ? address.bitLength() : n.intValue();
    }

    /** ISO 8601, as Twilio's examples and SDK have it, or RFC 2822, as its text says. */
    private static Instant date(JsonObject o, String field, String location) {
        String text = text(o, field, location);
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException iso) {
            try {
                return ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException rfc) {
                throw new IllegalArgumentException("records: \"" + field + "\" is not an ISO 8601 or RFC 2822 date in "
                        + location + ": " + text, iso);
            }
        }
    }
}
