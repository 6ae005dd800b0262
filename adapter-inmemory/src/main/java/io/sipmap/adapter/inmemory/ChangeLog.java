package io.sipmap.adapter.inmemory;

import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeBatch;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.IpPrefix;
import java.util.ArrayList;
import java.util.List;

/**
 * One account's recent changes: a ring of at most {@code capacity} entries, the oldest dropped when full. Numbers run
 * from 1 without gaps; the ring holds changes {@code head - size + 1 .. head}. Grows from a few slots as the account
 * writes, so that an account that writes little costs little. Not thread-safe: used under its partition's monitor.
 */
final class ChangeLog {

    private static final int INITIAL = 4;

    private final int capacity;
    private Change[] ring = new Change[0];
    private int size;
    private long head;

    ChangeLog(int capacity) {
        this.capacity = capacity;
    }

    /** The latest change's id, {@link ChangeId#ZERO} before the first. */
    ChangeId head() {
        return head == 0 ? ChangeId.ZERO : ring[slot(head)].id();
    }

    /** Numbers and keeps the next change, with its nonce; drops the oldest when full. */
    Change append(int nonce, Change.Kind kind, Object resource, IpPrefix ipRecordPrefix) {
        Change change = new Change(ChangeId.of(head + 1, nonce), kind, resource, ipRecordPrefix);
        if (size == ring.length && ring.length < capacity) {
            grow();
        }
        ring[slot(change.seq())] = change;
        head = change.seq();
        size = Math.min(size + 1, ring.length);
        return change;
    }

    /**
     * The changes after {@code after}, at most {@code limit}; too old when one of them is no longer kept, or when
     * {@code after} has a nonce and is not the change kept under its number.
     */
    ChangeBatch after(ChangeId after, int limit) {
        long from = after.seq();
        long oldest = head - size + 1;
        if (from > head || from + 1 < oldest
                || after.nonce().isPresent() && (from < oldest || !ring[slot(from)].id().equals(after))) {
            return ChangeBatch.reset(head());
        }
        int count = (int) Math.min(limit, head - from);
        List<Change> changes = new ArrayList<>(count);
        for (long seq = from + 1; seq <= from + count; seq++) {
            changes.add(ring[slot(seq)]);
        }
        return ChangeBatch.of(head(), changes);
    }

    private int slot(long seq) {
        return (int) ((seq - 1) % ring.length);
    }

    /** Doubles the ring, up to the capacity, keeping each change at the slot of its number. */
    private void grow() {
        Change[] old = ring;
        ring = new Change[Math.min(capacity, Math.max(INITIAL, old.length * 2))];
        for (long seq = head - size + 1; seq <= head; seq++) {
            ring[slot(seq)] = old[(int) ((seq - 1) % old.length)];
        }
    }
}
