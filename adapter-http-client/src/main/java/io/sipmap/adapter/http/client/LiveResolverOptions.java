package io.sipmap.adapter.http.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link LiveSipDomainResolver} reconnects and how long it waits. Immutable; start from {@link #defaults()}.
 *
 * <ul>
 *   <li><b>reconnect back-off</b>: after a failed snapshot or a dropped change stream, the wait before try {@code n + 1}
 *   is {@code initial * 2^(n-1)} capped at {@code max}, half of it random, as {@link RetryPolicy} computes it, and at
 *   least the {@code retry} the server's stream asked for. The replica tries again for as long as it is open (a replica
 *   that gives up is silently stale); the count starts again once a stream is up. Default: the client's
 *   {@link RetryPolicy} back-off, with at least 100 ms initial and 1 s max.</li>
 *   <li><b>stall timeout</b>: a stream that delivers nothing, not even the server's keep-alive comment (every 15 s by
 *   default), for this long is taken as dropped and resumed. Default 45 s.</li>
 *   <li><b>wait bound</b>: the longest a {@code resolve} waits for the first snapshot, or for this client's own
 *   completed mapping writes to arrive through the feed. Default 5 s.</li>
 * </ul>
 */
public final class LiveResolverOptions {

    private static final LiveResolverOptions DEFAULTS =
            new LiveResolverOptions(null, null, Duration.ofSeconds(45), Duration.ofSeconds(5));

    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration stallTimeout;
    private final Duration waitBound;

    private LiveResolverOptions(Duration initialBackoff, Duration maxBackoff, Duration stallTimeout,
                                Duration waitBound) {
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.stallTimeout = stallTimeout;
        this.waitBound = waitBound;
    }

    /** The client's back-off, a 45 s stall timeout and a 5 s wait bound. */
    public static LiveResolverOptions defaults() {
        return DEFAULTS;
    }

    /** Reconnect after {@code initial}, doubling up to {@code max}, each wait jittered. */
    public LiveResolverOptions withReconnectBackoff(Duration initial, Duration max) {
        positive(initial, "initial");
        positive(max, "max");
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must be at least initial, got " + max + " < " + initial);
        }
        return new LiveResolverOptions(initial, max, stallTimeout, waitBound);
    }

    /** Resume a stream that delivered nothing for this long; longer than the server's keep-alive interval. */
    public LiveResolverOptions withStallTimeout(Duration timeout) {
        return new LiveResolverOptions(initialBackoff, maxBackoff, positive(timeout, "timeout"), waitBound);
    }

    /** The longest a resolve waits for the first snapshot, or for this client's own writes to arrive. */
    public LiveResolverOptions withWaitBound(Duration bound) {
        return new LiveResolverOptions(initialBackoff, maxBackoff, stallTimeout, positive(bound, "bound"));
    }

    public Duration stallTimeout() {
        return stallTimeout;
    }

    public Duration waitBound() {
        return waitBound;
    }

    /** The back-off as a {@link RetryPolicy} whose attempts and elapsed time do not bound anything here. */
    RetryPolicy backoff(RetryPolicy client) {
        Duration initial = initialBackoff != null ? initialBackoff
                : max(client.initialBackoff(), Duration.ofMillis(100));
        Duration most = maxBackoff != null ? maxBackoff : max(max(client.maxBackoff(), Duration.ofSeconds(1)), initial);
        return new RetryPolicy(Integer.MAX_VALUE, initial, most, Duration.ofDays(365));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "LiveResolverOptions[initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff
                + ", stallTimeout=" + stallTimeout + ", waitBound=" + waitBound + "]";
    }
}
