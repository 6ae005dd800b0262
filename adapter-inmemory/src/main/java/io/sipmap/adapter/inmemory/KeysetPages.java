package io.sipmap.adapter.inmemory;

import io.sipmap.domain.Cursor;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.Sid;
import java.util.List;
import java.util.function.Function;

/**
 * Pages of {@link SortedChunks}, cut and given cursors by the paging rule of {@code io.sipmap.spi}'s package
 * documentation: a keyset page costs one search and a walk over the chunks it spans, wherever it starts and in either
 * direction; an offset page also skips whole chunks.
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
            SortedChunks.Run<T> run = bySid.before(before.high(), before.low(), size + 1);
            boolean hasPrevious = run.size() > size;
            List<T> items = run.items(hasPrevious ? 1 : 0, run.size());
            Sid last = items.isEmpty() ? null : sidOf.apply(items.get(items.size() - 1));
            boolean hasNext = last != null && (run.anyBeyond() || bySid.anyAfter(last.high(), last.low()));
            return Page.of(items, hasNext, hasPrevious, sidOf);
        }
        SortedChunks.Run<T> run = cursor instanceof Cursor.After after
                ? bySid.after(after.high(), after.low(), size + 1)
                : bySid.first(cursor instanceof Cursor.Offset offset ? offset.skip() : 0, size + 1);
        boolean hasNext = run.size() > size;
        List<T> items = run.items(0, Math.min(run.size(), size));
        return Page.of(items, hasNext, !items.isEmpty() && run.anyBeyond(), sidOf);
    }
}
