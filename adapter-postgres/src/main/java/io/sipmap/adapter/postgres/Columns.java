package io.sipmap.adapter.postgres;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Ipv6Address;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.Sid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * How domain values sit in columns: a SID is a {@code uuid} of the same 128 bits (PostgreSQL compares uuids as
 * unsigned bytes, which is SID order; {@link UUID#compareTo} is signed, so ordering is left to the database), an
 * IPv4 address its 32 bits in an {@code integer} ({@code ip_address}), an IPv6 one its 16 bytes in a {@code bytea}
 * ({@code ip6}, migration V7), the other of the two null, a time a {@code timestamptz}.
 */
final class Columns {

    /** A record's columns, as writes return them. */
    static final String IP_RECORD = "account, sid, friendly_name, ip_address, cidr_prefix_length, date_created,"
            + " date_updated, ip6";
    /** A mapping's columns, as writes return them. */
    static final String MAPPING = "account, sid, ip_record_sid, sip_domain_sid, date_created, date_updated";

    /**
     * What a read by account selects of a mapping: its generated column {@code packed} (migration V4), the columns of
     * {@link #MAPPING} but the account in their binary send formats, 64 bytes, which the primary key's index carries.
     */
    static final String MAPPING_PACKED = "packed";
    /**
     * What a read by account selects of a record: its {@code packed} columns, then its name. An IPv4 record's are 38
     * bytes (V4); an IPv6 record's 56, the same with 0 for the IPv4 address and prefix length, then its 16 bytes and
     * its prefix length (V7).
     */
    static final String IP_RECORD_PACKED = "packed, friendly_name";
    /** PostgreSQL's epoch, 2000-01-01T00:00:00Z, in seconds of the Unix epoch. */
    private static final long PG_EPOCH_SECOND = 946_684_800L;

    private Columns() {
    }

    /** {@code columns}, each prefixed with {@code table}: for a statement whose FROM names another table too. */
    static String of(String table, String columns) {
        return table + "." + String.join(", " + table + ".", columns.split(", "));
    }

    static UUID uuid(Sid sid) {
        return new UUID(sid.high(), sid.low());
    }

    static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static AccountSid accountSid(Row row, int column) {
        UUID u = row.getUUID(column);
        return new AccountSid(u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    static IpRecordSid ipRecordSid(Row row, int column) {
        UUID u = row.getUUID(column);
        return new IpRecordSid(u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    static SourceIpMappingSid mappingSid(Row row, int column) {
        UUID u = row.getUUID(column);
        return u == null ? null : new SourceIpMappingSid(u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    static SipDomainSid sipDomainSid(Row row, int column) {
        UUID u = row.getUUID(column);
        return u == null ? null : new SipDomainSid(u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    static Instant instant(Row row, int column) {
        return row.getOffsetDateTime(column).toInstant();
    }

    /** The first row of {@code rows} as {@code read} makes it, or empty when there is none. */
    static <T> Optional<T> first(RowSet<Row> rows, Function<Row, T> read) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(read.apply(rows.iterator().next()));
    }

    /** A record from the columns of {@link #IP_RECORD}, in that order from {@code from}. */
    static IpRecord ipRecord(Row row, int from) {
        return new IpRecord(accountSid(row, from), ipRecordSid(row, from + 1), row.getString(from + 2),
                address(row, from + 3, from + 7), row.getInteger(from + 4), instant(row, from + 5),
                instant(row, from + 6));
    }

    /** The IPv4 column's value of {@code address}: its bits, or null for an IPv6 address. */
    static Integer ipv4(IpAddress address) {
        return address instanceof Ipv4Address v4 ? v4.bits() : null;
    }

    /** The IPv6 column's value of {@code address}: its 16 bytes, or null for an IPv4 address. */
    static Buffer ipv6(IpAddress address) {
        return address instanceof Ipv6Address v6 ? Buffer.buffer(16).appendLong(v6.high()).appendLong(v6.low()) : null;
    }

    /** The address of a row's IPv4 column {@code v4} or, when that is null, its IPv6 column {@code v6}. */
    static IpAddress address(Row row, int v4, int v6) {
        Integer bits = row.getInteger(v4);
        if (bits != null) {
            return new Ipv4Address(bits);
        }
        Buffer bytes = row.getBuffer(v6);
        return new Ipv6Address(bytes.getLong(0), bytes.getLong(8));
    }

    /** The prefix of a row's address columns ({@link #address}) and prefix length column {@code length}. */
    static IpPrefix prefix(Row row, int v4, int v6, int length) {
        return new IpPrefix(address(row, v4, v6), row.getInteger(length));
    }

    /** A mapping of {@code account} from the row of {@link #MAPPING_PACKED}. */
    static SourceIpMapping packedMapping(AccountSid account, Row row) {
        Buffer packed = row.getBuffer(0);
        return new SourceIpMapping(account, new SourceIpMappingSid(packed.getLong(0), packed.getLong(8)),
                new IpRecordSid(packed.getLong(16), packed.getLong(24)),
                new SipDomainSid(packed.getLong(32), packed.getLong(40)), packedSecond(packed, 48),
                packedSecond(packed, 56));
    }

    /** A record of {@code account} from the row of {@link #IP_RECORD_PACKED}. */
    static IpRecord packedIpRecord(AccountSid account, Row row) {
        Buffer packed = row.getBuffer(0);
        boolean v4 = packed.length() == 38;
        return new IpRecord(account, new IpRecordSid(packed.getLong(0), packed.getLong(8)), row.getString(1),
                v4 ? new Ipv4Address(packed.getInt(16)) : new Ipv6Address(packed.getLong(38), packed.getLong(46)),
                v4 ? packed.getShort(20) : packed.getShort(54), packedSecond(packed, 22), packedSecond(packed, 30));
    }

    /** The second of a packed timestamptz (the domain keeps whole seconds). */
    private static Instant packedSecond(Buffer packed, int at) {
        return Instant.ofEpochSecond(PG_EPOCH_SECOND + Math.floorDiv(packed.getLong(at), 1_000_000L));
    }

    /** A mapping from the columns of {@link #MAPPING}, in that order from {@code from}. */
    static SourceIpMapping mapping(Row row, int from) {
        return new SourceIpMapping(accountSid(row, from), mappingSid(row, from + 1), ipRecordSid(row, from + 2),
                sipDomainSid(row, from + 3), instant(row, from + 4), instant(row, from + 5));
    }
}
