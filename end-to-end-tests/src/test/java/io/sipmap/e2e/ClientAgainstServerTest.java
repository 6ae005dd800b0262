package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.client.RetryPolicy;
import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipmapException;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the contract suites cannot show: the client facing the server's refusals, as Twilio would refuse. */
class ClientAgainstServerTest {

    static final AccountSid ACCOUNT = new AccountSid("AC0000000000000000000000000000000a");
    static final int PER_SECOND = 3;

    private final Vertx vertx = Vertx.vertx();
    private String baseUrl;

    @BeforeEach
    void start() throws Exception {
        var stores = InMemoryStores.create();
        var clock = Clock.systemUTC();
        var sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        var verticle = new SipmapVerticle(new SourceIpMappingService(stores.sourceIpMappings(), clock, sids),
                new IpRecordService(stores.ipRecords(), clock, sids),
                SipmapServerOptions.of(Credentials.of(ACCOUNT, "right-token")).withPort(0)
                        .withRateLimit(PER_SECOND, clock));
        vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
        baseUrl = "http://127.0.0.1:" + verticle.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private SipmapClient client(String token, RetryPolicy retry) {
        return SipmapClient.builder().baseUrl(baseUrl).accountCredentials(ACCOUNT, token).vertx(vertx)
                .retryPolicy(retry).build();
    }

    private static Throwable failure(Runnable call) {
        try {
            call.run();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void wrongTokenIsUpstreamKeepingTwiliosAnswer() {
        try (SipmapClient client = client("wrong-token", RetryPolicy.defaults())) {
            Throwable e = failure(() -> client.ipRecords().fetch(ACCOUNT,
                    new IpRecordSid("IL00000000000000000000000000000001")).toCompletableFuture().join());

            assertThat(e).isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("HTTP 401");
            assertThat(((SipmapException) e).remote()).hasValueSatisfying(remote -> {
                assertThat(remote.status()).isEqualTo(401);
                assertThat(remote.code()).isEqualTo(20003);
            });
        }
    }

    /**
     * One request a second and no burst: the second is refused with {@code Retry-After: 1}. The client's own backoff
     * here is 10 ms, far too short for a token to come back, so only by waiting as Retry-After says does its retry
     * succeed.
     */
    @Test
    void theRetryWaitsAsLongAsRetryAfterSaysNotItsOwnShorterBackoff() throws Exception {
        var stores = InMemoryStores.create();
        var clock = Clock.systemUTC();
        var sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        var verticle = new SipmapVerticle(new SourceIpMappingService(stores.sourceIpMappings(), clock, sids),
                new IpRecordService(stores.ipRecords(), clock, sids),
                SipmapServerOptions.of(Credentials.of(ACCOUNT, "right-token")).withPort(0).withRateLimit(1, 1, clock));
        vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
        RetryPolicy quick = new RetryPolicy(2, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(10),
                java.time.Duration.ofSeconds(5));
        try (SipmapClient client = SipmapClient.builder().baseUrl("http://127.0.0.1:" + verticle.actualPort())
                .accountCredentials(ACCOUNT, "right-token").vertx(vertx).retryPolicy(quick).build()) {
            client.ipRecords().list(ACCOUNT, PageRequest.first()).toCompletableFuture().join();
            long start = System.nanoTime();

            assertThat(client.ipRecords().list(ACCOUNT, PageRequest.first()).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS).items()).isEmpty();

            long waited = (System.nanoTime() - start) / 1_000_000;
            assertThat(waited).as("ms before the retry succeeded").isGreaterThanOrEqualTo(900);
        }
    }

    @Test
    void rateLimitedReadsSucceedByHonouringRetryAfter() {
        List<Throwable> withoutRetries = new ArrayList<>();
        try (SipmapClient impatient = client("right-token", RetryPolicy.none())) {
            for (int i = 0; i < 2 * PER_SECOND + 1; i++) {
                Throwable e = failure(() -> impatient.ipRecords().list(ACCOUNT, PageRequest.first())
                        .toCompletableFuture().join());
                if (e != null) {
                    withoutRetries.add(e);
                }
            }
        }
        assertThat(withoutRetries).isNotEmpty().allSatisfy(e -> assertThat(((SipmapException) e).remote())
                .hasValueSatisfying(remote -> assertThat(remote.code()).isEqualTo(20429)));

        try (SipmapClient patient = client("right-token", RetryPolicy.defaults())) {
            for (int i = 0; i < 2 * PER_SECOND + 1; i++) {
                assertThat(patient.ipRecords().list(ACCOUNT, PageRequest.first()).toCompletableFuture().join()
                        .items()).isEmpty();
            }
        }
    }
}
