package io.sipmap.adapter.http.client;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.Cursor;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.Page;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Reads Twilio's JSON into domain records by hand, ignoring unknown fields and {@code url} as Twilio's SDK does; a
 * missing or unreadable SID, date, address or prefix length fails with {@code Upstream} naming the field.
 */
final class WireJson {

    private WireJson() {
    }

    /** A page as read, with the server's {@code next_page_url} as given (null on the last page), for streaming. */
    record RawPage<T>(Page<T> page, String nextPageUrl) {
    }

    static SourceIpMapping mapping(JsonObject o, AccountSid account) {
        return new SourceIpMapping(account,
                sid(o, "sid", SourceIpMappingSid::parse),
                sid(o, "ip_record_sid", IpRecordSid::parse),
                sid(o, "sip_domain_sid", SipDomainSid::parse),
                date(o, "date_created"),
                date(o, "date_updated"));
    }

    /** The answer of the sipmap resolve extension: {@code resolution} null is no match. */
    static Optional<Resolution> resolution(JsonObject o) {
        Object value = o.getValue("resolution");
        if (value == null) {
            if (!o.containsKey("resolution")) {
                throw invalid("resolution", "missing");
            }
            return Optional.empty();
        }
        if (!(value instanceof JsonObject r)) {
            throw invalid("resolution", "an object or null expected, got " + value);
        }
        IpAddress address = address(r, "ip_address");
        return Optional.of(new Resolution(
                sid(r, "sip_domain_sid", SipDomainSid::parse),
                sid(r, "source_ip_mapping_sid", SourceIpMappingSid::parse),
                sid(r, "ip_record_sid", IpRecordSid::parse),
                new IpPrefix(address, prefixLength(r, address))));
    }

    /** The JSON address export: what each mapped IP record resolves to, as of change {@code lastEventId}. */
    record AddressExport(ChangeId lastEventId, List<Resolution> entries) {
    }

    /** Reads {@code GET /sipmap/v1/Exports/Addresses}; a prefix is its record's own address, host bits kept. */
    static AddressExport addressExport(JsonObject o) {
        ChangeId last = parse(o, "last_event_id", text -> ChangeId.parse("last_event_id", text));
        return new AddressExport(last, objects(o, "entries", e -> new Resolution(sid(e, "sip_domain_sid",
                SipDomainSid::parse), sid(e, "source_ip_mapping_sid", SourceIpMappingSid::parse),
                sid(e, "ip_record_sid", IpRecordSid::parse), recordPrefix(e))));
    }

    /** The objects of the array {@code key}, each read by {@code item}; a failure names the entry. */
    private static <T> List<T> objects(JsonObject o, String key, Function<JsonObject, T> item) {
        Object array = o.getValue(key);
        if (!(array instanceof JsonArray entries)) {
            throw invalid(key, "an array expected, got " + array);
        }
        List<T> items = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Object entry = entries.getValue(i);
            if (!(entry instanceof JsonObject object)) {
                throw invalid(key + "[" + i + "]", "an object expected, got " + entry);
            }
            try {
                items.add(item.apply(object));
            } catch (SipmapException.Upstream e) {
                throw new SipmapException.Upstream("in " + key + "[" + i + "]: " + e.getMessage(), null, e);
            }
        }
        return items;
    }

    /**
     * One event of the change feed, numbered by {@code id}: an IP record's change as the record, a mapping's as the
     * mapping with the prefix of its record, which the event must carry ({@code ip_record_address} and
     * {@code cidr_prefix_length}, the feed's extension of the mapping's body).
     *
     * @throws SipmapException.Upstream for an unknown type or data that does not read
     */
    static Change change(ChangeId id, String type, String data, AccountSid account) {
        Change.Kind kind = Change.Kind.ofWireName(type)
                .orElseThrow(() -> invalid("event", "a change type expected, got '" + abbreviate(type) + "'"));
        JsonObject o;
        try {
            o = new JsonObject(data);
        } catch (DecodeException e) {
            throw invalid("data", "JSON expected: " + e.getMessage());
        }
        return kind.ofIpRecord() ? new Change(id, kind, ipRecord(o), null)
                : new Change(id, kind, mapping(o, account), recordPrefix(o));
    }

    private static IpPrefix recordPrefix(JsonObject o) {
        IpAddress address = address(o, "ip_record_address");
        return new IpPrefix(address, prefixLength(o, address));
    }

    static IpRecord ipRecord(JsonObject o) {
        Object friendlyName = o.getValue("friendly_name");
        if (friendlyName != null && !(friendlyName instanceof String)) {
            throw invalid("friendly_name", "a string or null expected, got " + friendlyName);
        }
        IpAddress address = address(o, "ip_address");
        int length = prefixLength(o, address);
        return new IpRecord(
                sid(o, "account_sid", AccountSid::parse),
                sid(o, "sid", IpRecordSid::parse),
                (String) friendlyName,
                address,
                length,
                date(o, "date_created"),
                date(o, "date_updated"));
    }

    /**
     * Reads a list page. Its cursors come from the {@code PageToken}s of {@code next_page_url} and
     * {@code previous_page_url}; a token that is not sipmap's {@code PA}/{@code PB} form (Twilio's may be opaque) is
     * replaced by the keyset cursor after the last (before the first) item, which is what such a token means.
     */
    static <T> RawPage<T> page(JsonObject body, String key, String sidPrefix, Function<JsonObject, T> item,
                               Function<T, String> sidOf) {
        Object meta = body.getValue("meta");
        if (!(meta instanceof JsonObject metaObject)) {
            throw invalid("meta", "an object expected, got " + meta);
        }
        List<T> items = objects(body, key, item);
        String next = url(metaObject, "next_page_url");
        String previous = url(metaObject, "previous_page_url");
        Optional<Cursor> nextCursor = cursor(next, sidPrefix,
                items.isEmpty() ? null : new Cursor.After(sidOf.apply(items.get(items.size() - 1))));
        Optional<Cursor> previousCursor = cursor(previous, sidPrefix,
                items.isEmpty() ? null : new Cursor.Before(sidOf.apply(items.get(0))));
        return new RawPage<>(new Page<>(items, nextCursor, previousCursor), next);
    }

    private static Optional<Cursor> cursor(String url, String sidPrefix, Cursor fallback) {
        if (url == null) {
            return Optional.empty();
        }
        String token = queryParameter(url, "PageToken");
        String page = queryParameter(url, "Page");
        String size = queryParameter(url, "PageSize");
        try {
            if (token != null) {
                return Optional.of(Cursor.parseToken(token, sidPrefix));
            }
            if (page != null && size != null) {
                return Optional.of(new Cursor.Offset(Math.multiplyExact(Long.parseLong(page), Long.parseLong(size))));
            }
        } catch (NumberFormatException | ArithmeticException | SipmapException.InvalidParameter unreadable) {
            // an opaque token (Twilio's may be), or a page that does not read: the fallback is what it means
        }
        return Optional.ofNullable(fallback);
    }

    /** The first value of a query parameter of {@code url}, decoded; null when absent. */
    static String queryParameter(String url, String name) {
        int q = url.indexOf('?');
        if (q < 0) {
            return null;
        }
        int end = url.indexOf('#', q);
        String query = url.substring(q + 1, end < 0 ? url.length() : end);
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String url(JsonObject meta, String field) {
        Object value = meta.getValue(field);
        if (value == null || value instanceof String s && s.isEmpty()) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw invalid("meta." + field, "a URL or null expected, got " + value);
        }
        return s;
    }

    /**
     * An address of either family (sipmap's IPv6 extension; Twilio sends IPv4 only). An IPv4-mapped IPv6 spelling reads
     * as the IPv4 address it names, as the server reads it.
     */
    private static IpAddress address(JsonObject o, String field) {
        return parse(o, field, text -> IpAddress.parse(text, field));
    }

    /**
     * A record's prefix length for its {@code address}: 1..32 (IPv6: 1..128), or 0, which Twilio takes for the whole
     * address (WIRE.md), so read as 32 (128).
     */
    private static int prefixLength(JsonObject o, IpAddress address) {
        Object prefix = o.getValue("cidr_prefix_length");
        int bits = address.bitLength();
        long length = prefix instanceof Integer || prefix instanceof Long ? ((Number) prefix).longValue() : -1;
        if (length < 0 || length > bits) {
            throw invalid("cidr_prefix_length", "an integer from 0 to " + bits + " expected, got " + prefix);
        }
        return IpPrefix.requestedLength((int) length, address);
    }

    private static <S> S sid(JsonObject o, String field, BiFunction<String, String, S> parse) {
        return parse(o, field, text -> parse.apply(text, field));
    }

    private static Instant date(JsonObject o, String field) {
        return parse(o, field, text -> {
            try {
                return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                throw new SipmapException.InvalidParameter(field,
                        "an ISO 8601 date such as 2020-03-18T23:31:36Z expected, got '" + abbreviate(text) + "'");
            }
        });
    }

    private static <V> V parse(JsonObject o, String field, Function<String, V> parser) {
        Object value = o.getValue(field);
        if (!(value instanceof String text)) {
            throw invalid(field, value == null ? "missing or null" : "a string expected, got " + value);
        }
        try {
            return parser.apply(text);
        } catch (SipmapException.InvalidParameter e) {
            throw invalid(field, e.getMessage());
        }
    }

    private static SipmapException.Upstream invalid(String field, String problem) {
        return new SipmapException.Upstream("field '" + field + "' of the response is invalid: " + problem, null, null);
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
