package io.sipmap.adapter.postgres;

import static io.sipmap.adapter.postgres.Columns.time;
import static io.sipmap.adapter.postgres.Columns.uuid;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SipmapException.BatchRefused.Failure;
import io.sipmap.spi.BatchStore;
import io.sipmap.spi.BatchWrite;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@link BatchStore} in one transaction: the statements of the single writes (each one logging its change through
 * {@code sipmap_log_change}, so the database numbers the changes and keeps the invariants, foreign key and unique
 * index, exactly as for single writes), sent as pipelined runs of one statement over many rows
 * ({@code executeBatch}): a batch of one kind of write costs one round trip, not one per write. The first statement
 * takes the account's counter row, held to the commit, so no other write of the account is numbered between the
 * batch's changes. A write that finds nothing to update or delete fails the batch at its index; a statement the
 * database refuses (a record already mapped, a record still mapped) aborts the run without saying which row, so the
 * batch is then played again one write at a time in a transaction that is rolled back, to name it. A dry run is rolled
 * back too. Stages complete on a Vert.x event loop, after this instance's resolution replica has the batch's changes.
 */
final class PgBatchStore implements BatchStore {

    private static final String RENAME = PgIpRecordStore.logged("UPDATE ip_records SET friendly_name ="
            + " coalesce($3, friendly_name), date_updated = $4 FROM " + PgSourceIpMappingStore.LOCK
            + " WHERE account = $1 AND sid = $2 RETURNING " + PgIpRecordStore.COLUMNS, "ip_record.updated");
    private static final String REMAP = PgSourceIpMappingStore.logged("UPDATE source_ip_mappings SET sip_domain_sid"
            + " = $3, date_updated = $4 FROM " + PgSourceIpMappingStore.LOCK + " WHERE account = $1 AND sid = $2"
            + " RETURNING " + PgSourceIpMappingStore.COLUMNS, ", m.*", "source_ip_mapping.updated");
    private static final String UNMAP = PgSourceIpMappingStore.logged("DELETE FROM source_ip_mappings USING "
            + PgSourceIpMappingStore.LOCK + " WHERE account = $1 AND sid = $2 RETURNING "
            + PgSourceIpMappingStore.COLUMNS, ", m.*", "source_ip_mapping.deleted");
    /** Where a mapping's columns begin in the rows of {@link #REMAP} and {@link #UNMAP}, after three of the log. */
    private static final int MAPPING_AT = 3;

    private final Pool pool;
    private final SqlClient reads;
    private final PgResolutionStore resolutions;
    private final Failures failures;

    PgBatchStore(Pool pool, SqlClient reads, PgResolutionStore resolutions, Failures failures) {
        this.pool = pool;
        this.reads = reads;
        this.resolutions = resolutions;
        this.failures = failures;
    }

    @Override
    public CompletionStage<List<Object>> apply(AccountSid account, List<BatchWrite> writes, boolean dryRun) {
        return failures.stage(() -> {
            for (BatchWrite write : writes) {
                if (!BatchWrite.ofAccount(write, account)) {
                    throw new IllegalArgumentException("A batch writes one account's resources only");
                }
            }
            Played played = new Played(writes.size());
            return inTransaction(conn -> runs(conn, account, writes, 0, played), !dryRun)
                    .recover(e -> e instanceof SipmapException ? Future.failedFuture(e)
                            : inTransaction(conn -> oneByOne(conn, account, writes, 0, e), false))
                    .compose(v -> dryRun || played.lastSeq == 0 ? Future.succeededFuture(played.results)
                            : resolutions.writtenUpTo(account, played.lastSeq).map(played.results));
        });
    }

    /** What the writes made: one resource each, and the number of the last change. */
    private static final class Played {
        final List<Object> results;
        long lastSeq;

        Played(int size) {
            results = new ArrayList<>(size);
        }
    }

    /** Runs {@code body} in a transaction, committed when it succeeds and {@code commit}, else rolled back. */
    private <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> body, boolean commit) {
        return pool.getConnection().compose(conn -> conn.begin().compose(tx -> body.apply(conn)
                .transform(done -> (done.succeeded() && commit ? tx.commit() : tx.rollback())
                        .transform(ended -> done.succeeded() && ended.failed() ? Future.failedFuture(ended.cause())
                                : done.succeeded() ? Future.succeededFuture(done.result())
                                : Future.<T>failedFuture(done.cause()))))
                .eventually(conn::close));
    }

    /** The writes from {@code from} on, each run of one kind as one pipelined statement over its rows. */
    private Future<Void> runs(SqlConnection conn, AccountSid account, List<BatchWrite> writes, int from,
                              Played played) {
        if (from == writes.size()) {
            return Future.succeededFuture();
        }
        Class<?> kind = writes.get(from).getClass();
        int to = from;
        List<Tuple> rows = new ArrayList<>();
        while (to < writes.size() && writes.get(to).getClass() == kind) {
            rows.add(tuple(account, writes.get(to++)));
        }
        int end = to;
        return conn.preparedQuery(statement(writes.get(from))).executeBatch(rows).compose(result -> {
            RowSet<Row> rs = result;
            for (int i = from; i < end; i++, rs = rs.next()) {
                if (rs.size() == 0) {
                    return Future.failedFuture(refused(i, notFound(writes.get(i))));
                }
                Row row = rs.iterator().next();
                played.lastSeq = row.getLong(0);
                played.results.add(resource(writes.get(i), row));
            }
            return runs(conn, account, writes, end, played);
        });
    }

    /**
     * Plays the writes one at a time, after {@code cause} aborted a run, to find the one the database refuses and
     * fail with it as its single write would; {@code cause} itself when none is refused now (the state moved).
     */
    private Future<Void> oneByOne(SqlConnection conn, AccountSid account, List<BatchWrite> writes, int i,
                                  Throwable cause) {
        if (i == writes.size()) {
            return Future.failedFuture(cause);
        }
        BatchWrite write = writes.get(i);
        return conn.preparedQuery(statement(write)).execute(tuple(account, write)).transform(done -> {
            if (done.succeeded()) {
                return done.result().size() == 0 ? Future.failedFuture(refused(i, notFound(write)))
                        : oneByOne(conn, account, writes, i + 1, cause);
            }
            return translate(account, write, done.cause()).transform(translated -> Future.failedFuture(
                    translated.cause() instanceof SipmapException e ? refused(i, e) : translated.cause()));
        });
    }

    /** The failure of a write the database refused, as its single write fails. */
    private Future<Void> translate(AccountSid account, BatchWrite write, Throwable e) {
        if (write instanceof BatchWrite.InsertSourceIpMapping insert) {
            return PgSourceIpMappingStore.insertFailure(reads, insert.mapping(), e)
                    .mapEmpty();
        }
        if (write instanceof BatchWrite.InsertIpRecord insert
                && Failures.violates(e, Failures.UNIQUE_VIOLATION, "ip_records_pkey")) {
            return Future.failedFuture(new SipmapException.Conflict("IP record " + insert.record().sid()
                    + " already exists"));
        }
        if (write instanceof BatchWrite.DeleteIpRecord delete
                && Failures.violates(e, Failures.FOREIGN_KEY_VIOLATION, PgSourceIpMappingStore.RECORD_KEY)) {
            return PgSourceIpMappingStore.mappingOf(reads, account, delete.sid()).compose(mapping ->
                    Future.failedFuture(new SipmapException.Conflict("IP record " + delete.sid()
                            + " is mapped by source IP mapping " + mapping + "; delete the mapping first")));
        }
        return Future.failedFuture(e);
    }

    private static SipmapException.BatchRefused refused(int index, SipmapException cause) {
        return new SipmapException.BatchRefused("Batch refused: change " + index + " failed: " + cause.getMessage()
                + "; nothing was applied", List.of(new Failure(index, cause)));
    }

    private static SipmapException.NotFound notFound(BatchWrite write) {
        String path = write instanceof BatchWrite.RenameIpRecord w ? "/IpRecords/" + w.sid()
                : write instanceof BatchWrite.DeleteIpRecord w ? "/IpRecords/" + w.sid()
                : write instanceof BatchWrite.RemapSourceIpMapping w ? "/SourceIpMappings/" + w.sid()
                : "/SourceIpMappings/" + ((BatchWrite.DeleteSourceIpMapping) write).sid();
        return new SipmapException.NotFound("The requested resource " + path + " was not found");
    }

    private static String statement(BatchWrite write) {
        if (write instanceof BatchWrite.InsertIpRecord) {
            return PgIpRecordStore.INSERT;
        }
        if (write instanceof BatchWrite.InsertSourceIpMapping) {
            return PgSourceIpMappingStore.INSERT;
        }
        if (write instanceof BatchWrite.RenameIpRecord) {
            return RENAME;
        }
        if (write instanceof BatchWrite.RemapSourceIpMapping) {
            return REMAP;
        }
        if (write instanceof BatchWrite.DeleteSourceIpMapping) {
            return UNMAP;
        }
        return PgIpRecordStore.DELETE;
    }

    private static Tuple tuple(AccountSid account, BatchWrite write) {
        if (write instanceof BatchWrite.InsertIpRecord insert) {
            var r = insert.record();
            return Tuple.from(new Object[] {uuid(account), uuid(r.sid()), r.friendlyName(), r.ipAddress().bits(),
                    (short) r.cidrPrefixLength(), time(r.dateCreated()), time(r.dateUpdated())});
        }
        if (write instanceof BatchWrite.InsertSourceIpMapping insert) {
            var m = insert.mapping();
            return Tuple.of(uuid(account), uuid(m.sid()), uuid(m.ipRecordSid()), uuid(m.sipDomainSid()),
                    time(m.dateCreated()), time(m.dateUpdated()));
        }
        if (write instanceof BatchWrite.RenameIpRecord rename) {
            return Tuple.of(uuid(account), uuid(rename.sid()), rename.friendlyName(), time(rename.at()));
        }
        if (write instanceof BatchWrite.RemapSourceIpMapping remap) {
            return Tuple.of(uuid(account), uuid(remap.sid()), uuid(remap.sipDomainSid()), time(remap.at()));
        }
        if (write instanceof BatchWrite.DeleteSourceIpMapping delete) {
            return Tuple.of(uuid(account), uuid(delete.sid()));
        }
        return Tuple.of(uuid(account), uuid(((BatchWrite.DeleteIpRecord) write).sid()));
    }

    /** The resource a write's row holds; a new mapping's statement returns only the log's columns. */
    private static Object resource(BatchWrite write, Row row) {
        if (write instanceof BatchWrite.InsertSourceIpMapping insert) {
            return insert.mapping();
        }
        if (write instanceof BatchWrite.RemapSourceIpMapping || write instanceof BatchWrite.DeleteSourceIpMapping) {
            return Columns.mapping(row, MAPPING_AT);
        }
        return Columns.ipRecord(row, PgIpRecordStore.RECORD_AT);
    }
}
