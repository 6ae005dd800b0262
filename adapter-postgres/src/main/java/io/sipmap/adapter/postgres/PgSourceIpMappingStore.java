package io.sipmap.adapter.postgres;

import static io.sipmap.adapter.postgres.Columns.time;
import static io.sipmap.adapter.postgres.Columns.uuid;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.spi.SourceIpMappingStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link SourceIpMappingStore} over the {@code source_ip_mappings} table. The invariants are the table's constraints:
 * a unique key on {@code (account, ip_record_sid)} lets one of any number of racing inserts win, and the foreign key
 * to {@code ip_records} rejects a record of no or another account. Each write is one statement that also logs the
 * change through {@code sipmap_log_change} (the mapping, and what its record resolves to after it), so the change log
 * commits with the write or not at all;
 * once committed, the change is applied to this instance's {@link PgResolutionStore} before the stage completes.
 * Creates and deletes go many to a statement, with other accounts' ({@link WriteGroups}).
 * Stages complete on a Vert.x event loop.
 */
final class PgSourceIpMappingStore implements SourceIpMappingStore {

    static final String RECORD_KEY = "source_ip_mappings_ip_record_fkey";
    /** A change's nonce, as {@code sipmap_log_change} draws it (migration V5). */
    static final String NONCE = "floor(random() * 4294967296 - 2147483648)::integer";

    /** The account's counter row locked before any row of the write is (see {@code sipmap_lock_head}). */
    static final String LOCK = "(SELECT sipmap_lock_head($1)) head";
    /** {@link Columns#MAPPING} of the table, apart from the lock's column. */
    static final String COLUMNS = Columns.of("source_ip_mappings", Columns.MAPPING);
    static final PgPages<SourceIpMapping> PAGES = new PgPages<>("source_ip_mappings",
            Columns.MAPPING_PACKED, Columns::packedMapping, SourceIpMapping::sid);
    /**
     * Numbers the change, inserts the mapping and logs it in one statement (see {@link #counted}); no row when the
     * record is not there. Its rows are the change's number, the record's address and prefix length.
     */
    static final String INSERT = counted("SELECT $1::uuid, 1, " + NONCE + " WHERE EXISTS (SELECT 1 FROM"
            + " ip_records WHERE account = $1 AND sid = $3)",
            "m AS (INSERT INTO source_ip_mappings (" + Columns.MAPPING + ") SELECT $1, $2::uuid, $3::uuid, $4::uuid,"
            + " $5::timestamptz, $6::timestamptz FROM h RETURNING sid)",
            "SELECT $1, h.last_seq, $3, m.sid, $4, r.ip_address, r.cidr_prefix_length, 'source_ip_mapping.created',"
            + " m.sid, $4, NULL::text, $5, $6, h.last_nonce, r.ip6 FROM h, m, ip_records r"
            + " WHERE r.account = $1 AND r.sid = $3");
    /**
     * As {@link #INSERT}, for a delete: the number handed out first, then the row deleted. When no row is, the log's
     * row lacks its record and the statement fails on {@code resolution_log}'s not-null constraint, giving the number
     * back; the store reads that as "not found". Its rows are the number, address, prefix length and record.
     */
    private static final String DELETE = counted("VALUES ($1::uuid, 1, " + NONCE + ")",
            "m AS (DELETE FROM source_ip_mappings m USING h WHERE m.account = $1 AND m.sid = $2"
            + " RETURNING m.ip_record_sid, m.sip_domain_sid, m.date_created, m.date_updated)",
            "SELECT $1, h.last_seq, m.ip_record_sid, NULL::uuid, NULL::uuid, r.ip_address, r.cidr_prefix_length,"
            + " 'source_ip_mapping.deleted', $2, m.sip_domain_sid, NULL::text, m.date_created,"
            + " m.date_updated, h.last_nonce, r.ip6"
            + " FROM h LEFT JOIN (m JOIN ip_records r ON r.account = $1 AND r.sid = m.ip_record_sid) ON true");
    /**
     * {@link #INSERT} for a group of mappings of any accounts ({@link WriteGroups}): a row (place, number, the record's
     * address and prefix length) for each mapping whose record there is, none for the others.
     */
    static final String GROUP_INSERT = WriteGroups.statement("SELECT * FROM unnest($2::uuid[], $3::uuid[],"
            + " $4::uuid[], $5::uuid[], $6::timestamptz[], $7::timestamptz[], $8::int[]) WITH ORDINALITY"
            + " AS t(account, sid, ip_record_sid, sip_domain_sid, date_created, date_updated, nonce, ord)",
            "SELECT t.*, r.ip_address, r.cidr_prefix_length, r.ip6 FROM t"
            + " JOIN ip_records r ON r.account = t.account AND r.sid = t.ip_record_sid",
            "m AS (INSERT INTO source_ip_mappings (" + Columns.MAPPING + ") SELECT account, sid, ip_record_sid,"
            + " sip_domain_sid, date_created, date_updated FROM q),"
            + " l AS (INSERT INTO resolution_log (" + PgBatchStore.LOG_COLUMNS + ") SELECT account, seq,"
            + " ip_record_sid, sid, sip_domain_sid, ip_address, cidr_prefix_length, 'source_ip_mapping.created', sid,"
            + " sip_domain_sid, NULL, date_created, date_updated, nonce, ip6 FROM q)"
            + " SELECT ord, seq, ip_address, cidr_prefix_length, ip6 FROM q");
    /**
     * {@link #DELETE} for a group: a mapping not there leaves its change without a record, which fails the group on
     * {@code resolution_log}'s not-null constraint, and its writes are made alone. Rows: place, number, the record,
     * its address and prefix length.
     */
    static final String GROUP_DELETE = WriteGroups.statement("SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::int[])"
            + " WITH ORDINALITY AS t(account, sid, nonce, ord)", "SELECT * FROM t",
            "m AS (DELETE FROM source_ip_mappings s USING q WHERE s.account = q.account AND s.sid = q.sid"
            + " RETURNING s.account, s.sid, s.ip_record_sid, s.sip_domain_sid, s.date_created, s.date_updated),"
            + " l AS (INSERT INTO resolution_log (" + PgBatchStore.LOG_COLUMNS + ") SELECT q.account, q.seq,"
            + " m.ip_record_sid, NULL, NULL, r.ip_address, r.cidr_prefix_length, 'source_ip_mapping.deleted', q.sid,"
            + " m.sip_domain_sid, NULL, m.date_created, m.date_updated, q.nonce, r.ip6 FROM q LEFT JOIN (m JOIN"
            + " ip_records r ON r.account = m.account AND r.sid = m.ip_record_sid) ON m.account = q.account"
            + " AND m.sid = q.sid RETURNING account, seq, ip_record_sid, ip_address, cidr_prefix_length, ip6)"
            + " SELECT q.ord, l.seq, l.ip_record_sid, l.ip_address, l.cidr_prefix_length, l.ip6 FROM l"
            + " JOIN q ON q.account = l.account AND q.seq = l.seq");
    private static final String FIND = "SELECT " + Columns.MAPPING_PACKED
            + " FROM source_ip_mappings WHERE account = $1 AND sid = $2";
    // the IP record is set too, so that the trigger refuses a mapping that would change it
    private static final String REPLACE = logged("UPDATE source_ip_mappings SET ip_record_sid = $3,"
            + " sip_domain_sid = $4, date_updated = $5, date_created = $6 FROM " + LOCK
            + " WHERE account = $1 AND sid = $2 RETURNING " + COLUMNS,
            ", m.*", "source_ip_mapping.updated");
    private static final String MAPPING_OF = "SELECT sid FROM source_ip_mappings"
            + " WHERE account = $1 AND ip_record_sid = $2";

    private final Pool pool;
    private final SqlClient reads;
    private final PgResolutionStore resolutions;
    private final Failures failures;
    private final AccountWrites writes;

    /**
     * A write in one statement, without {@code sipmap_log_change}'s five statements of PL/pgSQL: the account's
     * counter row is updated first (inserted from {@code head}, a query of the account, 1 and a nonce, on the
     * account's first write), which locks it as {@code sipmap_lock_head} does before any row of the write is touched;
     * then {@code write}, a CTE named {@code m} reading {@code h}; then the log's row from {@code log}, a query of its
     * columns, the IPv6 address last. A statement sees the tables as they were when it began, possibly before the write it waited for on the
     * counter row: so only writes whose reads that cannot mislead are made so (an insert, whose record's address never
     * changes and whose unique and foreign keys are checked at the row; a delete, which skips a row deleted meanwhile).
     */
    static String counted(String head, String write, String log) {
        return "WITH h AS (INSERT INTO resolution_log_heads AS h (account, last_seq, last_nonce) " + head
                + " ON CONFLICT (account) DO UPDATE SET last_seq = h.last_seq + 1, last_nonce = excluded.last_nonce,"
                + " changed_xid = pg_current_xact_id() RETURNING last_seq, last_nonce), " + write
                + ", l AS (INSERT INTO resolution_log (account, seq, ip_record_sid, mapping_sid, sip_domain_sid,"
                + " ip_address, cidr_prefix_length, change, resource_sid, resource_sip_domain_sid, friendly_name,"
                + " date_created, date_updated, nonce, ip6) " + log
                + " RETURNING seq, ip_address, cidr_prefix_length, ip_record_sid, ip6)"
                + " SELECT seq, ip_address, cidr_prefix_length, ip_record_sid, ip6 FROM l";
    }

    /**
     * A write {@code dml} (returning the columns of {@link Columns#MAPPING}) and the logging of its {@code change} as
     * one statement: its rows are the change's number, IPv4 address and prefix length, then {@code columns}, then
     * the IPv6 address (one of the two addresses is null).
     */
    static String logged(String dml, String columns, String change) {
        return "WITH m AS (" + dml + ") SELECT l.log_seq, l.log_ip_address, l.log_cidr_prefix_length" + columns
                + ", l.log_ip6 FROM m CROSS JOIN LATERAL sipmap_log_change(m.account, '" + change + "',"
                + " m.ip_record_sid, m.sid, m.sip_domain_sid, NULL, NULL, NULL, m.date_created, m.date_updated, NULL) l";
    }

    private final WriteGroups groups;

    /** Creates, many to a statement. */
    private final WriteGroups.Kind<SourceIpMapping, SourceIpMapping> creates = new WriteGroups.Kind<>() {
        @Override
        public AccountSid account(SourceIpMapping mapping) {
            return mapping.accountSid();
        }

        @Override
        public Object key(SourceIpMapping mapping) {
            return List.of(mapping.accountSid(), mapping.ipRecordSid());
        }

        @Override
        public String sql() {
            return GROUP_INSERT;
        }

        @Override
        public Object[] arrays(List<SourceIpMapping> mappings) {
            int n = mappings.size();
            UUID[] accounts = new UUID[n];
            UUID[] sids = new UUID[n];
            UUID[] records = new UUID[n];
            UUID[] domains = new UUID[n];
            OffsetDateTime[] created = new OffsetDateTime[n];
            OffsetDateTime[] updated = new OffsetDateTime[n];
            Integer[] nonces = new Integer[n];
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < n; i++) {
                SourceIpMapping mapping = mappings.get(i);
                accounts[i] = uuid(mapping.accountSid());
                sids[i] = uuid(mapping.sid());
                records[i] = uuid(mapping.ipRecordSid());
                domains[i] = uuid(mapping.sipDomainSid());
                created[i] = time(mapping.dateCreated());
                updated[i] = time(mapping.dateUpdated());
                nonces[i] = random.nextInt();
            }
            return new Object[] {accounts, sids, records, domains, created, updated, nonces};
        }

        @Override
        public Future<SourceIpMapping> committed(SourceIpMapping mapping, Row row) {
            if (row == null) {
                return Future.failedFuture(noRecord(mapping.ipRecordSid()));
            }
            return resolutions.written(PgResolutionStore.Change.of(mapping.accountSid(), row.getLong(1),
                    mapping.ipRecordSid(), mapping, Columns.prefix(row, 2, 4, 3))).map(mapping);
        }

        @Override
        public Future<SourceIpMapping> alone(SourceIpMapping mapping) {
            return writes.run(mapping.accountSid(), () -> pool.preparedQuery(INSERT).execute(insertTuple(mapping)))
                    .compose(rows -> rows.size() == 0 ? Future.failedFuture(noRecord(mapping.ipRecordSid()))
                            : applied(mapping.accountSid(), mapping.ipRecordSid(), mapping, rows))
                    .map(mapping)
                    .recover(e -> insertFailure(reads, mapping, e));
        }
    };

    /** A mapping's delete. */
    private record Delete(AccountSid account, SourceIpMappingSid sid) {
    }

    /** Deletes, many to a statement. */
    private final WriteGroups.Kind<Delete, Boolean> deletes = new WriteGroups.Kind<>() {
        @Override
        public AccountSid account(Delete delete) {
            return delete.account();
        }

        @Override
        public Object key(Delete delete) {
            return delete;
        }

        @Override
        public String sql() {
            return GROUP_DELETE;
        }

        @Override
        public Object[] arrays(List<Delete> writes) {
            int n = writes.size();
            UUID[] accounts = new UUID[n];
            UUID[] sids = new UUID[n];
            Integer[] nonces = new Integer[n];
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < n; i++) {
                accounts[i] = uuid(writes.get(i).account());
                sids[i] = uuid(writes.get(i).sid());
                nonces[i] = random.nextInt();
            }
            return new Object[] {accounts, sids, nonces};
        }

        @Override
        public Future<Boolean> committed(Delete delete, Row row) {
            // a committed group deleted each of its mappings: one not there fails the group
            return resolutions.written(PgResolutionStore.Change.of(delete.account(), row.getLong(1),
                    Columns.ipRecordSid(row, 2), null, Columns.prefix(row, 3, 5, 4))).map(true);
        }

        @Override
        public Future<Boolean> alone(Delete delete) {
            return writes.run(delete.account(), () -> pool.preparedQuery(DELETE)
                            .execute(Tuple.of(uuid(delete.account()), uuid(delete.sid()))))
                    .compose(rows -> applied(delete.account(), Columns.ipRecordSid(rows.iterator().next(), 3), null,
                            rows).map(true))
                    .recover(e -> Failures.violates(e, Failures.NOT_NULL_VIOLATION, null)
                            ? Future.succeededFuture(false) : Future.failedFuture(e));
        }
    };

    PgSourceIpMappingStore(Pool pool, SqlClient reads, PgResolutionStore resolutions, Failures failures,
            AccountWrites writes, WriteGroups groups) {
        this.pool = pool;
        this.reads = reads;
        this.resolutions = resolutions;
        this.failures = failures;
        this.writes = writes;
        this.groups = groups;
    }

    @Override
    public CompletionStage<SourceIpMapping> insert(SourceIpMapping mapping) {
        return failures.stage(() -> groups.write(creates, mapping));
    }

    /** The parameters of {@link #INSERT} for {@code mapping}. */
    static Tuple insertTuple(SourceIpMapping mapping) {
        return Tuple.of(uuid(mapping.accountSid()), uuid(mapping.sid()), uuid(mapping.ipRecordSid()),
                uuid(mapping.sipDomainSid()), time(mapping.dateCreated()), time(mapping.dateUpdated()));
    }

    static SipmapException noRecord(IpRecordSid record) {
        return new SipmapException.InvalidParameter("IpRecordSid",
                "Invalid IpRecordSid: no IP record " + record + " exists");
    }

    static Future<SourceIpMapping> insertFailure(SqlClient reads, SourceIpMapping mapping, Throwable e) {
        IpRecordSid record = mapping.ipRecordSid();
        if (Failures.violates(e, Failures.FOREIGN_KEY_VIOLATION, RECORD_KEY)) {
            return Future.failedFuture(noRecord(record));
        }
        if (Failures.violates(e, Failures.UNIQUE_VIOLATION, "source_ip_mappings_pkey")) {
            return Future.failedFuture(
                    new SipmapException.Conflict("Source IP mapping " + mapping.sid() + " already exists"));
        }
        if (Failures.violates(e, Failures.UNIQUE_VIOLATION, "source_ip_mappings_one_per_ip_record")) {
            return mappingOf(reads, mapping.accountSid(), record).compose(existing -> Future.failedFuture(
                    new SipmapException.Conflict("IP record " + record + " is already mapped by source IP mapping "
                            + existing)));
        }
        return Future.failedFuture(e);
    }

    /**
     * The SID of the record's mapping, to name it in a refusal: read after the refused statement, so it may be gone
     * by then, or unreadable, and then the text says so; never a failed future.
     */
    static Future<String> mappingOf(SqlClient reads, AccountSid account, IpRecordSid record) {
        return reads.preparedQuery(MAPPING_OF).execute(Tuple.of(uuid(account), uuid(record)))
                .map(rows -> Columns.first(rows, row -> Columns.mappingSid(row, 0).value()).orElse("(since deleted)"))
                .otherwise("(unknown)");
    }

    @Override
    public CompletionStage<Optional<SourceIpMapping>> find(AccountSid account, SourceIpMappingSid sid) {
        return failures.stage(() -> reads.preparedQuery(FIND).execute(Tuple.of(uuid(account), uuid(sid)))
                .map(rows -> Columns.first(rows, row -> Columns.packedMapping(account, row))));
    }

    @Override
    public CompletionStage<Page<SourceIpMapping>> page(AccountSid account, PageRequest request) {
        return failures.stage(() -> PAGES.page(reads, account, request));
    }

    @Override
    public CompletionStage<Optional<SourceIpMapping>> replace(SourceIpMapping mapping) {
        return failures.stage(() -> writes.run(mapping.accountSid(), () -> pool.preparedQuery(REPLACE)
                .execute(Tuple.of(uuid(mapping.accountSid()), uuid(mapping.sid()), uuid(mapping.ipRecordSid()),
                        uuid(mapping.sipDomainSid()), time(mapping.dateUpdated()), time(mapping.dateCreated()))))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        return Future.succeededFuture(Optional.<SourceIpMapping>empty());
                    }
                    // the stored mapping follows the three log columns
                    SourceIpMapping stored = Columns.mapping(rows.iterator().next(), 3);
                    return applied(stored.accountSid(), stored.ipRecordSid(), stored, rows).map(Optional.of(stored));
                })
                .recover(e -> Future.failedFuture(
                        Failures.violates(e, Failures.INTEGRITY_CONSTRAINT_VIOLATION, "source_ip_mappings_fixed")
                                ? new IllegalArgumentException("The IP record and creation date of a mapping never"
                                        + " change")
                                : e)));
    }

    @Override
    public CompletionStage<Boolean> delete(AccountSid account, SourceIpMappingSid sid) {
        return failures.stage(() -> groups.write(deletes, new Delete(account, sid)));
    }

    /**
     * Applies the logged change of a committed write to this instance's replica; the write's stage waits for it. When
     * that needs a read of the log which fails (the database out of reach right after the commit), the write still
     * succeeds, since it did, and the replica gets the change at its next catch-up.
     *
     * @param mapping the record's mapping after the write, null when it was deleted
     */
    private Future<Void> applied(AccountSid account, IpRecordSid record, SourceIpMapping mapping, RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Future.succeededFuture(); // no such record: the foreign key has failed the statement already
        }
        Row row = rows.iterator().next();
        // the record's IPv6 address is the last column of both statements' rows
        return resolutions.written(PgResolutionStore.Change.of(account, row.getLong(0), record, mapping,
                Columns.prefix(row, 1, row.size() - 1, 2)));
    }
}
