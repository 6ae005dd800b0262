package io.sipmap.adapter.http.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link LiveSipDomainResolver} follows the feed and how long its resolutions wait. Immutable; start from
 * {@link #defaults()}.
 *
 * @param following how the replica follows the feed: its back-off and stall timeout ({@link FollowerOptions})
 * @param waitBound the longest a {@code resolve} waits for the first snapshot, or for this client's own completed
 *                  mapping writes to arrive through the feed; positive. Default 5 s.
 */
public record LiveResolverOptions(FollowerOptions following, Duration waitBound) {

    private static final LiveResolverOptions DEFAULTS =
            new LiveResolverOptions(FollowerOptions.defaults(), Duration.ofSeconds(5));

    public LiveResolverOptions {
        Objects.requireNonNull(following, "following");
        FollowerOptions.positive(waitBound, "waitBound");
    }

    /** {@link FollowerOptions#defaults()} and a 5 s wait bound. */
    public static LiveResolverOptions defaults() {
        return DEFAULTS;
    }

    public LiveResolverOptions withFollowing(FollowerOptions options) {
        return new LiveResolverOptions(options, waitBound);
    }

    public LiveResolverOptions withWaitBound(Duration bound) {
        return new LiveResolverOptions(following, bound);
    }
}
