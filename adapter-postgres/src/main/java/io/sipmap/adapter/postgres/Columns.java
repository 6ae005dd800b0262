package io.sipmap.adapter.postgres;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.Sid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
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

    /** What a read by account selects of a record: its columns but the account, which the caller knows. */
    static final String IP_RECORD_READ = "sid, friendly_name, ip_address, cidr_prefix_length, date_created,"
            + " date_updated";
    /** What a read by account selects of a mapping: its columns but the account, which the caller knows. */
    static final String MAPPING_READ = "sid, ip_record_sid, sip_domain_sid, date_created, date_updated";
    static final String IP_RECORD = "account, " + IP_RECORD_READ;
    static final String MAPPING = "account, " + MAPPING_READ;

    private Columns() {
    }

    /** {@code columns}, each prefixed with {@code table}: for a statement whose FROM names another table too. */
    static String of(String table, String columns) {
        return table + "." + String.join(", " + table + ".", columns.split(", "));
    }

    static UUID uuid(Sid sid) {
        return new UUID(sid.high(), sid.low());
    }

    static UUID uuidOrNull(Sid sid) {
        return sid == null ? null : uuid(sid);
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

    /** A record from the columns of {@link #IP_RECORD}, in that order from {@code 0}. */
    static IpRecord ipRecord(Row row) {
        return ipRecord(row, 0);
    }

    /** A record from the columns of {@link #IP_RECORD}, in that order from {@code from}. */
    static IpRecord ipRecord(Row row, int from) {
        return new IpRecord(accountSid(row, from), ipRecordSid(row, from + 1), row.getString(from + 2),
                new Ipv4Address(row.getInteger(from + 3)), row.getInteger(from + 4), instant(row, from + 5),
                instant(row, from + 6));
    }

    /** A record of {@code account} from the columns of {@link #IP_RECORD_READ}, in that order from {@code 0}. */
    static IpRecord ipRecord(AccountSid account, Row row) {
        return new IpRecord(account, ipRecordSid(row, 0), row.getString(1), new Ipv4Address(row.getInteger(2)),
                row.getInteger(3), instant(row, 4), instant(row, 5));
    }

    /** A mapping of {@code account} from the columns of {@link #MAPPING_READ}, in that order from {@code 0}. */
    static SourceIpMapping mapping(AccountSid account, Row row) {
        return new SourceIpMapping(account, mappingSid(row, 0), ipRecordSid(row, 1), sipDomainSid(row, 2),
                instant(row, 3), instant(row, 4));
    }

    /** A mapping from the columns of {@link #MAPPING}, in that order from {@code 0}. */
    static SourceIpMapping mapping(Row row) {
        return mapping(row, 0);
    }

    /** A mapping from the columns of {@link #MAPPING}, in that order from {@code from}. */
    static SourceIpMapping mapping(Row row, int from) {
        return new SourceIpMapping(accountSid(row, from), mappingSid(row, from + 1), ipRecordSid(row, from + 2),
                sipDomainSid(row, from + 3), instant(row, from + 4), instant(row, from + 5));
    }
}
