package io.sipmap.adapter.http.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ChangeFollower} reconnects and when it takes a silent stream for dead. Immutable; start from
 * {@link #defaults()}.
 *
 * <p><b>Back-off</b>: the wait before try {@code n + 1} (of an export load, a stream, or a load a stream undid at once)
 * is {@code initial * 2^(n-1)} capped at {@code max}, half of it random, and at least the stream's {@code retry}. The
 * follower tries for as long as it is open; the count starts again once a stream is up. Default: the client's
 * {@link RetryPolicy} back-off, at least 100 ms initial and 1 s max. <b>Stall timeout</b>: a stream silent this long,
 * not even the server's keep-alive (every 15 s), is taken as dropped. Default 45 s.
 *
 * @param initialBackoff the first wait before a reconnection; null, with {@code maxBackoff}, for the default
 * @param maxBackoff     the longest, at least {@code initialBackoff}; null with it for the default
 * @param stallTimeout   positive; longer than the server's keep-alive interval
 */
public record FollowerOptions(Duration initialBackoff, Duration maxBackoff, Duration stallTimeout) {

    private static final FollowerOptions DEFAULTS = new FollowerOptions(null, null, Duration.ofSeconds(45));

    public FollowerOptions {
        if ((initialBackoff == null) != (maxBackoff == null)) {
            throw new IllegalArgumentException("initial and max back-off go together, got " + initialBackoff + " and "
                    + maxBackoff);
        }
        if (initialBackoff != null && positive(initialBackoff, "initial").compareTo(positive(maxBackoff, "max")) > 0) {
            throw new IllegalArgumentException("max must be at least initial, got " + maxBackoff + " < "
                    + initialBackoff);
        }
        positive(stallTimeout, "timeout");
    }

    /** The client's back-off and a 45 s stall timeout. */
    public static FollowerOptions defaults() {
        return DEFAULTS;
    }

    /** Reconnect after {@code initial}, doubling up to {@code max}, each wait jittered. */
    public FollowerOptions withReconnectBackoff(Duration initial, Duration max) {
        return new FollowerOptions(Objects.requireNonNull(initial, "initial"), Objects.requireNonNull(max, "max"),
                stallTimeout);
    }

    /** Resume a stream that delivered nothing for this long. */
    public FollowerOptions withStallTimeout(Duration timeout) {
        return new FollowerOptions(initialBackoff, maxBackoff, timeout);
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

    static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }
}
