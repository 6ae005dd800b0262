package io.sipmap.adapter.inmemory;

import io.sipmap.domain.Cursor;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.Sid;
import java.util.List;
import java.util.function.Function;

/**
 * Pages of {@link SortedChunks}: a keyset page costs one search and a walk over the chunks it spans, wherever it
 * starts and in either direction; an offset page also skips whole chunks.
 */
final class KeysetPages {

    private KeysetPages() {
    }

    static <T> Page<T> empty() {
        return Page.of(List.of(), false, false, t -> null);
    }

    static <T> Page<T> page(SortedChunks<T> bySid, PageRequest request, Function<T, ? extends Sid> sidOf) {
        int size = request.size();
        Cursor cursor = request.cursor();
        if (cursor instanceof Cursor.Before before) {
            SortedChunks.Run<T> run = bySid.before(high(before.sid()), low(before.sid()), size + 1);
            List<T> items = run.items();
            boolean hasPrevious = items.size() > size;
            if (hasPrevious) {
                items.remove(size);
            }
            SortedChunks.reversed(items);
            Sid last = items.isEmpty() ? null : sidOf.apply(items.get(items.size() - 1));
            boolean hasNext = last != null && (run.anyBefore() || bySid.anyAfter(last.high(), last.low()));
            return Page.of(items, hasNext, hasPrevious, sidOf);
        }
        SortedChunks.Run<T> run = cursor instanceof Cursor.After after
                ? bySid.after(high(after.sid()), low(after.sid()), size + 1)
                : bySid.first(cursor instanceof Cursor.Offset offset ? offset.skip() : 0, size + 1);
        List<T> items = run.items();
        boolean hasNext = items.size() > size;
        if (hasNext) {
            items.remove(size);
        }
        return Page.of(items, hasNext, !items.isEmpty() && run.anyBefore(), sidOf);
    }

    /** The first 16 digits of a cursor's SID (a prefix and 32 hex digits, as {@link Cursor} checks). */
    private static long high(String sid) {
        return Long.parseUnsignedLong(sid, 2, 18, 16);
    }

    /** The last 16 digits of a cursor's SID. */
    private static long low(String sid) {
        return Long.parseUnsignedLong(sid, 18, 34, 16);
    }
}
