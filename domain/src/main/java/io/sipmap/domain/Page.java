package io.sipmap.domain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of a list in SID order, and where its neighbours start. How a store chooses the items and derives the
 * cursors is stated in {@code io.sipmap.spi}'s package documentation.
 *
 * @param items    the records, in SID order; never null, may be empty
 * @param next     the cursor of the next page, empty when no record follows the last item (and on an empty page,
 *                 which has no last item to stand after)
 * @param previous the cursor of the previous page, empty when no record precedes the first item (and on an empty
 *                 page, which has no first item to stand before)
 * @param <T>      the record type
 */
public record Page<T>(List<T> items, Optional<Cursor> next, Optional<Cursor> previous) {

    public Page {
        items = List.copyOf(items);
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(previous, "previous");
    }

    /**
     * A page of records in SID order, with keyset cursors derived from its first and last items.
     *
     * @param hasNext     whether a record follows the last item
     * @param hasPrevious whether a record precedes the first item
     * @param sidOf       the SID of an item, canonical
     */
    public static <T> Page<T> of(List<T> items, boolean hasNext, boolean hasPrevious, Function<T, ? extends Sid> sidOf) {
        if (items.isEmpty()) {
            return new Page<>(items, Optional.empty(), Optional.empty());
        }
        Optional<Cursor> next = hasNext
                ? Optional.of(new Cursor.After(sidOf.apply(items.get(items.size() - 1)).value()))
                : Optional.empty();
        Optional<Cursor> previous = hasPrevious
                ? Optional.of(new Cursor.Before(sidOf.apply(items.get(0)).value()))
                : Optional.empty();
        return new Page<>(items, next, previous);
    }

    /** Whether a record follows this page. */
    public boolean hasNext() {
        return next.isPresent();
    }

    /** Whether a record precedes this page. */
    public boolean hasPrevious() {
        return previous.isPresent();
    }

    /** The same page with each item converted. */
    public <R> Page<R> map(Function<? super T, ? extends R> fn) {
        return new Page<>(items.stream().<R>map(fn).toList(), next, previous);
    }
}
