package io.sipmap.adapter.http.server;

import io.sipmap.domain.AccountSid;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code perSecond} requests per account in each second of the clock; beyond that 429 (20429) with
 * {@code Retry-After} in seconds. A fixed window, small and good enough for a test double of Twilio. Thread-safe.
 */
final class RateLimit implements Handler<RoutingContext> {

    private record Window(long second, int count) {
    }

    private final int perSecond;
    private final Clock clock;
    private final Map<AccountSid, Window> windows = new ConcurrentHashMap<>();

    RateLimit(int perSecond, Clock clock) {
        this.perSecond = perSecond;
        this.clock = clock;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long now = clock.millis();
        long second = Math.floorDiv(now, 1000);
        Window window = windows.merge(Exchanges.account(ctx), new Window(second, 1),
                (old, fresh) -> old.second() == second ? new Window(second, old.count() + 1) : fresh);
        if (window.count() > perSecond) {
            long retryAfter = ((second + 1) * 1000 - now + 999) / 1000; // whole seconds, rounded up, at least 1
            ctx.fail(new WireError(new TwilioError(429, TwilioErrors.TOO_MANY_REQUESTS,
                    "Too many requests: at most " + perSecond + " per second",
                    Map.of("Retry-After", Long.toString(retryAfter)))));
            return;
        }
        ctx.next();
    }
}
