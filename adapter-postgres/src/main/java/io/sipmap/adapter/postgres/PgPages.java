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
 * follows) and probing the index once more for the other direction, so it costs the same at any depth. An offset
 * page skips its rows on the same index, O(offset). The neighbours' existence follows the in-memory store's rules.
 */
final class PgPages<T> {

    final String first;
    final String offset;
    final String after;
    final String before;
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
    }

    Future<Page<T>> page(SqlClient client, AccountSid account, PageRequest request) {
        int size = request.size();
        UUID owner = Columns.uuid(account);
        Cursor cursor = request.cursor();
        if (cursor instanceof Cursor.Before keyset) {
            return client.preparedQuery(before).execute(Tuple.of(owner, keysetUuid(keyset), size + 1)).map(rows -> {
                List<T> items = items(account, rows, size);
                Collections.reverse(items);
                return Page.of(items, !items.isEmpty() && flag(rows), rows.size() > size, sidOf);
            });
        }
        if (cursor instanceof Cursor.After keyset) {
            return client.preparedQuery(after).execute(Tuple.of(owner, keysetUuid(keyset), size + 1)).map(rows -> {
                List<T> items = items(account, rows, size);
                return Page.of(items, rows.size() > size, !items.isEmpty() && flag(rows), sidOf);
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

    private static UUID keysetUuid(Cursor.Keyset keyset) {
        return new UUID(keyset.high(), keyset.low());
    }

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
