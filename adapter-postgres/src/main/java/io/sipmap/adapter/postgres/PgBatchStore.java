package io.sipmap.adapter.postgres;

import static io.sipmap.adapter.postgres.Columns.time;
import static io.sipmap.adapter.postgres.Columns.uuid;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SipmapException.BatchRefused;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.spi.BatchStore;
import io.sipmap.spi.BatchWrite;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.UUID;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * {@link BatchStore} in one transaction, which first takes the account's counter row (as every single write does), so
 * that no other write of the account is numbered between the batch's changes, and holds it to the commit. Runs of new
 * records or new mappings, the bulk of a list, are one statement each over arrays ({@code unnest}), logging each row
 * as the single writes do and numbering it in batch order, then one update of the counter; the other writes run
 * statements of the single writes' kind, pipelined ({@code executeBatch}). Either way
 * the database keeps the invariants, by the foreign key and the unique index, as for single writes. An update or
 * delete that finds nothing fails the batch at its index; a statement the database refuses (a record already mapped,
 * or still mapped) does not say which row, so the batch is then played again one write at a time, with the single
 * writes' statements, in a transaction that is rolled back, to name it. A dry run is rolled back too. Stages complete
 * on a Vert.x event loop, after this instance's resolution replica has the batch's changes; the other instances
 * are signalled after the commit, as for a single write ({@link PgResolutionStore#writtenUpTo}). A batch is one write
 * of its account for {@link AccountWrites}: it holds the account's counter row from its first statement to its end.
 */
final class PgBatchStore implements BatchStore {

    private static final String RENAME = PgIpRecordStore.logged("UPDATE ip_records SET friendly_name ="
            + " coalesce($3, friendly_name), date_updated = $4 FROM " + PgSourceIpMappingStore.LOCK
            + " WHERE account = $1 AND sid = $2 RETURNING " + PgIpRecordStore.COLUMNS, "ip_record.updated");
    private static final String REMAP = PgSourceIpMappingStore.logged("UPDATE source_ip_mappings SET sip_domain_sid"
            + " = $3, date_updated = $4 FROM " + PgSourceIpMappingStore.LOCK + " WHERE account = $1 AND sid = $2"
            + " RETURNING " + PgSourceIpMappingStore.COLUMNS, ", m.*", "source_ip_mapping.updated");
    /**
     * A mapping's delete through {@code sipmap_log_change}, not the single write's one statement: that one reports a
     * mapping not found by failing, which would abort the batch's transaction; this one returns no row.
     */
    private static final String UNMAP = PgSourceIpMappingStore.logged("DELETE FROM source_ip_mappings USING "
            + PgSourceIpMappingStore.LOCK + " WHERE account = $1 AND sid = $2 RETURNING "
            + PgSourceIpMappingStore.COLUMNS, ", m.*", "source_ip_mapping.deleted");
    /** Where a mapping's columns begin in the rows of {@link #REMAP} and {@link #UNMAP}, after three of the log. */
    private static final int MAPPING_AT = 3;

    /**
     * Takes the account's counter row first, as {@code sipmap_lock_head} does for a single write (made here for an
     * account's first write, so that there is a row to hold), and reads the number the batch's changes follow.
     */
    private static final String LOCK_HEAD = "INSERT INTO resolution_log_heads AS h (account, last_seq) VALUES ($1, 0)"
            + " ON CONFLICT (account) DO UPDATE SET last_seq = h.last_seq RETURNING h.last_seq";
    static final String LOG_COLUMNS = "account, seq, ip_record_sid, mapping_sid, sip_domain_sid, ip_address,"
            + " cidr_prefix_length, change, resource_sid, resource_sip_domain_sid, friendly_name, date_created,"
            + " date_updated, nonce, ip6";
    /**
     * A run of new records as one statement over arrays, each logged as {@code sipmap_log_change} logs it, numbered
     * from {@code $2 + 1} in array order: one statement for thousands of rows rather than one each.
     */
    private static final String INSERT_RECORDS = "WITH t AS (SELECT * FROM unnest($3::uuid[], $4::text[],"
            + " $5::int[], $6::int2[], $7::timestamptz[], $8::timestamptz[], $9::int[], $10::bytea[]) WITH ORDINALITY"
            + " AS t(sid, friendly_name, ip_address, cidr_prefix_length, date_created, date_updated, nonce, ip6, ord)),"
            + " r AS (INSERT INTO ip_records (" + Columns.IP_RECORD + ") SELECT $1, sid, friendly_name, ip_address,"
            + " cidr_prefix_length, date_created, date_updated, ip6 FROM t RETURNING 1)"
            + " INSERT INTO resolution_log (" + LOG_COLUMNS + ") SELECT $1, $2 + ord, sid, NULL, NULL, ip_address,"
            + " cidr_prefix_length, 'ip_record.created', sid, NULL, friendly_name, date_created, date_updated, nonce,"
            + " ip6 FROM t";
    /** A run of new mappings, likewise; the log carries each mapped record's address and prefix length. */
    private static final String INSERT_MAPPINGS = "WITH t AS (SELECT * FROM unnest($3::uuid[], $4::uuid[],"
            + " $5::uuid[], $6::timestamptz[], $7::timestamptz[], $8::int[]) WITH ORDINALITY"
            + " AS t(sid, ip_record_sid, sip_domain_sid, date_created, date_updated, nonce, ord)),"
            + " m AS (INSERT INTO source_ip_mappings (" + Columns.MAPPING + ") SELECT $1, sid, ip_record_sid,"
            + " sip_domain_sid, date_created, date_updated FROM t RETURNING 1)"
            + " INSERT INTO resolution_log (" + LOG_COLUMNS + ") SELECT $1, $2 + t.ord, t.ip_record_sid, t.sid,"
            + " t.sip_domain_sid, r.ip_address, r.cidr_prefix_length, 'source_ip_mapping.created', t.sid,"
            + " t.sip_domain_sid, NULL, t.date_created, t.date_updated, t.nonce, r.ip6 FROM t JOIN ip_records r"
            + " ON r.account = $1 AND r.sid = t.ip_record_sid";
    /** After a run over arrays: the counter at its last number and nonce, as a single write leaves it. */
    private static final String FINISH_RUN = "UPDATE resolution_log_heads SET last_seq = $2, last_nonce = $3,"
            + " changed_xid = pg_current_xact_id() WHERE account = $1";

    /** Each change's nonce, as {@code sipmap_log_change} draws it: 32 random bits. */
    private static final RandomGenerator NONCES = new SecureRandom();

    private final Pool pool;
    private final SqlClient reads;
    private final PgResolutionStore resolutions;
    private final Failures failures;
    private final AccountWrites accountWrites;

    PgBatchStore(Pool pool, SqlClient reads, PgResolutionStore resolutions, Failures failures,
            AccountWrites accountWrites) {
        this.pool = pool;
        this.reads = reads;
        this.resolutions = resolutions;
        this.failures = failures;
        this.accountWrites = accountWrites;
    }

    @Override
    public CompletionStage<List<Object>> apply(AccountSid account, List<BatchWrite> writes, boolean dryRun) {
        return failures.stage(() -> {
            BatchWrite.requireOfAccount(writes, account);
            Played played = new Played(writes.size());
            // one write of the account, its replay included: both hold the account's counter row
            return accountWrites.run(account, () -> inTransaction(conn -> conn.preparedQuery(LOCK_HEAD)
                            .execute(Tuple.of(uuid(account)))
                            .compose(head -> {
                                played.lastSeq = head.iterator().next().getLong(0);
                                return runs(conn, account, writes, 0, played);
                            }), !dryRun)
                            .recover(e -> e instanceof SipmapException ? Future.failedFuture(e)
                                    : inTransaction(conn -> oneByOne(conn, account, writes, 0, e), false)))
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
        while (to < writes.size() && writes.get(to).getClass() == kind) {
            to++;
        }
        int end = to;
        if (kind == BatchWrite.InsertIpRecord.class || kind == BatchWrite.InsertSourceIpMapping.class) {
            return arrays(conn, account, writes.subList(from, end), played)
                    .compose(v -> runs(conn, account, writes, end, played));
        }
        List<Tuple> rows = new ArrayList<>(end - from);
        for (int i = from; i < end; i++) {
            rows.add(tuple(account, writes.get(i)));
        }
        return conn.preparedQuery(statement(writes.get(from))).executeBatch(rows).compose(result -> {
            RowSet<Row> rs = result;
            for (int i = from; i < end; i++, rs = rs.next()) {
                if (rs.size() == 0) {
                    return Future.failedFuture(BatchRefused.at(i, notFound(writes.get(i))));
                }
                Row row = rs.iterator().next();
                played.lastSeq = row.getLong(0);
                played.results.add(resource(writes.get(i), row));
            }
            return runs(conn, account, writes, end, played);
        });
    }

    /** A run of inserts of one kind as one statement over arrays, then the counter. */
    private Future<Void> arrays(SqlConnection conn, AccountSid account, List<BatchWrite> run, Played played) {
        int n = run.size();
        Integer[] nonces = new Integer[n];
        for (int i = 0; i < n; i++) {
            nonces[i] = NONCES.nextInt();
        }
        long base = played.lastSeq;
        Tuple tuple;
        String sql;
        if (run.get(0) instanceof BatchWrite.InsertIpRecord) {
            UUID[] sids = new UUID[n];
            String[] names = new String[n];
            Integer[] addresses = new Integer[n];
            Buffer[] ip6s = new Buffer[n];
            Short[] lengths = new Short[n];
            OffsetDateTime[] created = new OffsetDateTime[n];
            OffsetDateTime[] updated = new OffsetDateTime[n];
            for (int i = 0; i < n; i++) {
                IpRecord r = ((BatchWrite.InsertIpRecord) run.get(i)).record();
                sids[i] = uuid(r.sid());
                names[i] = r.friendlyName();
                addresses[i] = Columns.ipv4(r.ipAddress());
                ip6s[i] = Columns.ipv6(r.ipAddress());
                lengths[i] = (short) r.cidrPrefixLength();
                created[i] = time(r.dateCreated());
                updated[i] = time(r.dateUpdated());
                played.results.add(r);
            }
            sql = INSERT_RECORDS;
            tuple = Tuple.from(new Object[] {uuid(account), base, sids, names, addresses, lengths, created, updated,
                    nonces, ip6s});
        } else {
            UUID[] sids = new UUID[n];
            UUID[] records = new UUID[n];
            UUID[] domains = new UUID[n];
            OffsetDateTime[] created = new OffsetDateTime[n];
            OffsetDateTime[] updated = new OffsetDateTime[n];
            for (int i = 0; i < n; i++) {
                SourceIpMapping m = ((BatchWrite.InsertSourceIpMapping) run.get(i)).mapping();
                sids[i] = uuid(m.sid());
                records[i] = uuid(m.ipRecordSid());
                domains[i] = uuid(m.sipDomainSid());
                created[i] = time(m.dateCreated());
                updated[i] = time(m.dateUpdated());
                played.results.add(m);
            }
            sql = INSERT_MAPPINGS;
            tuple = Tuple.from(new Object[] {uuid(account), base, sids, records, domains, created, updated, nonces});
        }
        played.lastSeq = base + n;
        return conn.preparedQuery(sql).execute(tuple)
                .compose(logged -> logged.rowCount() != n
                        // a mapping's record missing: the join dropped it, and the foreign key did not fail (it
                        // cannot, as it checks the same rows); the replay names it
                        ? Future.failedFuture(new IllegalStateException("logged " + logged.rowCount() + " of " + n))
                        : conn.preparedQuery(FINISH_RUN).execute(Tuple.of(uuid(account), base + n, nonces[n - 1])))
                .mapEmpty();
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
                return done.result().size() > 0 ? oneByOne(conn, account, writes, i + 1, cause)
                        // a new mapping's statement numbers nothing when its record is not there
                        : Future.failedFuture(BatchRefused.at(i,
                                write instanceof BatchWrite.InsertSourceIpMapping insert
                                        ? PgSourceIpMappingStore.noRecord(insert.mapping().ipRecordSid())
                                        : notFound(write)));
            }
            return translate(account, write, done.cause()).transform(translated -> Future.failedFuture(
                    translated.cause() instanceof SipmapException e ? BatchRefused.at(i, e) : translated.cause()));
        });
    }

    /** The failure of a write the database refused, as its single write fails. */
    private Future<Void> translate(AccountSid account, BatchWrite write, Throwable e) {
        if (write instanceof BatchWrite.InsertSourceIpMapping insert) {
            return PgSourceIpMappingStore.insertFailure(reads, insert.mapping(), e)
                    .mapEmpty();
        }
        if (write instanceof BatchWrite.InsertIpRecord insert) {
            return Future.failedFuture(PgIpRecordStore.insertFailure(insert.record(), e));
        }
        if (write instanceof BatchWrite.DeleteIpRecord delete
                && Failures.violates(e, Failures.FOREIGN_KEY_VIOLATION, PgSourceIpMappingStore.RECORD_KEY)) {
            return PgSourceIpMappingStore.mappingOf(reads, account, delete.sid()).compose(mapping ->
                    Future.failedFuture(new SipmapException.Conflict("IP record " + delete.sid()
                            + " is mapped by source IP mapping " + mapping + "; delete the mapping first")));
        }
        return Future.failedFuture(e);
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
        // an insert's resource is of the account (apply checks it first)
        if (write instanceof BatchWrite.InsertIpRecord insert) {
            return PgIpRecordStore.insertTuple(insert.record());
        }
        if (write instanceof BatchWrite.InsertSourceIpMapping insert) {
            return PgSourceIpMappingStore.insertTuple(insert.mapping());
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

    /** The resource an update's or delete's row holds (inserts run over arrays, in {@link #arrays}). */
    private static Object resource(BatchWrite write, Row row) {
        if (write instanceof BatchWrite.RemapSourceIpMapping || write instanceof BatchWrite.DeleteSourceIpMapping) {
            return Columns.mapping(row, MAPPING_AT);
        }
        return Columns.ipRecord(row, PgIpRecordStore.RECORD_AT);
    }
}
