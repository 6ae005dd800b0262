package io.sipmap.adapter.postgres;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Cursor;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.Sid;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Pages of one table in SID order, by keyset on its primary key {@code (account, sid)}: a page is one range scan of
 * that index, forwards or backwards, reading at most one row more than it returns (to know whether another page
 * follows), so it costs the same at any depth. Whether a row lies on the cursor's other side (the neighbour page in
 * that direction) is known from the same scan when the cursor's own row still exists, as it does when a client walks
 * pages by their tokens: the scan starts at it, inclusive. Only when that row is gone does the page run again as one
 * statement that also probes the index for the other side ({@link #after}, {@link #before}). An offset page skips its
 * rows on the same index, O(offset). The neighbours' existence follows the in-memory store's rules.
 */
final class PgPages<T> {

    final String first;
    final String offset;
    final String after;
    final String before;
    final String fromAfter;
    final String fromBefore;
    private final BiFunction<AccountSid, Row, T> item;
    private final Function<T, ? extends Sid> sidOf;

    /**
     * @param table   the table, whose primary key is {@code (account, sid)}
     * @param columns the columns that {@code item} reads, in its order
     * @param item    an item of the account from a row of {@code columns}
     */
    PgPages(String table, String columns, BiFunction<AccountSid, Row, T> item, Function<T, ? extends Sid> sidOf) {
        this.item = item;
        this.sidOf = sidOf;
        String select = "SELECT " + columns;
        String from = " FROM " + table + " WHERE account = $1";
        first = select + from + " ORDER BY sid LIMIT $2";
        offset = select + from + " ORDER BY sid LIMIT $2 OFFSET $3";
        // the flag says whether a row lies on the cursor's other side (the neighbour page in that direction): the
        // nearest such row, so that the probe is one step of the same index rather than anything EXISTS may choose
        after = select + ", (SELECT sid" + from + " AND sid <= $2 ORDER BY sid DESC LIMIT 1) IS NOT NULL" + from
                + " AND sid > $2 ORDER BY sid LIMIT $3";
        before = select + ", (SELECT sid" + from + " AND sid >= $2 ORDER BY sid LIMIT 1) IS NOT NULL" + from
                + " AND sid < $2 ORDER BY sid DESC LIMIT $3";
        // from the cursor's row on, inclusive: when it is there, it is the row on the other side
        fromAfter = select + from + " AND sid >= $2 ORDER BY sid LIMIT $3";
        fromBefore = select + from + " AND sid <= $2 ORDER BY sid DESC LIMIT $3";
    }

    Future<Page<T>> page(SqlClient client, AccountSid account, PageRequest request) {
        int size = request.size();
        UUID owner = Columns.uuid(account);
        Cursor cursor = request.cursor();
        if (cursor instanceof Cursor.Keyset keyset) {
            UUID at = keysetUuid(keyset);
            boolean forwards = keyset instanceof Cursor.After;
            return client.preparedQuery(forwards ? fromAfter : fromBefore).execute(Tuple.of(owner, at, size + 2))
                    .compose(rows -> {
                        // the cursor's row, then up to a page, then one more if another page follows
                        List<T> items = items(account, rows, size + 1);
                        if (items.isEmpty() || !isAt(items.get(0), keyset)) {
                            return probed(client, account, owner, at, forwards, size); // the cursor's row is gone
                        }
                        items.remove(0);
                        boolean beyond = rows.size() > size + 1;
                        if (forwards) {
                            return Future.succeededFuture(Page.of(items, beyond, !items.isEmpty(), sidOf));
                        }
                        Collections.reverse(items);
                        return Future.succeededFuture(Page.of(items, !items.isEmpty(), beyond, sidOf));
                    });
        }
        long skip = cursor instanceof Cursor.Offset o ? o.skip() : 0;
        Future<RowSet<Row>> query = skip == 0
                ? client.preparedQuery(first).execute(Tuple.of(owner, size + 1))
                : client.preparedQuery(offset).execute(Tuple.of(owner, size + 1, skip));
        return query.map(rows -> {
            List<T> items = items(account, rows, size);
            return Page.of(items, rows.size() > size, skip > 0 && !items.isEmpty(), sidOf);
        });
    }

    /** A keyset page whose cursor's row is gone: the scan and the probe for the other side, in one statement. */
    private Future<Page<T>> probed(SqlClient client, AccountSid account, UUID owner, UUID at, boolean forwards,
            int size) {
        Tuple parameters = Tuple.of(owner, at, size + 1);
        if (forwards) {
            return client.preparedQuery(after).execute(parameters).map(rows -> {
                List<T> items = items(account, rows, size);
                return Page.of(items, rows.size() > size, !items.isEmpty() && flag(rows), sidOf);
            });
        }
        return client.preparedQuery(before).execute(parameters).map(rows -> {
            List<T> items = items(account, rows, size);
            Collections.reverse(items);
            return Page.of(items, !items.isEmpty() && flag(rows), rows.size() > size, sidOf);
        });
    }

    private boolean isAt(T item, Cursor.Keyset keyset) {
        Sid sid = sidOf.apply(item);
        return sid.high() == keyset.high() && sid.low() == keyset.low();
    }

    private static UUID keysetUuid(Cursor.Keyset keyset) {
        return new UUID(keyset.high(), keyset.low());
    }

    /** The items of the first {@code size} rows. */
    private List<T> items(AccountSid account, RowSet<Row> rows, int size) {
        List<T> items = new ArrayList<>(Math.min(rows.size(), size));
        for (Row row : rows) {
            if (items.size() == size) {
                break;
            }
            items.add(item.apply(account, row));
        }
        return items;
    }

    /** The neighbour flag, the last column of every row of a keyset page. */
    private static boolean flag(RowSet<Row> rows) {
        Row row = rows.iterator().next();
        return row.getBoolean(row.size() - 1);
    }
}
