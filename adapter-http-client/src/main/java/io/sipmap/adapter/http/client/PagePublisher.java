package io.sipmap.adapter.http.client;

import io.sipmap.domain.SipmapException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * Every record of a list, page after page, following {@code next_page_url} exactly as the server gave it. A page is
 * requested only when the subscriber has demand left and the previous page is used up, so one page at most is held in
 * memory, and {@link Flow.Subscription#cancel()} stops the requests. Each subscription is a new walk, whose state lives
 * on one Vert.x context, so signals never overlap; why a {@link Flow.Publisher} is told on
 * {@link HttpIpRecords#stream(io.sipmap.domain.AccountSid, int, long)}.
 */
final class PagePublisher<T> implements Flow.Publisher<T> {

    private final Vertx vertx;
    private final String firstTarget;
    private final long limit;
    private final Function<String, Future<WireJson.RawPage<T>>> fetch;

    /**
     * @param firstTarget the absolute URL of the first page
     * @param limit       how many records at most, {@code Long.MAX_VALUE} for all
     * @param fetch       reads the page at an absolute URL
     */
    PagePublisher(Vertx vertx, String firstTarget, long limit, Function<String, Future<WireJson.RawPage<T>>> fetch) {
        this.vertx = vertx;
        this.firstTarget = firstTarget;
        this.limit = limit;
        this.fetch = fetch;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Walk walk = new Walk(subscriber, vertx.getOrCreateContext());
        walk.context.runOnContext(v -> {
            subscriber.onSubscribe(walk);
            walk.drain();
        });
    }

    /** One subscription. Its fields are touched only on {@link #context}, which runs one task at a time. */
    private final class Walk implements Flow.Subscription {
        private final Flow.Subscriber<? super T> subscriber;
        private final Context context;
        private final ArrayDeque<T> buffer = new ArrayDeque<>();
        private String next = firstTarget;
        private long demand;
        private long emitted;
        private boolean fetching;
        private SipmapException endWith;
        private boolean finished;
        // Set at once by cancel(), from any thread, so that a drain already running stops emitting.
        private volatile boolean cancelled;

        Walk(Flow.Subscriber<? super T> subscriber, Context context) {
            this.subscriber = subscriber;
            this.context = context;
        }

        @Override
        public void request(long n) {
            context.runOnContext(v -> {
                if (finished) {
                    return;
                }
                if (n <= 0) {
                    fail(new IllegalArgumentException("request(" + n + "): demand must be positive (rule 3.9)"));
                    return;
                }
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                drain();
            });
        }

        @Override
        public void cancel() {
            cancelled = true;
            context.runOnContext(v -> {
                finished = true;
                buffer.clear();
            });
        }

        void drain() {
            if (cancelled) {
                finished = true;
            }
            while (!finished && !cancelled && demand > 0 && emitted < limit && !buffer.isEmpty()) {
                demand--;
                emitted++;
                try {
                    subscriber.onNext(buffer.poll());
                } catch (RuntimeException e) {
                    // Rule 2.13: a subscriber that throws is cancelled, and the error raised where Vert.x reports it.
                    finished = true;
                    buffer.clear();
                    throw e;
                }
            }
            if (finished || cancelled) {
                finished = true;
                buffer.clear();
                return;
            }
            if (emitted >= limit || buffer.isEmpty() && next == null) {
                if (endWith != null && emitted < limit) {
                    fail(endWith);
                    return;
                }
                finished = true;
                buffer.clear();
                subscriber.onComplete();
                return;
            }
            if (buffer.isEmpty() && demand > 0 && !fetching) {
                fetching = true;
                String target = next;
                Future<WireJson.RawPage<T>> page;
                try {
                    page = fetch.apply(target);
                } catch (RuntimeException e) {
                    page = Future.failedFuture(e);
                }
                page.onComplete(ar -> context.runOnContext(v -> {
                    fetching = false;
                    if (finished || cancelled) {
                        return;
                    }
                    if (ar.failed()) {
                        fail(ar.cause());
                        return;
                    }
                    buffer.addAll(ar.result().page().items());
                    try {
                        next = absolute(target, ar.result().nextPageUrl());
                    } catch (IllegalArgumentException e) {
                        // The page itself is good: deliver it, then end with the failure instead of completing.
                        next = null;
                        endWith = new SipmapException.Upstream("the server's next_page_url is not a URL: "
                                + ar.result().nextPageUrl(), null, e);
                    }
                    if (target.equals(next)) {
                        next = null;
                        endWith = new SipmapException.Upstream(
                                "the server's next_page_url repeats the page just read: " + target, null, null);
                    }
                    drain();
                }));
            }
        }

        /** A next_page_url as given, made absolute against the page it came from, as a browser would. */
        private String absolute(String current, String nextPageUrl) {
            return nextPageUrl == null ? null : URI.create(current).resolve(nextPageUrl).toString();
        }

        private void fail(Throwable cause) {
            finished = true;
            buffer.clear();
            subscriber.onError(cause);
        }
    }
}
