package io.sipmap.adapter.http.client;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * The records of a list, streamed page by page: a {@link Flow.Publisher} (see
 * {@link HttpIpRecords#stream(io.sipmap.domain.AccountSid, int, long)} for demand, cancellation and threads), plus
 * {@link #forEach} for callers who just want every record.
 *
 * @param <T> the record type
 */
public final class RecordStream<T> implements Flow.Publisher<T> {

    /** How many records {@link #forEach} asks for at a time. */
    static final int BATCH = 256;

    private final Flow.Publisher<T> source;

    RecordStream(Flow.Publisher<T> source) {
        this.source = source;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        source.subscribe(subscriber);
    }

    /**
     * Runs {@code action} on every record, in order, and completes with how many there were. The action runs on a
     * Vert.x event loop, one record at a time, and must not block. A failure of the stream fails the stage with its
     * {@code SipmapException}; an exception thrown by the action cancels the stream and fails the stage with it.
     */
    public CompletionStage<Long> forEach(Consumer<? super T> action) {
        Objects.requireNonNull(action, "action");
        CompletableFuture<Long> done = new CompletableFuture<>();
        source.subscribe(new Flow.Subscriber<T>() {
            private Flow.Subscription subscription;
            private long count;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(BATCH);
            }

            @Override
            public void onNext(T item) {
                if (done.isDone()) {
                    return;
                }
                try {
                    action.accept(item);
                } catch (RuntimeException e) {
                    subscription.cancel();
                    done.completeExceptionally(e);
                    return;
                }
                if (++count % BATCH == 0) {
                    subscription.request(BATCH);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(count);
            }
        });
        return done;
    }
}
