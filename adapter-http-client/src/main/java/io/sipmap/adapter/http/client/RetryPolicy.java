package io.sipmap.adapter.http.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When the client tries a request again. Only requests that cannot have taken effect twice are retried:
 * <ul>
 *   <li>{@code GET} and {@code DELETE} answered {@code 429} or {@code 5xx}. A retried {@code DELETE} whose first try
 *   did delete fails with {@code NotFound}, as Twilio's own SDK would.</li>
 *   <li>any request, {@code POST} included, whose connection was refused or could not be opened in time: no byte of it
 *   was sent, so no server acted on it.</li>
 * </ul>
 * A {@code POST} answered {@code 5xx}, and any request whose connection was reset or timed out after it was sent, is
 * never retried: the server may have acted on it. The wait before try {@code n + 1} is exponential with jitter,
 * {@code initialBackoff * 2^(n-1)} capped at {@code maxBackoff}, half of it random; a {@code Retry-After} header
 * (seconds or an HTTP date) lengthens it. No retry starts when it would end past {@code maxElapsed} from the first
 * try; the last answer or failure is then reported.
 *
 * @param maxAttempts    tries in all, at least 1 (1 disables retries)
 * @param initialBackoff the wait before the second try
 * @param maxBackoff     the longest computed wait ({@code Retry-After} may ask for more, within {@code maxElapsed})
 * @param maxElapsed     the longest time from the first try to the start of the last
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxElapsed) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        requirePositive(initialBackoff, "initialBackoff");
        requirePositive(maxBackoff, "maxBackoff");
        requirePositive(maxElapsed, "maxElapsed");
    }

    /** Three tries, 250 ms then 500 ms apart (plus jitter), waits of at most 5 s, 20 s in all. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(3, Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofSeconds(20));
    }

    /** One try: every failure is reported at once. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1));
    }

    /** The computed wait before try {@code attempt + 1}, before jitter, in milliseconds. */
    long backoffMillis(int attempt) {
        long base = initialBackoff.toMillis();
        long max = maxBackoff.toMillis();
        int shift = Math.min(attempt - 1, 30);
        long computed = base > (max >> shift) ? max : base << shift;
        return Math.min(computed, max);
    }

    /**
     * The wait before try {@code attempt + 1} with jitter: half of {@link #backoffMillis} and a random part of the
     * rest, so that clients failing together do not retry together; never under {@code floorMillis} (a server's
     * Retry-After or retry).
     */
    long jitteredMillis(int attempt, long floorMillis) {
        long computed = backoffMillis(attempt);
        long half = computed / 2;
        return Math.max(half + ThreadLocalRandom.current().nextLong(computed - half + 1),
                floorMillis);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
