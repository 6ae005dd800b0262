package io.sipmap.spi;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.AddressSnapshot;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeBatch;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The change feed of the stores it is made with: every write of {@link IpRecordStore} and
 * {@link SourceIpMappingStore} that changes something is recorded as a {@link Change}, numbered per account 1, 2, 3,
 * ... without gaps in the order the writes took effect (one sequence for both resources), in the same atomic step as
 * the write: a write that completes has its change recorded, one that fails has none, and no reader sees the one
 * without the other. Writes that change nothing (a delete of what is not there, a refused write) record nothing.
 *
 * <p>Three ways to read it, which a follower joins by number: {@link #snapshot} (the account's resolution table and
 * the number it reflects), {@link #changesAfter} (what came after a number, in bounded batches) and
 * {@link #subscribe} (changes as they happen). A follower loads a snapshot, subscribes, reads the changes after the
 * snapshot's number, and then applies the subscription's changes it has not applied yet; a change delivered with a
 * number beyond the next one tells it to read the gap with {@link #changesAfter}.
 *
 * <p>The log is bounded (by count, age or both, as the store says): a reader whose number is older than the oldest
 * change kept, or beyond the head, is told to start again from a snapshot ({@link ChangeBatch#tooOld()}).
 *
 * <p>Accounts are isolated: nothing here ever shows another account's change. Methods never throw and never return
 * null; failures arrive in the stage. Thread-safe.
 */
public interface ChangeStore {

    /** The largest {@code limit} {@link #changesAfter} must honour; a larger one may be cut to it. */
    int MAX_BATCH = 1000;

    /**
     * The account's changes numbered after {@code after}, in order, at most {@code limit} (1..{@link #MAX_BATCH})
     * and consecutive from {@code after + 1}, with the head when read; empty when {@code after} is the head. Too old
     * ({@link ChangeBatch#reset}) when a change after {@code after} is no longer kept, or {@code after} is beyond the
     * head. An account with no change has head 0.
     */
    CompletionStage<ChangeBatch> changesAfter(AccountSid account, long after, int limit);

    /**
     * The account's mapped IP records with what they resolve to, consistent with the number it carries: exactly the
     * effect of changes 1..{@code seq}, even while writes go on.
     */
    CompletionStage<AddressSnapshot> snapshot(AccountSid account);

    /**
     * Follows the account's changes as they happen: {@code listener} gets, in increasing number order and each
     * once, every change committed after the returned stage completed (possibly some from a little earlier). It is
     * called on a thread of the store's (in memory: the writer's, while the account's writes wait), so it must
     * return quickly and never block: hand the change over and return. A listener that throws is cancelled. Cheap
     * enough for one per account that anyone follows; a fan-out to many followers belongs to the caller.
     */
    CompletionStage<Subscription> subscribe(AccountSid account, Consumer<Change> listener);

    /** A running {@link #subscribe}. */
    interface Subscription {
        /** Stops the deliveries; one under way may still complete. Idempotent. */
        void cancel();
    }
}
