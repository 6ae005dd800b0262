package io.sipmap.adapter.http.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.function.BiConsumer;

/**
 * A subscriber that collects what it receives and lets the test decide demand: {@code onItem} runs for each item with
 * the subscription, and may request more or cancel.
 */
final class Collecting<T> implements Flow.Subscriber<T> {

    final List<T> items = new CopyOnWriteArrayList<>();
    final CompletableFuture<List<T>> done = new CompletableFuture<>();
    private final long initial;
    private final BiConsumer<Collecting<T>, T> onItem;
    volatile Flow.Subscription subscription;

    Collecting(long initial, BiConsumer<Collecting<T>, T> onItem) {
        this.initial = initial;
        this.onItem = onItem;
    }

    /** Requests one at a time, each after the previous arrived. */
    static <T> Collecting<T> oneByOne() {
        return new Collecting<>(1, (c, item) -> c.subscription.request(1));
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (initial > 0) {
            s.request(initial);
        }
    }

    @Override
    public void onNext(T item) {
        items.add(item);
        onItem.accept(this, item);
    }

    @Override
    public void onError(Throwable t) {
        done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        done.complete(items);
    }
}
