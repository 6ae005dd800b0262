package io.sipmap.service;

import static io.sipmap.service.Outcomes.failure;
import static io.sipmap.service.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.api.ChangeFeed;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.AddressSnapshot;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeBatch;
import io.sipmap.domain.ChangeId;
import io.sipmap.spi.ChangeStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The service checks its arguments into failed stages, never throws, and hands the store's answers through. */
class ChangeFeedServiceTest {

    private static final AccountSid ACCOUNT = AccountSid.ofHex("ac".repeat(16));

    /** A store that records what it was asked and answers with fixed values. */
    private static final class RecordingStore implements ChangeStore {
        final List<String> calls = new ArrayList<>();
        boolean cancelled;

        @Override
        public CompletionStage<ChangeBatch> changesAfter(AccountSid account, ChangeId after, int limit) {
            calls.add("changesAfter " + after + " " + limit);
            return CompletableFuture.completedStage(ChangeBatch.of(ChangeId.of(7, 1), List.of()));
        }

        @Override
        public CompletionStage<AddressSnapshot> snapshot(AccountSid account) {
            calls.add("snapshot");
            return CompletableFuture.completedStage(new AddressSnapshot(ChangeId.of(7, 1), List.of()));
        }

        @Override
        public CompletionStage<Subscription> subscribe(AccountSid account, Consumer<Change> listener) {
            calls.add("subscribe");
            return CompletableFuture.completedStage(() -> cancelled = true);
        }
    }

    private final RecordingStore store = new RecordingStore();
    private final ChangeFeed feed = new ChangeFeedService(store);

    @Test
    void handsTheStoresAnswersThrough() {
        assertThat(value(feed.changesAfter(ACCOUNT, ChangeId.of(3, 0x2a), 1000)).head()).isEqualTo(ChangeId.of(7, 1));
        assertThat(value(feed.snapshot(ACCOUNT)).head()).isEqualTo(ChangeId.of(7, 1));
        value(feed.subscribe(ACCOUNT, change -> { })).cancel();
        assertThat(store.cancelled).isTrue();
        assertThat(store.calls).containsExactly("changesAfter 3-0000002a 1000", "snapshot", "subscribe");
    }

    @Test
    void badArgumentsFailTheStageWithoutReachingTheStore() {
        // a negative number cannot be a ChangeId (ChangeTest), nor come from the wire: ChangeId.parse takes digits
        assertThat(failure(feed.changesAfter(ACCOUNT, null, 10))).isInstanceOf(NullPointerException.class);
        assertThat(failure(feed.changesAfter(ACCOUNT, ChangeId.ZERO, 0))).isInstanceOf(IllegalArgumentException.class);
        assertThat(failure(feed.changesAfter(ACCOUNT, ChangeId.ZERO, ChangeStore.MAX_BATCH + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(failure(feed.changesAfter(null, ChangeId.ZERO, 10))).isInstanceOf(NullPointerException.class);
        assertThat(failure(feed.snapshot(null))).isInstanceOf(NullPointerException.class);
        assertThat(failure(feed.subscribe(ACCOUNT, null))).isInstanceOf(NullPointerException.class);
        assertThat(store.calls).isEmpty();
    }
}
