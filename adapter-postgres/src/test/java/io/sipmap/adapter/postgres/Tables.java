package io.sipmap.adapter.postgres;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Ipv6Address;
import java.nio.ByteBuffer;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** What the tables of a database hold, read over JDBC, for tests comparing replicas and stores with it. */
final class Tables {

    private Tables() {
    }

    /** The number of the account's last logged change, 0 for none. */
    static long head(PgConnectOptions database, AccountSid account) throws SQLException {
        return count(database, "SELECT last_seq FROM resolution_log_heads WHERE account = ?", Columns.uuid(account));
    }

    /** The first column of the query's first row as a number, 0 for no row. */
    static long count(PgConnectOptions database, String sql, Object parameter) throws SQLException {
        try (Connection connection = TestDatabase.jdbc(database);
             PreparedStatement query = connection.prepareStatement(sql)) {
            query.setObject(1, parameter);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    /** The account's resolutions as the tables hold them, by IP record. */
    static Map<IpRecordSid, Resolution> resolutions(PgConnectOptions database, AccountSid account)
            throws SQLException {
        Map<IpRecordSid, Resolution> resolutions = new HashMap<>();
        try (Connection connection = TestDatabase.jdbc(database);
             PreparedStatement query = connection.prepareStatement("SELECT m.ip_record_sid, m.sid, m.sip_domain_sid,"
                     + " r.ip_address, r.cidr_prefix_length, r.ip6 FROM source_ip_mappings m JOIN ip_records r"
                     + " ON r.account = m.account AND r.sid = m.ip_record_sid WHERE m.account = ?")) {
            query.setObject(1, Columns.uuid(account));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    IpRecordSid record = sid(rows, 1, IpRecordSid::new);
                    byte[] ip6 = rows.getBytes(6);
                    IpPrefix prefix = new IpPrefix(ip6 == null ? new Ipv4Address(rows.getInt(4))
                            : new Ipv6Address(ByteBuffer.wrap(ip6).getLong(0), ByteBuffer.wrap(ip6).getLong(8)),
                            rows.getInt(5));
                    resolutions.put(record, new Resolution(sid(rows, 3, SipDomainSid::new),
                            sid(rows, 2, SourceIpMappingSid::new), record, prefix));
                }
            }
        }
        return resolutions;
    }

    private interface SidOf<S> {
        S of(long high, long low);
    }

    private static <S> S sid(ResultSet rows, int column, SidOf<S> kind) throws SQLException {
        UUID uuid = rows.getObject(column, UUID.class);
        return kind.of(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
    }
}
