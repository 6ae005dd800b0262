package io.sipmap.benchmarks;

import io.sipmap.adapter.postgres.PgStoreOptions;
import io.sipmap.adapter.postgres.PgStores;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Sid;
import io.sipmap.domain.SourceIpMapping;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * An embedded PostgreSQL (zonky's binaries) holding one account with many mappings, for the benchmarks of the
 * PostgreSQL stores. The schema comes from the stores' own migrations (a first {@link PgStores#start}); the rows are
 * then written by SQL in bulk, as the stores would have written them one by one: an IP record and its mapping each,
 * with the SIDs {@link PagingBenchmark} pages by, one change log row per mapping numbered 1..n, and the account's
 * counter at n; then ANALYZE.
 */
final class PgBenchDatabase implements AutoCloseable {

    /** The first 12 hex digits of the benchmark SIDs: a millisecond, as in time-ordered SIDs. */
    static final long EPOCH_MILLI = 1_767_225_600_000L;

    private final EmbeddedPostgres server;
    private final PgConnectOptions connect;

    private PgBenchDatabase(EmbeddedPostgres server) {
        this.server = server;
        this.connect = new PgConnectOptions().setHost("localhost").setPort(server.getPort()).setDatabase("postgres")
                .setUser("postgres").setPassword("postgres");
    }

    static PgBenchDatabase start() throws IOException {
        return new PgBenchDatabase(EmbeddedPostgres.builder().start());
    }

    PgStoreOptions options() {
        return PgStoreOptions.of(connect);
    }

    /** The hex digits of the i-th SID, as {@link PagingBenchmark} makes them: a millisecond prefix, then i. */
    static String hex(int i) {
        return String.format("%012x%020x", EPOCH_MILLI + i / 16, i);
    }

    /** Migrates the schema, then writes {@code mappings} mapped IP records of {@code account}; returns the millis. */
    long load(Vertx vertx, AccountSid account, int mappings) throws Exception {
        long start = System.nanoTime();
        PgStores.start(vertx, options()).await(60, TimeUnit.SECONDS).close().await(10, TimeUnit.SECONDS);
        String owner = "'" + uuid(account.value().substring(2)) + "'::uuid";
        String sid = "(lpad(to_hex(" + EPOCH_MILLI + " + i / 16), 12, '0') || lpad(to_hex(i), 20, '0'))::uuid";
        String address = "((i::bigint * 2654435761) % 4294967296 - 2147483648)::integer";
        String domain = "'" + uuid(String.format("%032x", 1)) + "'::uuid";
        String series = " FROM generate_series(0, " + (mappings - 1) + ") i";
        try (Connection connection = jdbc(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO ip_records SELECT " + owner + ", " + sid + ", NULL, " + address
                    + ", 32, now(), now()" + series);
            statement.execute("INSERT INTO source_ip_mappings SELECT " + owner + ", " + sid + ", " + sid + ", "
                    + domain + ", now(), now()" + series);
            statement.execute("INSERT INTO resolution_log (account, seq, ip_record_sid, mapping_sid, sip_domain_sid,"
                    + " ip_address, cidr_prefix_length) SELECT " + owner + ", i + 1, " + sid + ", " + sid + ", "
                    + domain + ", " + address + ", 32" + series);
            statement.execute("INSERT INTO resolution_log_heads (account, last_seq) VALUES (" + owner + ", "
                    + mappings + ")");
            statement.execute("ANALYZE");
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /**
     * Migrates the schema, then writes the given records and mappings (each mapping's record among them) as the stores
     * would have: the rows, one change log row per mapping numbered 1..n, the account's counter at n; in batches.
     */
    void load(Vertx vertx, AccountSid account, List<IpRecord> records, List<SourceIpMapping> mappings)
            throws Exception {
        PgStores.start(vertx, options()).await(60, TimeUnit.SECONDS).close().await(10, TimeUnit.SECONDS);
        Map<IpRecordSid, IpRecord> byRecord = new HashMap<>();
        records.forEach(r -> byRecord.put(r.sid(), r));
        try (Connection connection = jdbc()) {
            connection.setAutoCommit(false);
            try (PreparedStatement record = connection.prepareStatement("INSERT INTO ip_records VALUES"
                    + " (?, ?, NULL, ?, ?, ?, ?)")) {
                for (IpRecord r : records) {
                    record.setObject(1, uuidOf(account));
                    record.setObject(2, uuidOf(r.sid()));
                    record.setInt(3, ((Ipv4Address) r.ipAddress()).bits());
                    record.setShort(4, (short) r.cidrPrefixLength());
                    record.setObject(5, r.dateCreated().atOffset(ZoneOffset.UTC));
                    record.setObject(6, r.dateUpdated().atOffset(ZoneOffset.UTC));
                    record.addBatch();
                }
                record.executeBatch();
            }
            try (PreparedStatement mapping = connection.prepareStatement("INSERT INTO source_ip_mappings VALUES"
                    + " (?, ?, ?, ?, ?, ?)");
                 PreparedStatement log = connection.prepareStatement("INSERT INTO resolution_log (account, seq,"
                         + " ip_record_sid, mapping_sid, sip_domain_sid, ip_address, cidr_prefix_length)"
                         + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                long seq = 0;
                for (SourceIpMapping m : mappings) {
                    IpRecord r = byRecord.get(m.ipRecordSid());
                    mapping.setObject(1, uuidOf(account));
                    mapping.setObject(2, uuidOf(m.sid()));
                    mapping.setObject(3, uuidOf(m.ipRecordSid()));
                    mapping.setObject(4, uuidOf(m.sipDomainSid()));
                    mapping.setObject(5, m.dateCreated().atOffset(ZoneOffset.UTC));
                    mapping.setObject(6, m.dateUpdated().atOffset(ZoneOffset.UTC));
                    mapping.addBatch();
                    log.setObject(1, uuidOf(account));
                    log.setLong(2, ++seq);
                    log.setObject(3, uuidOf(m.ipRecordSid()));
                    log.setObject(4, uuidOf(m.sid()));
                    log.setObject(5, uuidOf(m.sipDomainSid()));
                    log.setInt(6, ((Ipv4Address) r.ipAddress()).bits());
                    log.setShort(7, (short) r.cidrPrefixLength());
                    log.addBatch();
                }
                mapping.executeBatch();
                log.executeBatch();
                try (Statement statement = connection.createStatement()) {
                    statement.execute("INSERT INTO resolution_log_heads (account, last_seq) VALUES ('"
                            + uuidOf(account) + "', " + seq + ")");
                }
            }
            connection.commit();
            try (Statement statement = connection.createStatement()) {
                statement.execute("ANALYZE");
            }
        }
    }

    private static UUID uuidOf(Sid sid) {
        return new UUID(sid.high(), sid.low());
    }

    private static String uuid(String hex) {
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    private Connection jdbc() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + server.getPort() + "/postgres",
                "postgres", "postgres");
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
