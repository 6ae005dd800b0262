package io.sipmap.adapter.http.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link LiveSipDomainResolver} follows the feed ({@link FollowerOptions}) and how long its resolutions wait.
 * Immutable; start from {@link #defaults()}.
 *
 * <p><b>wait bound</b>: the longest a {@code resolve} waits for the first snapshot, or for this client's own completed
 * mapping writes to arrive through the feed. Default 5 s.
 */
public final class LiveResolverOptions {

    private static final LiveResolverOptions DEFAULTS =
            new LiveResolverOptions(FollowerOptions.defaults(), Duration.ofSeconds(5));

    private final FollowerOptions following;
    private final Duration waitBound;

    private LiveResolverOptions(FollowerOptions following, Duration waitBound) {
        this.following = following;
        this.waitBound = waitBound;
    }

    /** {@link FollowerOptions#defaults()} and a 5 s wait bound. */
    public static LiveResolverOptions defaults() {
        return DEFAULTS;
    }

    /** How the replica follows the feed: its back-off and stall timeout. */
    public LiveResolverOptions withFollowing(FollowerOptions options) {
        return new LiveResolverOptions(Objects.requireNonNull(options, "options"), waitBound);
    }

    /** The longest a resolve waits for the first snapshot, or for this client's own writes to arrive. */
    public LiveResolverOptions withWaitBound(Duration bound) {
        return new LiveResolverOptions(following, FollowerOptions.positive(bound, "bound"));
    }

    public FollowerOptions following() {
        return following;
    }

    public Duration waitBound() {
        return waitBound;
    }

    @Override
    public String toString() {
        return "LiveResolverOptions[" + following + ", waitBound=" + waitBound + "]";
    }
}
