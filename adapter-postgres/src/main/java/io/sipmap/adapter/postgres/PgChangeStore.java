package io.sipmap.adapter.postgres;

import static io.sipmap.adapter.postgres.Columns.uuid;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.AddressSnapshot;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeBatch;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.spi.ChangeStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * {@link ChangeStore} over the change log, {@code resolution_log}: since migration V2 every write of either resource
 * appends its row there, in its own transaction, numbered per account without gaps by the account's counter row
 * (see {@code sipmap_log_change}), with the resource as the write left it.
 *
 * <p>{@link #changesAfter} is one statement, so the head it reports and the rows it reads are of one snapshot; the
 * numbers are gapless and a transaction numbered n commits only after all those before it, so the rows after any
 * number are consecutive. A log pruned past the number asked for (the replica's retention, {@link
 * PgStoreOptions#logRetention()}), or holding rows from before V2, which lack the resource, answers too old. Since
 * V5 each row and the counter row carry the change's nonce; an id asked after with a nonce is compared with the
 * counter row's when it is the head, else with its row's, and a row pruned or from before V5 matches no nonce.
 * {@link #snapshot} reads the counter and the mapped records in one repeatable-read transaction, which every write
 * changes together.
 *
 * <p>Subscriptions ride on the resolution replica, which learns each account's latest number from this instance's
 * writes, from LISTEN/NOTIFY and from its periodic catch-up ({@link PgResolutionStore}): each followed account keeps
 * the number it delivered last, and when it learns of a later one it reads the log after it, one read at a time per
 * account however many listeners and notifications, and hands the changes over in order. A lost notification costs
 * latency (up to the catch-up interval), never a change. Thread-safe.
 */
final class PgChangeStore implements ChangeStore {

    private static final System.Logger LOG = System.getLogger(PgChangeStore.class.getName());

    /** The head, the nonce of change $2 and the rows after $2, at most $3, in one statement (one snapshot). */
    private static final String CHANGES_AFTER = "SELECT h.last_seq, l.seq, l.change, l.ip_record_sid,"
            + " l.resource_sid, l.resource_sip_domain_sid, l.friendly_name, l.ip_address, l.cidr_prefix_length,"
            + " l.date_created, l.date_updated, l.nonce, h.last_nonce, a.nonce, l.ip6"
            + " FROM (SELECT $1::uuid AS account,"
            + " (SELECT nonce FROM resolution_log c WHERE c.account = $1 AND c.seq = $2) AS nonce) a"
            + " LEFT JOIN resolution_log_heads h ON h.account = a.account"
            + " LEFT JOIN LATERAL (SELECT * FROM resolution_log r WHERE r.account = a.account AND r.seq > $2"
            + " ORDER BY r.seq LIMIT $3) l ON true ORDER BY l.seq";
    private static final String HEAD = "SELECT last_seq, last_nonce FROM resolution_log_heads WHERE account = $1";
    private static final String SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    private static final String MAPPED = "SELECT m.ip_record_sid, m.sid, m.sip_domain_sid, r.ip_address,"
            + " r.cidr_prefix_length, r.ip6 FROM source_ip_mappings m"
            + " JOIN ip_records r ON r.account = m.account AND r.sid = m.ip_record_sid WHERE m.account = $1";

    private final Pool pool;
    /** The stores' pipelined read client: the log's reads never wait for a lock, and keep the write pool free. */
    private final SqlClient reads;
    private final Failures failures;
    private final ConcurrentHashMap<AccountSid, Follower> followed = new ConcurrentHashMap<>();

    PgChangeStore(Pool pool, SqlClient reads, PgResolutionStore replica, Failures failures) {
        this.pool = pool;
        this.reads = reads;
        this.failures = failures;
        replica.onHeads(this::heard);
    }

    @Override
    public CompletionStage<ChangeBatch> changesAfter(AccountSid account, ChangeId after, int limit) {
        return failures.stage(() -> {
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be at least 1");
            }
            return read(account, after, Math.min(limit, MAX_BATCH));
        });
    }

    private Future<ChangeBatch> read(AccountSid account, ChangeId after, int limit) {
        return reads.preparedQuery(CHANGES_AFTER).execute(Tuple.of(uuid(account), after.seq(), limit))
                .map(rows -> batch(account, after, rows));
    }

    private static ChangeBatch batch(AccountSid account, ChangeId after, RowSet<Row> rows) {
        ChangeId head = ChangeId.ZERO;
        Integer nonce = null;
        List<Change> changes = new ArrayList<>(rows.size());
        for (Row row : rows) {
            Long last = row.getLong(0);
            head = last == null ? ChangeId.ZERO : ChangeId.of(last, row.getInteger(12));
            nonce = row.getInteger(13);
            if (row.getValue(1) == null) {
                continue; // no row after the number: the left join's one row
            }
            Change change = change(account, row);
            if (change == null || change.seq() != after.seq() + 1 + changes.size()) {
                return ChangeBatch.reset(head); // logged before V2, or pruned up to here
            }
            changes.add(change);
        }
        long seq = after.seq();
        if (seq > head.seq() || seq < head.seq() && changes.isEmpty() || after.nonce().isPresent()
                && !after.equals(seq == head.seq() ? head : ChangeId.of(seq, nonce))) {
            return ChangeBatch.reset(head);
        }
        return ChangeBatch.of(head, changes);
    }

    /** A row of {@link #CHANGES_AFTER} as a change; null for a row logged before V2. */
    private static Change change(AccountSid account, Row row) {
        Optional<Change.Kind> kind = Optional.ofNullable(row.getString(2)).flatMap(Change.Kind::ofWireName);
        if (kind.isEmpty()) {
            return null;
        }
        ChangeId id = ChangeId.of(row.getLong(1), row.getInteger(11));
        IpAddress address = Columns.address(row, 7, 14);
        if (kind.get().ofIpRecord()) {
            return new Change(id, kind.get(), new IpRecord(account, Columns.ipRecordSid(row, 3), row.getString(6),
                    address, row.getInteger(8), Columns.instant(row, 9), Columns.instant(row, 10)), null);
        }
        // a mapping's row holds its record's address as ip_records keeps it, as given (sipmap_log_change)
        return new Change(id, kind.get(), new SourceIpMapping(account, Columns.mappingSid(row, 4),
                Columns.ipRecordSid(row, 3), Columns.sipDomainSid(row, 5), Columns.instant(row, 9),
                Columns.instant(row, 10)), new IpPrefix(address, row.getInteger(8)));
    }

    /** The rows of a snapshot's two reads. */
    private record Read(RowSet<Row> head, RowSet<Row> mapped) {
        AddressSnapshot snapshot() {
            List<Resolution> entries = new ArrayList<>(mapped.size());
            for (Row row : mapped) {
                entries.add(new Resolution(Columns.sipDomainSid(row, 2), Columns.mappingSid(row, 1),
                        Columns.ipRecordSid(row, 0),
                        Columns.prefix(row, 3, 5, 4)));
            }
            Row last = head.size() == 0 ? null : head.iterator().next();
            return new AddressSnapshot(last == null ? ChangeId.ZERO : ChangeId.of(last.getLong(0), last.getInteger(1)),
                    entries);
        }
    }

    @Override
    public CompletionStage<AddressSnapshot> snapshot(AccountSid account) {
        Tuple owner = Tuple.of(uuid(account));
        return failures.stage(() -> pool.withTransaction(conn -> conn.query(SNAPSHOT).execute()
                .compose(v -> conn.preparedQuery(HEAD).execute(owner))
                .compose(head -> conn.preparedQuery(MAPPED).execute(owner).map(mapped -> new Read(head, mapped))))
                // building and sorting the entries of a large account is off the event loop the rows arrived on
                .compose(read -> {
                    Context context = Vertx.currentContext();
                    return context == null ? Future.succeededFuture(read.snapshot())
                            : context.executeBlocking(read::snapshot, false);
                }));
    }

    @Override
    public CompletionStage<Subscription> subscribe(AccountSid account, Consumer<Change> listener) {
        Objects.requireNonNull(listener, "listener");
        Subscription subscription = () -> followed.computeIfPresent(account, (a, f) -> {
            f.listeners.remove(listener);
            return f.listeners.isEmpty() ? null : f;
        });
        // cancelled when the caller's stage fails, whatever failed it: the start, or the call timeout while the
        // start was still under way (the listener would otherwise stay with no one to cancel it)
        return failures.stage(() -> {
            Follower follower = followed.compute(account, (a, f) -> {
                Follower kept = f == null ? new Follower(a) : f;
                kept.listeners.add(listener);
                return kept;
            });
            return follower.started().map(v -> subscription);
        }).whenComplete((s, e) -> {
            if (e != null) {
                subscription.cancel();
            }
        });
    }

    /** The replica learnt that {@code account}'s latest change is {@code seq} or later. */
    private void heard(AccountSid account, long seq) {
        Follower follower = followed.get(account);
        if (follower != null) {
            follower.heard(seq);
        }
    }

    /** One followed account: its listeners, and the number of the last change handed to them. */
    private final class Follower {
        final AccountSid account;
        final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
        /** Reads the head when the first listener comes; every change after it is delivered. */
        private Future<Void> start;
        // under this follower's monitor
        private long delivered = -1;
        private long latest;
        private boolean reading;

        Follower(AccountSid account) {
            this.account = account;
        }

        synchronized Future<Void> started() {
            if (start == null) {
                start = reads.preparedQuery(HEAD).execute(Tuple.of(uuid(account))).map(rows -> {
                    long head = rows.size() == 0 ? 0 : rows.iterator().next().getLong(0);
                    synchronized (this) {
                        delivered = head;
                        latest = Math.max(latest, head);
                    }
                    pull();
                    return (Void) null;
                }).onFailure(e -> {
                    synchronized (this) {
                        start = null; // the next subscriber tries again
                    }
                });
            }
            return start;
        }

        void heard(long seq) {
            synchronized (this) {
                latest = Math.max(latest, seq);
            }
            pull();
        }

        /** Reads the log after the last delivered while a later change is known; one read at a time. */
        private void pull() {
            long after;
            synchronized (this) {
                if (reading || delivered < 0 || latest <= delivered) {
                    return;
                }
                reading = true;
                after = delivered;
            }
            read(account, ChangeId.of(after, null), MAX_BATCH).onComplete(done -> {
                synchronized (this) {
                    reading = false;
                    if (done.failed()) {
                        // the next number heard, at the latest the next catch-up, tries again
                        LOG.log(Level.WARNING, "Change feed: could not read the log of account " + account,
                                done.cause());
                        return;
                    }
                    ChangeBatch batch = done.result();
                    if (batch.tooOld()) {
                        delivered = batch.head().seq(); // pruned while behind: the listeners find the gap themselves
                    }
                    for (Change change : batch.changes()) {
                        deliver(change);
                        delivered = change.seq();
                    }
                    latest = Math.max(latest, batch.head().seq());
                }
                pull();
            });
        }

        /** Hands a change to every listener; one that throws is dropped, as the port says. */
        private void deliver(Change change) {
            for (Consumer<Change> listener : listeners) {
                try {
                    listener.accept(change);
                } catch (RuntimeException e) {
                    listeners.remove(listener);
                    // the last one gone: stop following the account, as a cancel would
                    followed.computeIfPresent(account, (a, f) -> f.listeners.isEmpty() ? null : f);
                }
            }
        }
    }
}
