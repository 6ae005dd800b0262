package io.sipmap.adapter.postgres;

import static io.sipmap.adapter.postgres.Columns.time;
import static io.sipmap.adapter.postgres.Columns.uuid;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipmapException;
import io.sipmap.spi.IpRecordStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
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
 * {@link IpRecordStore} over the {@code ip_records} table, one statement a call. Deleting a mapped record is refused
 * by the foreign key of {@code source_ip_mappings}, whatever races it; a replace changes the friendly name and the
 * update date only (a trigger keeps the address, prefix and creation date, and refuses a replace that would change
 * them). Each write is one statement that also logs the change through {@code sipmap_log_change}, numbered in the
 * account's one sequence of changes with the mappings' writes, so the change commits with the write or not at all.
 * Creates go many to a statement, with other accounts' ({@link WriteGroups}). Stages complete on a Vert.x event loop.
 */
final class PgIpRecordStore implements IpRecordStore {

    /** {@link Columns#IP_RECORD} of the table, apart from the lock's column. */
    static final String COLUMNS = Columns.of("ip_records", Columns.IP_RECORD);
    static final PgPages<IpRecord> PAGES = new PgPages<>("ip_records", Columns.IP_RECORD_PACKED,
            Columns::packedIpRecord, IpRecord::sid);
    /** Numbers, inserts and logs a record in one statement ({@link PgSourceIpMappingStore#counted}): the number. */
    static final String INSERT = PgSourceIpMappingStore.counted("VALUES ($1::uuid, 1, "
            + PgSourceIpMappingStore.NONCE + ")", "m AS (INSERT INTO ip_records (" + Columns.IP_RECORD + ") SELECT $1,"
            + " $2::uuid, $3::text, $4::integer, $5::smallint, $6::timestamptz, $7::timestamptz, $8::bytea FROM h"
            + " RETURNING sid)",
            "SELECT $1, h.last_seq, m.sid, NULL::uuid, NULL::uuid, $4, $5, 'ip_record.created', m.sid, NULL::uuid,"
            + " $3, $6, $7, h.last_nonce, $8 FROM h, m");
    /** {@link #INSERT} for a group of records of any accounts ({@link WriteGroups}): rows of place and number. */
    static final String GROUP_INSERT = WriteGroups.statement("SELECT * FROM unnest($2::uuid[], $3::uuid[],"
            + " $4::text[], $5::int[], $6::int2[], $7::timestamptz[], $8::timestamptz[], $9::int[], $10::bytea[])"
            + " WITH ORDINALITY AS t(account, sid, friendly_name, ip_address, cidr_prefix_length, date_created,"
            + " date_updated, nonce, ip6, ord)", "SELECT * FROM t",
            "m AS (INSERT INTO ip_records (" + Columns.IP_RECORD + ") SELECT account, sid, friendly_name, ip_address,"
            + " cidr_prefix_length, date_created, date_updated, ip6 FROM q),"
            + " l AS (INSERT INTO resolution_log (" + PgBatchStore.LOG_COLUMNS + ") SELECT account, seq, sid, NULL,"
            + " NULL, ip_address, cidr_prefix_length, 'ip_record.created', sid, NULL, friendly_name, date_created,"
            + " date_updated, nonce, ip6 FROM q)"
            + " SELECT ord, seq FROM q");
    private static final String FIND = "SELECT " + Columns.IP_RECORD_PACKED
            + " FROM ip_records WHERE account = $1 AND sid = $2";
    /** Sets the fixed columns too, to what they were, so that the trigger refuses a replace that would change them. */
    private static final String REPLACE = logged("UPDATE ip_records SET friendly_name = $3, date_updated = $4,"
            + " ip_address = $5, cidr_prefix_length = $6, date_created = $7, ip6 = $8 FROM " + PgSourceIpMappingStore.LOCK
            + " WHERE account = $1 AND sid = $2 RETURNING " + COLUMNS, "ip_record.updated");
    static final String DELETE = logged("DELETE FROM ip_records USING " + PgSourceIpMappingStore.LOCK
            + " WHERE account = $1 AND sid = $2 RETURNING " + COLUMNS, "ip_record.deleted");
    /** Where the record's columns begin in the rows of a logged write, after the five of the log. */
    static final int RECORD_AT = 5;

    /**
     * A write {@code dml} (returning the columns of {@link Columns#IP_RECORD}) and the logging of its {@code change}
     * as one statement: its rows are the change's number, the record's address and prefix length, its mapping and
     * SIP domain (what it resolves to, which the write leaves as it was), then the record.
     */
    static String logged(String dml, String change) {
        return "WITH r AS (" + dml + ") SELECT l.log_seq, l.log_ip_address, l.log_cidr_prefix_length,"
                + " l.log_mapping_sid, l.log_sip_domain_sid, r.* FROM r CROSS JOIN LATERAL sipmap_log_change(r.account,"
                + " '" + change + "', r.sid, r.sid, NULL, r.friendly_name, r.ip_address, r.cidr_prefix_length,"
                + " r.date_created, r.date_updated, r.ip6) l";
    }

    private final Pool pool;
    private final SqlClient reads;
    private final PgResolutionStore resolutions;
    private final Failures failures;
    private final AccountWrites writes;
    private final WriteGroups groups;
    /** Creates, many to a statement. */
    private final WriteGroups.Kind<IpRecord, IpRecord> creates = new WriteGroups.Kind<>() {
        @Override
        public AccountSid account(IpRecord record) {
            return record.accountSid();
        }

        @Override
        public Object key(IpRecord record) {
            return record.sid();
        }

        @Override
        public String sql() {
            return GROUP_INSERT;
        }

        @Override
        public Object[] arrays(List<IpRecord> records) {
            int n = records.size();
            UUID[] accounts = new UUID[n];
            UUID[] sids = new UUID[n];
            String[] names = new String[n];
            Integer[] addresses = new Integer[n];
            Short[] lengths = new Short[n];
            OffsetDateTime[] created = new OffsetDateTime[n];
            OffsetDateTime[] updated = new OffsetDateTime[n];
            Integer[] nonces = new Integer[n];
            Buffer[] ip6s = new Buffer[n];
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < n; i++) {
                IpRecord record = records.get(i);
                accounts[i] = uuid(record.accountSid());
                sids[i] = uuid(record.sid());
                names[i] = record.friendlyName();
                addresses[i] = Columns.ipv4(record.ipAddress());
                ip6s[i] = Columns.ipv6(record.ipAddress());
                lengths[i] = (short) record.cidrPrefixLength();
                created[i] = time(record.dateCreated());
                updated[i] = time(record.dateUpdated());
                nonces[i] = random.nextInt();
            }
            return new Object[] {accounts, sids, names, addresses, lengths, created, updated, nonces, ip6s};
        }

        @Override
        public Future<IpRecord> committed(IpRecord record, Row row) {
            // every record of a committed group was written: its one failure, a SID taken, fails the group
            return resolutions.written(new PgResolutionStore.Change(record.accountSid(), row.getLong(1),
                    record.sid(), null, null, record.prefix())).map(record);
        }

        @Override
        public Future<IpRecord> alone(IpRecord record) {
            return writes.run(record.accountSid(), () -> pool.preparedQuery(INSERT).execute(insertTuple(record)))
                    // a new record has no mapping; the row is the record as given
                    .compose(rows -> resolutions.written(new PgResolutionStore.Change(record.accountSid(),
                            rows.iterator().next().getLong(0), record.sid(), null, null, record.prefix()))
                            .map(record))
                    .recover(e -> Future.failedFuture(insertFailure(record, e)));
        }
    };

    PgIpRecordStore(Pool pool, SqlClient reads, PgResolutionStore resolutions, Failures failures,
            AccountWrites writes, WriteGroups groups) {
        this.pool = pool;
        this.reads = reads;
        this.resolutions = resolutions;
        this.failures = failures;
        this.writes = writes;
        this.groups = groups;
    }

    /**
     * Hands the numbered change of a committed write to this instance's replica, which must apply every number in
     * order (the write leaves what the record resolves to as it was); the write's stage waits for it, as a mapping
     * write's does. A failed read of the log there delays the replica to its next catch-up, never fails the write.
     */
    private Future<Void> applied(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Future.succeededFuture();
        }
        Row row = rows.iterator().next();
        IpRecord record = Columns.ipRecord(row, RECORD_AT);
        return resolutions.written(new PgResolutionStore.Change(record.accountSid(), row.getLong(0), record.sid(),
                Columns.mappingSid(row, 3), Columns.sipDomainSid(row, 4), record.prefix()));
    }

    @Override
    public CompletionStage<IpRecord> insert(IpRecord record) {
        return failures.stage(() -> groups.write(creates, record));
    }

    /** The parameters of {@link #INSERT} for {@code record}. */
    static Tuple insertTuple(IpRecord record) {
        return Tuple.from(new Object[] {uuid(record.accountSid()), uuid(record.sid()), record.friendlyName(),
                Columns.ipv4(record.ipAddress()), (short) record.cidrPrefixLength(), time(record.dateCreated()),
                time(record.dateUpdated()), Columns.ipv6(record.ipAddress())});
    }

    /** The failure of {@link #INSERT} as the caller sees it: a conflict when the record exists, else {@code e}. */
    static Throwable insertFailure(IpRecord record, Throwable e) {
        return Failures.violates(e, Failures.UNIQUE_VIOLATION, "ip_records_pkey")
                ? new SipmapException.Conflict("IP record " + record.sid() + " already exists")
                : e;
    }

    @Override
    public CompletionStage<Optional<IpRecord>> find(AccountSid account, IpRecordSid sid) {
        return failures.stage(() -> reads.preparedQuery(FIND).execute(Tuple.of(uuid(account), uuid(sid)))
                .map(rows -> Columns.first(rows, row -> Columns.packedIpRecord(account, row))));
    }

    @Override
    public CompletionStage<Page<IpRecord>> page(AccountSid account, PageRequest request) {
        return failures.stage(() -> PAGES.page(reads, account, request));
    }

    @Override
    public CompletionStage<Optional<IpRecord>> replace(IpRecord record) {
        return failures.stage(() -> writes.run(record.accountSid(), () -> pool.preparedQuery(REPLACE)
                .execute(Tuple.from(new Object[] {uuid(record.accountSid()), uuid(record.sid()), record.friendlyName(),
                        time(record.dateUpdated()), Columns.ipv4(record.ipAddress()), (short) record.cidrPrefixLength(),
                        time(record.dateCreated()), Columns.ipv6(record.ipAddress())})))
                .compose(rows -> applied(rows).map(v -> rows.size() == 0 ? Optional.<IpRecord>empty()
                        : Optional.of(Columns.ipRecord(rows.iterator().next(), RECORD_AT))))
                .recover(e -> Future.failedFuture(
                        Failures.violates(e, Failures.INTEGRITY_CONSTRAINT_VIOLATION, "ip_records_fixed")
                                ? new IllegalArgumentException("The address, prefix length and creation date of an"
                                        + " IP record never change; a replace changes its friendly name only")
                                : e)));
    }

    @Override
    public CompletionStage<Boolean> delete(AccountSid account, IpRecordSid sid) {
        return failures.stage(() -> writes.run(account,
                        () -> pool.preparedQuery(DELETE).execute(Tuple.of(uuid(account), uuid(sid))))
                .compose(rows -> applied(rows).map(v -> rows.size() > 0))
                .recover(e -> Failures.violates(e, Failures.FOREIGN_KEY_VIOLATION, PgSourceIpMappingStore.RECORD_KEY)
                        ? PgSourceIpMappingStore.mappingOf(reads, account, sid).compose(mapping -> Future.failedFuture(
                                new SipmapException.Conflict("IP record " + sid + " is mapped by source IP mapping "
                                        + mapping + "; delete the mapping first")))
                        : Future.failedFuture(e)));
    }
}
