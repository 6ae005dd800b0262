package io.sipmap.domain;

import java.util.Objects;

/**
 * One page of a list: how many records at most, and where the page starts.
 *
 * @param size   1..1000
 * @param cursor where the page starts
 */
public record PageRequest(int size, Cursor cursor) {

    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = 1000;

    /** @throws SipmapException.InvalidParameter naming {@code PageSize} when the size is outside 1..1000 */
    public PageRequest {
        if (size < 1 || size > MAX_SIZE) {
            throw new SipmapException.InvalidParameter("PageSize",
                    "Invalid PageSize: expected an integer from 1 to " + MAX_SIZE + ", got " + size);
        }
        Objects.requireNonNull(cursor, "cursor");
    }

    /** The first page of the default size, 50. */
    public static PageRequest first() {
        return new PageRequest(DEFAULT_SIZE, Cursor.FIRST);
    }

    /** The first page of the given size. */
    public static PageRequest first(int size) {
        return new PageRequest(size, Cursor.FIRST);
    }

    /** A page of the same size starting at another cursor. */
    public PageRequest at(Cursor other) {
        return new PageRequest(size, other);
    }
}
