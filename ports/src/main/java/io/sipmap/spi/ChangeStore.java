package io.sipmap.spi;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.AddressSnapshot;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeBatch;
import io.sipmap.domain.ChangeId;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The change feed of the stores it is made with: every write of {@link IpRecordStore} and
 * {@link SourceIpMappingStore} that changes something is recorded as a {@link Change}, numbered per account 1, 2, 3,
 * ... without gaps in the order the writes took effect (one sequence for both resources), in the same atomic step as
 * the write: a write that completes has its change recorded, one that fails has none, and no reader sees the one
 * without the other. Writes that change nothing (a delete of what is not there, a refused write) record nothing.
 * Each change also gets a nonce, 32 bits the store draws at random when it records it, so that a change's
 * {@link ChangeId} names it in one history: when an account's numbering starts again (an empty memory store after a
 * restart, a database restored from an older backup), a follower holding an id of the old history learns so.
 *
 * <p>Three ways to read it, which a follower joins by number: {@link #snapshot} (the account's resolution table and
 * the number it reflects), {@link #changesAfter} (what came after a number, in bounded batches) and
 * {@link #subscribe} (changes as they happen). A follower loads a snapshot, subscribes, reads the changes after the
 * snapshot's number, and then applies the subscription's changes it has not applied yet; a change delivered with a
 * number beyond the next one tells it to read the gap with {@link #changesAfter}.
 *
 * <p>The log is bounded (by count, age or both, as the store says): a reader whose number is older than the oldest
 * change kept, or beyond the head, or whose id names a change this store does not have, is told to start again from
 * a snapshot ({@link ChangeBatch#tooOld()}).
 *
 * <p>Accounts are isolated: nothing here ever shows another account's change. Methods never throw and never return
 * null; failures arrive in the stage. Thread-safe.
 */
public interface ChangeStore {

    /** The largest {@code limit} {@link #changesAfter} must honour; a larger one may be cut to it. */
    int MAX_BATCH = 1000;

    /**
     * The account's changes numbered after {@code after.seq()}, in order, at most {@code limit}
     * (1..{@link #MAX_BATCH}) and consecutive from {@code after.seq() + 1}, with the head (its id, nonce included)
     * when read; empty when {@code after} is the head. Too old ({@link ChangeBatch#reset}) when a change after it is
     * no longer kept, or {@code after.seq()} is beyond the head; and, when {@code after} has a nonce, unless the
     * store's change of that number has that nonce: the head, whose id the store keeps whatever it prunes, or a change
     * still kept. Without a nonce only the number is compared. An account with no change has head
     * {@link ChangeId#ZERO}.
     */
    CompletionStage<ChangeBatch> changesAfter(AccountSid account, ChangeId after, int limit);

    /**
     * The account's mapped IP records with what they resolve to, consistent with the head it carries: exactly the
     * effect of changes 1..{@code head.seq()}, even while writes go on; the head's id with its nonce.
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
