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
            SortedChunks.Run<T> run = bySid.descending(before.sid(), size + 1);
            List<T> items = run.items();
            boolean hasPrevious = items.size() > size;
            if (hasPrevious) {
                items.remove(size);
            }
            SortedChunks.reversed(items);
            boolean hasNext = !items.isEmpty()
                    && (run.anyBefore() || bySid.anyAfter(sidOf.apply(items.get(items.size() - 1)).value()));
            return Page.of(items, hasNext, hasPrevious, sidOf);
        }
        String after = cursor instanceof Cursor.After a ? a.sid() : null;
        long skip = cursor instanceof Cursor.Offset offset ? offset.skip() : 0;
        SortedChunks.Run<T> run = bySid.ascending(after, skip, size + 1);
        List<T> items = run.items();
        boolean hasNext = items.size() > size;
        if (hasNext) {
            items.remove(size);
        }
        return Page.of(items, hasNext, !items.isEmpty() && run.anyBefore(), sidOf);
    }
}
