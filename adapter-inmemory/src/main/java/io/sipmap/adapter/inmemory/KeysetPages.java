package io.sipmap.adapter.inmemory;

import io.sipmap.domain.Cursor;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.Sid;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.function.Function;

/** Pages of a map sorted by SID: a keyset page costs O(log n + page size) wherever it starts. */
final class KeysetPages {

    private KeysetPages() {
    }

    static <T> Page<T> empty() {
        return Page.of(List.of(), false, false, t -> null);
    }

    static <T> Page<T> page(NavigableMap<String, T> bySid, PageRequest request, Function<T, ? extends Sid> sidOf) {
        int size = request.size();
        Cursor cursor = request.cursor();
        if (cursor instanceof Cursor.Before before) {
            List<T> items = take(bySid.headMap(before.sid(), false).descendingMap().values().iterator(), 0, size + 1);
            boolean hasPrevious = items.size() > size;
            if (hasPrevious) {
                items.remove(size);
            }
            Collections.reverse(items);
            boolean hasNext = !items.isEmpty()
                    && bySid.higherKey(sidOf.apply(items.get(items.size() - 1)).value()) != null;
            return Page.of(items, hasNext, hasPrevious, sidOf);
        }
        NavigableMap<String, T> view = cursor instanceof Cursor.After after ? bySid.tailMap(after.sid(), false) : bySid;
        long skip = cursor instanceof Cursor.Offset offset ? offset.skip() : 0;
        List<T> items = take(view.values().iterator(), skip, size + 1);
        boolean hasNext = items.size() > size;
        if (hasNext) {
            items.remove(size);
        }
        boolean hasPrevious = !items.isEmpty() && bySid.lowerKey(sidOf.apply(items.get(0)).value()) != null;
        return Page.of(items, hasNext, hasPrevious, sidOf);
    }

    private static <T> List<T> take(Iterator<T> values, long skip, int count) {
        for (long i = 0; i < skip && values.hasNext(); i++) {
            values.next();
        }
        List<T> items = new ArrayList<>(Math.min(count, 64));
        while (items.size() < count && values.hasNext()) {
            items.add(values.next());
        }
        return items;
    }
}
