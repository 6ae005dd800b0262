package io.sipmap.api;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.AddressSnapshot;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeBatch;
import io.sipmap.domain.ChangeId;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The account's changes to IP records and source IP mappings, numbered 1, 2, 3, ... without gaps, and the snapshot of
 * its resolution table that they apply to: what a SIP edge (a proxy's address file, a replica in memory) follows to
 * stay current without a request per call. A sipmap extension; Twilio has nothing like it.
 *
 * <p>The methods and their promises are those of {@link io.sipmap.spi.ChangeStore}, which says how a follower joins
 * them: {@link #snapshot}, then {@link #subscribe}, then {@link #changesAfter} the snapshot's number. No method throws
 * or returns null: failures arrive as a failed stage. Another account's changes never appear. Thread-safe.
 */
public interface ChangeFeed {

    /**
     * Up to {@code limit} (1..1000) changes after {@code after}, or too old: start again from a snapshot. Too old
     * also when {@code after} has a nonce and names no change of this history.
     */
    CompletionStage<ChangeBatch> changesAfter(AccountSid account, ChangeId after, int limit);

    /** The account's mapped IP records, resolution order, with the id of the last change they reflect. */
    CompletionStage<AddressSnapshot> snapshot(AccountSid account);

    /**
     * Every change committed after the returned stage completes, in order, each once, to {@code listener}, which
     * must not block (it runs on the store's thread).
     */
    CompletionStage<Subscription> subscribe(AccountSid account, Consumer<Change> listener);

    /** A running {@link #subscribe}. */
    interface Subscription {
        /** Stops the deliveries; idempotent. */
        void cancel();
    }
}
