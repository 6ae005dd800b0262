package io.sipmap.adapter.postgres;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
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
 * address its 32 bits in an {@code integer}, a time a {@code timestamptz}.
 */
final class Columns {

    /** A record's columns, as writes return them. */
    static final String IP_RECORD = "account, sid, friendly_name, ip_address, cidr_prefix_length, date_created,"
            + " date_updated";
    /** A mapping's columns, as writes return them. */
    static final String MAPPING = "account, sid, ip_record_sid, sip_domain_sid, date_created, date_updated";

    /**
     * What a read by account selects of a mapping: its generated column {@code packed} (migration V4), the columns of
     * {@link #MAPPING} but the account in their binary send formats, 64 bytes, which the primary key's index carries.
     */
    static final String MAPPING_PACKED = "packed";
    /** What a read by account selects of a record: its {@code packed} columns (38 bytes), then its name. */
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
                new Ipv4Address(row.getInteger(from + 3)), row.getInteger(from + 4), instant(row, from + 5),
                instant(row, from + 6));
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
        return new IpRecord(account, new IpRecordSid(packed.getLong(0), packed.getLong(8)), row.getString(1),
                new Ipv4Address(packed.getInt(16)), packed.getShort(20), packedSecond(packed, 22),
                packedSecond(packed, 30));
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
