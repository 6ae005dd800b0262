package io.sipmap.domain;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The rule for new SIDs, in the manner of UUIDv7: the 32 hex digits are 12 of the creation time in milliseconds since
 * the epoch, 4 of a counter, and 16 of random bits. Within one generator the first 16 digits strictly increase, even
 * for SIDs created in the same millisecond or while the clock steps back (the counter carries into the time), so SID
 * order is creation order.
 *
 * <p>Thread-safe and lock-free.
 */
public final class TimeOrderedSids {

    private final Clock clock;
    private final LongSupplier random;
    // the last (milliseconds << 16 | counter) handed out
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param clock  the creation time
     * @param random the random bits, for example {@code new SecureRandom()::nextLong}
     */
    public TimeOrderedSids(Clock clock, LongSupplier random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The 32 lower-case hex digits of a new SID. */
    public String nextHex() {
        long now = clock.millis() << 16;
        long stamp = last.accumulateAndGet(now, (previous, candidate) -> Math.max(previous + 1, candidate));
        return hex16(stamp) + hex16(random.getAsLong());
    }

    /** The creation time in milliseconds that the digits of a SID made by this rule begin with. */
    public static long millisOf(Sid sid) {
        return sid.high() >>> 16;
    }

    private static String hex16(long value) {
        String digits = Long.toHexString(value);
        return "0".repeat(16 - digits.length()) + digits;
    }
}
