package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.ApiKeySid;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Open {@code GET /sipmap/v1/Changes} streams end within 2 s when the credentials that opened them stop
 * authenticating ({@link Credentials#revoke}, {@link Credentials#replaceWith}), and a reconnection is refused 401;
 * the streams of credentials that still authenticate, of the same account, go on and get the next change.
 */
class FeedRevocationHttpTest extends ServerTestBase {

    static final ApiKeySid KEY = new ApiKeySid("SK" + "4d".repeat(16));
    static final String KEY_SECRET = "secret-of-the-second-key";

    /** This test's own, changed while the server runs; the base class's are shared by every test. */
    final Credentials credentials = Credentials.of(ACCOUNT, TOKEN).withAccount(OTHER_ACCOUNT, OTHER_TOKEN)
            .withApiKey(API_KEY, API_SECRET, ACCOUNT)
            .withApiKey(KEY, KEY_SECRET, ACCOUNT);
    final FakeFeed feed = new FakeFeed();
    /** Held until the test ends: Vert.x closes a client that is no longer referenced, and its streams with it. */
    final List<HttpClient> clients = new ArrayList<>();

    @Override
    SipmapServerOptions options() {
        return SipmapServerOptions.of(credentials);
    }

    @Override
    Router router() {
        return SipmapRouter.create(vertx, api.sourceIpMappings, api.ipRecords, null, feed, options());
    }

    @Test
    void revokingAKeyEndsItsStreamsOnlyAndItsReconnectionIsRefused() throws Exception {
        Follower revoked = follow(API_KEY.value(), API_SECRET);
        Follower sameAccountKey = follow(KEY.value(), KEY_SECRET);
        Follower accountToken = follow(ACCOUNT.value(), TOKEN);
        feed.append(ACCOUNT);
        for (Follower follower : new Follower[] {revoked, sameAccountKey, accountToken}) {
            follower.awaitEvent(1);
        }

        assertThat(credentials.revoke(API_KEY)).isTrue();

        revoked.ended.get(2, TimeUnit.SECONDS);
        feed.append(ACCOUNT);
        sameAccountKey.awaitEvent(2);
        accountToken.awaitEvent(2);
        assertThat(revoked.text.toString()).doesNotContain("id: 2");
        assertThat(sameAccountKey.ended).isNotDone();
        assertThat(accountToken.ended).isNotDone();
        assertThat(status(API_KEY.value(), API_SECRET)).isEqualTo(401);
        assertThat(status(KEY.value(), KEY_SECRET)).isEqualTo(200);
    }

    @Test
    void replacingTheCredentialsEndsTheStreamsOfRemovedUsersAndChangedSecretsOnly() throws Exception {
        Follower removedKey = follow(API_KEY.value(), API_SECRET);
        Follower changedToken = follow(ACCOUNT.value(), TOKEN);
        Follower keptKey = follow(KEY.value(), KEY_SECRET);
        Follower otherAccount = follow(OTHER_ACCOUNT.value(), OTHER_TOKEN);

        // as a re-read credentials file does: all new objects; the kept key's secret unchanged, its scope narrowed
        credentials.replaceWith(Credentials.of(ACCOUNT, "a-new-token")
                .withApiKey(KEY, KEY_SECRET, ACCOUNT, Credentials.Scope.READ_ONLY));

        removedKey.ended.get(2, TimeUnit.SECONDS);
        changedToken.ended.get(2, TimeUnit.SECONDS);
        otherAccount.ended.get(2, TimeUnit.SECONDS);
        feed.append(ACCOUNT);
        keptKey.awaitEvent(1);
        assertThat(keptKey.ended).as("a narrower scope ends no stream: streams only read").isNotDone();
        for (Follower ended : new Follower[] {removedKey, changedToken, otherAccount}) {
            assertThat(ended.status).isEqualTo(200);
            assertThat(ended.text.toString()).startsWith("retry: 1000\n\n").doesNotContain("id: ");
        }
        assertThat(status(ACCOUNT.value(), TOKEN)).isEqualTo(401);
        assertThat(status(API_KEY.value(), API_SECRET)).isEqualTo(401);
        assertThat(status(ACCOUNT.value(), "a-new-token")).isEqualTo(200);
    }

    @Test
    void aRevocationWhileTheStreamStartsEndsItOnceStarted() throws Exception {
        feed.holdSubscriptions();
        Future<Follower> opening = open(client(), API_KEY.value(), API_SECRET);
        Thread.sleep(200); // the request is authenticated and waits for the feed

        credentials.revoke(API_KEY);
        feed.releaseSubscriptions();

        Follower follower = await(opening);
        follower.ended.get(2, TimeUnit.SECONDS);
        assertThat(status(API_KEY.value(), API_SECRET)).isEqualTo(401);
    }

    /** One follower of the feed on a connection of its own: what it read, and when its stream ended. */
    static final class Follower {
        final int status;
        final StringBuffer text = new StringBuffer();
        final CompletableFuture<Void> ended = new CompletableFuture<>();

        Follower(HttpClientResponse response) {
            this.status = response.statusCode();
            response.handler(chunk -> text.append(chunk.toString(StandardCharsets.UTF_8)));
            response.endHandler(v -> ended.complete(null));
            response.exceptionHandler(ended::completeExceptionally);
        }

        void awaitEvent(long seq) throws InterruptedException {
            eventually(() -> text.toString().contains("id: " + seq + "\n"), "event " + seq + " in " + text);
        }
    }

    Future<Follower> open(HttpClient http, String user, String secret) {
        return http.request(HttpMethod.GET, port, "127.0.0.1", FeedRoutes.CHANGES)
                .compose(request -> request.putHeader("Authorization", basic(user, secret)).send())
                .map(Follower::new); // on the event loop, before any of the body arrives
    }

    /** A client of its own, for a connection of its own. */
    HttpClient client() {
        HttpClient client = vertx.createHttpClient();
        clients.add(client);
        return client;
    }

    private Follower follow(String user, String secret) {
        Follower follower = await(open(client(), user, secret));
        assertThat(follower.status).isEqualTo(200);
        return follower;
    }

    /** The status of a new request for the feed, which is read no further. */
    private int status(String user, String secret) {
        HttpClient http = client();
        try {
            return await(http.request(HttpMethod.GET, port, "127.0.0.1", FeedRoutes.CHANGES)
                    .compose(request -> request.putHeader("Authorization", basic(user, secret)).send())
                    .map(response -> {
                        try {
                            response.exceptionHandler(closedBelow -> { });
                        } catch (IllegalStateException alreadyEnded) {
                            // a refusal's short body can be read whole before this runs: nothing left to close below
                        }
                        return response.statusCode();
                    }));
        } finally {
            http.close();
        }
    }

    static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
