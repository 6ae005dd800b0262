package io.sipmap.adapter.http.server;

import io.sipmap.domain.AccountSid;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per account: {@code burst} requests may come at once, then {@code perSecond} per second on average;
 * beyond that 429 (20429) with {@code Retry-After}, the whole seconds until a token is back (at least 1). A refused
 * request takes no token, so a client that waits as told is served. Thread-safe: each account's bucket changes
 * atomically. Holds one small entry per account that ever called, and only authenticated accounts reach it.
 */
final class RateLimit implements Handler<RoutingContext> {

    /** The tokens left at {@code millis} on the clock, in thousandths of a token so as to stay in integers. */
    private record Bucket(long millis, long milliTokens) {
    }

    private final int perSecond;
    private final long capacity;
    private final Clock clock;
    private final Map<AccountSid, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimit(int perSecond, int burst, Clock clock) {
        this.perSecond = perSecond;
        this.capacity = burst * 1000L;
        this.clock = clock;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long now = clock.millis();
        boolean[] allowed = new boolean[1];
        Bucket bucket = buckets.compute(Exchanges.account(ctx), (account, old) -> {
            long tokens = old == null ? capacity : refill(old, now);
            allowed[0] = tokens >= 1000;
            return new Bucket(now, allowed[0] ? tokens - 1000 : tokens);
        });
        if (!allowed[0]) {
            long missing = 1000 - bucket.milliTokens();            // thousandths of a token
            long waitMillis = (missing + perSecond - 1) / perSecond; // a token takes 1000 / perSecond ms
            long retryAfter = Math.max(1, (waitMillis + 999) / 1000);
            ctx.fail(new RefusedRequest(ErrorTable.tooManyRequests(perSecond, retryAfter)));
            return;
        }
        ctx.next();
    }

    private long refill(Bucket old, long now) {
        long elapsed = Math.max(0, now - old.millis()); // a clock stepping back refills nothing
        long added = elapsed >= capacity ? capacity : elapsed * perSecond; // ms x tokens/s = thousandths of a token
        return Math.min(capacity, old.milliTokens() + added);
    }
}
