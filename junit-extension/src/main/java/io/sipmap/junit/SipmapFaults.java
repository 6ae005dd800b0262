package io.sipmap.junit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Faults on demand, for testing retry and time-out code against the errors Twilio really sends: the next requests to
 * a path answered {@code 429} or {@code 503} in Twilio's error shape with {@code Retry-After}, or held back for a
 * while before the server answers them. Injected as a test parameter; the faults are served by a Vert.x handler in
 * front of the sipmap router, on the real socket, before credentials are checked.
 *
 * <pre>{@code
 * faults.tooManyRequests("/v1/IpRecords", 2, Duration.ofSeconds(1)); // the next two requests to it get 429 (20429)
 * faults.delay("/v1/SourceIpMappings/.*", 1, Duration.ofMillis(500));  // the next one is answered 500 ms late
 * }</pre>
 *
 * <p>A path pattern is a {@linkplain Pattern regular expression} that must match the whole request path (the query
 * left out), such as {@code /v1/IpRecords} (the list and create) or {@code /v1/IpRecords.*} (the records too); any
 * method. A request takes the first armed fault, in the order they were armed, that matches its path and has requests
 * left; each fault serves its count and is then spent. Every fault is disarmed after each test.
 *
 * <p>Thread-safe: tests and the server's event loop use it at once, and each request takes a fault atomically.
 */
public final class SipmapFaults {

    /** What a fault does to the request it takes. */
    enum Kind { TOO_MANY_REQUESTS, UNAVAILABLE, DELAY }

    private final List<Fault> armed = new CopyOnWriteArrayList<>();

    SipmapFaults() {
    }

    /**
     * The next {@code times} requests whose path matches {@code pathPattern} are answered {@code 429} with Twilio's
     * code 20429 and {@code Retry-After} in whole seconds ({@code retryAfter} rounded up; 0 allowed), as Twilio
     * answers a client over its rate.
     */
    public Fault tooManyRequests(String pathPattern, int times, Duration retryAfter) {
        return arm(new Fault(Kind.TOO_MANY_REQUESTS, pathPattern, times, retryAfter));
    }

    /**
     * The next {@code times} requests whose path matches {@code pathPattern} are answered {@code 503} with code 20503
     * and {@code Retry-After} in whole seconds, as a sipmap server answers when its store does not. Twilio's SDK
     * retries a 5xx, {@code POST} included; sipmap's client retries {@code GET} and {@code DELETE}.
     */
    public Fault unavailable(String pathPattern, int times, Duration retryAfter) {
        return arm(new Fault(Kind.UNAVAILABLE, pathPattern, times, retryAfter));
    }

    /**
     * The next {@code times} requests whose path matches {@code pathPattern} are held back for {@code delay}, then
     * served as usual: for testing a client's time-outs.
     */
    public Fault delay(String pathPattern, int times, Duration delay) {
        return arm(new Fault(Kind.DELAY, pathPattern, times, delay));
    }

    /** Disarms every fault, spent or not. */
    public void clear() {
        armed.clear();
    }

    private Fault arm(Fault fault) {
        armed.add(fault);
        return fault;
    }

    /** The fault a request to {@code path} takes, now counted as served; null when none is armed for it. */
    Fault take(String path) {
        for (Fault fault : armed) {
            if (fault.pattern.matcher(path).matches() && fault.takeOne()) {
                return fault;
            }
        }
        return null;
    }

    /**
     * One armed fault: what it does, to which paths, for how many more requests. Thread-safe; {@link #served()} and
     * {@link #remaining()} can be read while the server serves it.
     */
    public static final class Fault {

        private final Kind kind;
        private final Pattern pattern;
        private final Duration duration;
        private final AtomicInteger remaining;
        private final AtomicInteger served = new AtomicInteger();

        Fault(Kind kind, String pathPattern, int times, Duration duration) {
            this.kind = kind;
            this.pattern = Pattern.compile(Objects.requireNonNull(pathPattern, "pathPattern"));
            if (times < 1) {
                throw new IllegalArgumentException("times must be at least 1, got " + times);
            }
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative()) {
                throw new IllegalArgumentException("a fault's duration cannot be negative, got " + duration);
            }
            this.duration = duration;
            this.remaining = new AtomicInteger(times);
        }

        /** How many requests this fault has taken so far. */
        public int served() {
            return served.get();
        }

        /** How many more requests it will take. */
        public int remaining() {
            return remaining.get();
        }

        Kind kind() {
            return kind;
        }

        /** The delay, or the wait a {@code Retry-After} asks for. */
        Duration duration() {
            return duration;
        }

        /** {@code Retry-After} in whole seconds, rounded up. */
        long retryAfterSeconds() {
            long seconds = duration.getSeconds();
            return duration.getNano() > 0 ? seconds + 1 : seconds;
        }

        private boolean takeOne() {
            if (remaining.getAndUpdate(left -> left > 0 ? left - 1 : 0) > 0) {
                served.incrementAndGet();
                return true;
            }
            return false;
        }

        @Override
        public String toString() {
            return kind + " on " + pattern + ", " + served() + " served, " + remaining() + " left";
        }
    }
}
