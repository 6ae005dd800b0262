package io.sipmap.adapter.http.client;

import static io.sipmap.adapter.http.client.LiveSipDomainResolverTest.ACCOUNT;
import static io.sipmap.adapter.http.client.LiveSipDomainResolverTest.OFFICE;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.SipmapException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The follower on its own, with a snapshot of its consumer's choosing (here only the export's event id), against the
 * feed double; the live resolver's tests cover resumes, resets, gaps and refusals through it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChangeFollowerTest {

    record Head(ChangeId lastEventId) implements ChangeFollower.Snapshot {
    }

    /** Records what it is handed, and on which context. */
    static final class Recording implements ChangeFollower.Listener<Head> {
        final List<Object> handed = new CopyOnWriteArrayList<>();
        final List<Context> contexts = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> refused = new CompletableFuture<>();
        final AtomicBoolean failNextChange = new AtomicBoolean();

        @Override
        public void snapshot(Head head) {
            contexts.add(Vertx.currentContext());
            handed.add(head);
        }

        @Override
        public void change(Change change) {
            contexts.add(Vertx.currentContext());
            if (failNextChange.getAndSet(false)) {
                throw new IllegalStateException("not taken");
            }
            handed.add(change);
        }

        @Override
        public void refused(Throwable cause) {
            refused.complete(cause);
        }
    }

    private Vertx vertx;
    private FeedDouble feed;
    private SipmapClient client;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        feed = new FeedDouble(vertx).start();
        client = SipmapClient.builder().baseUrl(feed.baseUrl()).accountCredentials(ACCOUNT, "token").vertx(vertx)
                .retryPolicy(RetryPolicy.none()).build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        feed.close();
        vertx.close().await(10, SECONDS);
    }

    private ChangeFollower<Head> follow(SipmapClient client, Recording listener) {
        Transport transport = new Transport(vertx, io.vertx.ext.web.client.WebClient.create(vertx),
                java.net.URI.create(feed.baseUrl()), ACCOUNT.value(), "token", "test", Duration.ofSeconds(5),
                Duration.ofSeconds(5), RetryPolicy.none());
        return client.followChanges(() -> transport.read(HttpMethod.GET, LiveSipDomainResolver.EXPORT, null,
                        body -> new Head(WireJson.addressExport(body).lastEventId()), 200), listener,
                FollowerOptions.defaults().withReconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)));
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void handsOverTheSnapshotThenEachChangeAsDomainTypesInOrderOnOneContext() throws Exception {
        String before = feed.createRecord("198.51.100.0", 24);
        Recording listener = new Recording();
        ChangeFollower<Head> follower = follow(client, listener);
        eventually("live", () -> follower.state() == ChangeFollower.State.LIVE);

        String mapping = feed.map(before, OFFICE);
        feed.unmap(mapping);
        eventually("both changes", () -> listener.handed.size() == 3);

        assertThat(listener.handed.get(0)).isEqualTo(new Head(ChangeId.of(1, 0xa0000001)));
        Change mapped = (Change) listener.handed.get(1);
        assertThat(mapped.id()).hasToString("2-a0000001");
        assertThat(mapped.kind()).isEqualTo(Change.Kind.SOURCE_IP_MAPPING_CREATED);
        assertThat(mapped.mapping().ipRecordSid().value()).isEqualTo(before);
        assertThat(mapped.ipRecordPrefix().toString()).isEqualTo("198.51.100.0/24");
        assertThat(((Change) listener.handed.get(2)).kind()).isEqualTo(Change.Kind.SOURCE_IP_MAPPING_DELETED);
        assertThat(listener.contexts).containsOnly(follower.context());
        assertThat(follower.lastEventId()).hasToString("3-a0000001");
        assertThat(feed.lastEventIds).containsExactly("1-a0000001");
    }

    @Test
    void aListenerThatThrowsGetsTheSnapshotAgain() throws Exception {
        Recording listener = new Recording();
        ChangeFollower<Head> follower = follow(client, listener);
        eventually("live", () -> follower.state() == ChangeFollower.State.LIVE);

        listener.failNextChange.set(true);
        feed.createRecord("192.0.2.0", 24);
        eventually("loaded again", () -> follower.snapshotsLoaded() == 2);
        assertThat(listener.handed).containsExactly(new Head(ChangeId.ZERO), new Head(ChangeId.of(1, 0xa0000001)));
    }

    @Test
    void aSnapshotRefusedForGoodStopsTheFollower() throws Exception {
        Recording listener = new Recording();
        ChangeFollower<Head> follower = client.followChanges(() -> Future.failedFuture(
                new SipmapException.NotFound("no export, as against Twilio")), listener, FollowerOptions.defaults());
        assertThat(listener.refused.get(10, SECONDS)).isInstanceOf(SipmapException.NotFound.class);
        assertThat(follower.state()).isEqualTo(ChangeFollower.State.FAILED);
        assertThat(listener.handed).isEmpty();
        assertThat(feed.streamRequests.get()).isZero();
    }
}
