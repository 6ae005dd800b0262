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
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@link IpRecordStore} over the {@code ip_records} table, one statement a call. Deleting a mapped record is refused
 * by the foreign key of {@code source_ip_mappings}, whatever races it; a replace changes the friendly name and the
 * update date only (a trigger keeps the address, prefix and creation date, and refuses a replace that would change
 * them). Unmapped records take no part in resolution, so nothing
 * here writes the resolution log. Stages complete on a Vert.x event loop.
 */
final class PgIpRecordStore implements IpRecordStore {

    static final PgPages<IpRecord> PAGES = new PgPages<>("ip_records", Columns.IP_RECORD, Columns::ipRecord,
            IpRecord::sid);
    private static final String INSERT = "INSERT INTO ip_records (" + Columns.IP_RECORD
            + ") VALUES ($1, $2, $3, $4, $5, $6, $7)";
    private static final String FIND = "SELECT " + Columns.IP_RECORD
            + " FROM ip_records WHERE account = $1 AND sid = $2";
    /** Sets the fixed columns too, to what they were, so that the trigger refuses a replace that would change them. */
    private static final String REPLACE = "UPDATE ip_records SET friendly_name = $3, date_updated = $4,"
            + " ip_address = $5, cidr_prefix_length = $6, date_created = $7"
            + " WHERE account = $1 AND sid = $2 RETURNING " + Columns.IP_RECORD;
    private static final String DELETE = "DELETE FROM ip_records WHERE account = $1 AND sid = $2";

    private final Pool pool;
    private final SqlClient reads;
    private final Failures failures;

    PgIpRecordStore(Pool pool, SqlClient reads, Failures failures) {
        this.pool = pool;
        this.reads = reads;
        this.failures = failures;
    }

    @Override
    public CompletionStage<IpRecord> insert(IpRecord record) {
        return failures.stage(() -> pool.preparedQuery(INSERT)
                .execute(Tuple.from(new Object[] {uuid(record.accountSid()), uuid(record.sid()), record.friendlyName(),
                        record.ipAddress().bits(), (short) record.cidrPrefixLength(), time(record.dateCreated()),
                        time(record.dateUpdated())}))
                .map(record)
                .recover(e -> Future.failedFuture(
                        Failures.violates(e, Failures.UNIQUE_VIOLATION, "ip_records_pkey")
                                ? new SipmapException.Conflict("IP record " + record.sid() + " already exists")
                                : e)));
    }

    @Override
    public CompletionStage<Optional<IpRecord>> find(AccountSid account, IpRecordSid sid) {
        return failures.stage(() -> reads.preparedQuery(FIND).execute(Tuple.of(uuid(account), uuid(sid)))
                .map(PgIpRecordStore::single));
    }

    @Override
    public CompletionStage<Page<IpRecord>> page(AccountSid account, PageRequest request) {
        return failures.stage(() -> PAGES.page(reads, account, request));
    }

    @Override
    public CompletionStage<Optional<IpRecord>> replace(IpRecord record) {
        return failures.stage(() -> pool.preparedQuery(REPLACE)
                .execute(Tuple.from(new Object[] {uuid(record.accountSid()), uuid(record.sid()), record.friendlyName(),
                        time(record.dateUpdated()), record.ipAddress().bits(), (short) record.cidrPrefixLength(),
                        time(record.dateCreated())}))
                .map(PgIpRecordStore::single)
                .recover(e -> Future.failedFuture(
                        Failures.violates(e, Failures.INTEGRITY_CONSTRAINT_VIOLATION, "ip_records_fixed")
                                ? new IllegalArgumentException("The address, prefix length and creation date of an"
                                        + " IP record never change; a replace changes its friendly name only")
                                : e)));
    }

    @Override
    public CompletionStage<Boolean> delete(AccountSid account, IpRecordSid sid) {
        return failures.stage(() -> pool.preparedQuery(DELETE).execute(Tuple.of(uuid(account), uuid(sid)))
                .map(rows -> rows.rowCount() > 0)
                .recover(e -> Failures.violates(e, Failures.FOREIGN_KEY_VIOLATION, PgSourceIpMappingStore.RECORD_KEY)
                        ? PgSourceIpMappingStore.mappingOf(reads, account, sid).compose(mapping -> Future.failedFuture(
                                new SipmapException.Conflict("IP record " + sid + " is mapped by source IP mapping "
                                        + mapping + "; delete the mapping first")))
                        : Future.failedFuture(e)));
    }

    private static Optional<IpRecord> single(RowSet<Row> rows) {
        return Columns.first(rows, Columns::ipRecord);
    }
}
