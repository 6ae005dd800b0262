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
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@link SourceIpMappingStore} over the {@code source_ip_mappings} table. The invariants are the table's constraints:
 * a unique key on {@code (account, ip_record_sid)} lets one of any number of racing inserts win, and the foreign key
 * to {@code ip_records} rejects a record of no or another account. Each write is one statement that also logs the
 * change through {@code sipmap_log_change} (the mapping, and what its record resolves to after it), so the change log
 * commits with the write or not at all;
 * once committed, the change is applied to this instance's {@link PgResolutionStore} before the stage completes.
 * Stages complete on a Vert.x event loop.
 */
final class PgSourceIpMappingStore implements SourceIpMappingStore {

    static final String RECORD_KEY = "source_ip_mappings_ip_record_fkey";
    /** The account's counter row locked before any row of the write is (see {@code sipmap_lock_head}). */
    static final String LOCK = "(SELECT sipmap_lock_head($1)) head";
    /** {@link Columns#MAPPING} of the table, apart from the lock's column. */
    static final String COLUMNS = Columns.of("source_ip_mappings", Columns.MAPPING);
    static final PgPages<SourceIpMapping> PAGES = new PgPages<>("source_ip_mappings",
            Columns.MAPPING_PACKED, Columns::packedMapping, SourceIpMapping::sid);
    static final String INSERT = logged("INSERT INTO source_ip_mappings (" + Columns.MAPPING
            + ") VALUES (sipmap_lock_head($1), $2, $3, $4, $5, $6) RETURNING " + Columns.MAPPING, "",
            "source_ip_mapping.created");
    private static final String FIND = "SELECT " + Columns.MAPPING_PACKED
            + " FROM source_ip_mappings WHERE account = $1 AND sid = $2";
    // the IP record is set too, so that the trigger refuses a mapping that would change it
    private static final String REPLACE = logged("UPDATE source_ip_mappings SET ip_record_sid = $3,"
            + " sip_domain_sid = $4, date_updated = $5, date_created = $6 FROM " + LOCK
            + " WHERE account = $1 AND sid = $2 RETURNING " + COLUMNS,
            ", m.*", "source_ip_mapping.updated");
    private static final String DELETE = logged("DELETE FROM source_ip_mappings USING " + LOCK
            + " WHERE account = $1 AND sid = $2 RETURNING " + COLUMNS, ", m.ip_record_sid", "source_ip_mapping.deleted");
    private static final String MAPPING_OF = "SELECT sid FROM source_ip_mappings"
            + " WHERE account = $1 AND ip_record_sid = $2";

    private final Pool pool;
    private final SqlClient reads;
    private final PgResolutionStore resolutions;
    private final Failures failures;

    /**
     * A write {@code dml} (returning the columns of {@link Columns#MAPPING}) and the logging of its {@code change} as
     * one statement: its rows are the change's number, address and prefix length, then {@code columns}.
     */
    static String logged(String dml, String columns, String change) {
        return "WITH m AS (" + dml + ") SELECT l.log_seq, l.log_ip_address, l.log_cidr_prefix_length" + columns
                + " FROM m CROSS JOIN LATERAL sipmap_log_change(m.account, '" + change + "', m.ip_record_sid, m.sid,"
                + " m.sip_domain_sid, NULL, NULL, NULL, m.date_created, m.date_updated) l";
    }

    PgSourceIpMappingStore(Pool pool, SqlClient reads, PgResolutionStore resolutions, Failures failures) {
        this.pool = pool;
        this.reads = reads;
        this.resolutions = resolutions;
        this.failures = failures;
    }

    @Override
    public CompletionStage<SourceIpMapping> insert(SourceIpMapping mapping) {
        return failures.stage(() -> pool.preparedQuery(INSERT)
                .execute(Tuple.of(uuid(mapping.accountSid()), uuid(mapping.sid()), uuid(mapping.ipRecordSid()),
                        uuid(mapping.sipDomainSid()), time(mapping.dateCreated()), time(mapping.dateUpdated())))
                .compose(rows -> applied(mapping.accountSid(), mapping.ipRecordSid(), mapping, rows))
                .map(mapping)
                .recover(e -> insertFailure(reads, mapping, e)));
    }

    static Future<SourceIpMapping> insertFailure(SqlClient reads, SourceIpMapping mapping, Throwable e) {
        IpRecordSid record = mapping.ipRecordSid();
        if (Failures.violates(e, Failures.FOREIGN_KEY_VIOLATION, RECORD_KEY)) {
            return Future.failedFuture(new SipmapException.InvalidParameter("IpRecordSid",
                    "Invalid IpRecordSid: no IP record " + record + " exists"));
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
        return failures.stage(() -> pool.preparedQuery(REPLACE)
                .execute(Tuple.of(uuid(mapping.accountSid()), uuid(mapping.sid()), uuid(mapping.ipRecordSid()),
                        uuid(mapping.sipDomainSid()), time(mapping.dateUpdated()), time(mapping.dateCreated())))
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
        return failures.stage(() -> pool.preparedQuery(DELETE).execute(Tuple.of(uuid(account), uuid(sid)))
                .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
                        : applied(account, Columns.ipRecordSid(rows.iterator().next(), 3), null, rows).map(true)));
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
        return resolutions.written(PgResolutionStore.Change.of(account, row.getLong(0), record, mapping,
                row.getInteger(1), row.getInteger(2)));
    }
}
