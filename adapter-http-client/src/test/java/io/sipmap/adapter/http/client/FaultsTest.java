package io.sipmap.adapter.http.client;

import static io.sipmap.adapter.http.client.StubServer.twilio;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SipmapException.RemoteError;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Error bodies, retries, timeouts and broken connections, against a stub that counts requests. */
@ExtendWith(VertxExtension.class)
class FaultsTest {

    static final AccountSid ACCOUNT = TwilioExamplesTest.ACCOUNT;
    static final IpRecordSid RECORD = TwilioExamplesTest.RECORD;
    static final SourceIpMappingSid MAPPING = TwilioExamplesTest.MAPPING;
    static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(100),
            Duration.ofSeconds(5));

    private StubServer stub;
    private SipmapClient client;

    @AfterEach
    void close() throws Exception {
        if (client != null) {
            client.close();
        }
        if (stub != null) {
            stub.close();
        }
    }

    private void serve(Vertx vertx, RetryPolicy retry, Consumer<Router> routes) throws Exception {
        stub = StubServer.start(vertx, routes);
        client = SipmapClient.builder().baseUrl(stub.baseUrl()).accountCredentials(ACCOUNT, "token").vertx(vertx)
                .retryPolicy(retry).requestTimeout(Duration.ofMillis(500)).build();
    }

    /** The failure of a stage, unwrapped once as at the edge. */
    private static Throwable failure(CompletionStage<?> stage) throws Exception {
        Throwable thrown = catchThrowable(() -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        return thrown.getCause();
    }

    private static String error(int status, int code, String message) {
        return "{\"code\":" + code + ",\"message\":\"" + message + "\",\"more_info\":\"https://www.twilio.com/docs/errors/"
                + code + "\",\"status\":" + status + "}";
    }

    private static Consumer<Router> fail(int status, int code, String message) {
        return router -> router.route().handler(ctx -> ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json").end(error(status, code, message)));
    }

    @Test
    void notFoundKeepsWhatTheServerSaid(Vertx vertx) throws Exception {
        serve(vertx, FAST, router -> router.route().handler(ctx -> ctx.response().setStatusCode(404)
                .putHeader("Content-Type", "application/json").end(twilio("error_404.json"))));

        Throwable e = failure(client.sourceIpMappings().fetch(ACCOUNT, MAPPING));

        assertThat(e).isInstanceOf(SipmapException.NotFound.class).hasMessageContaining("was not found");
        assertThat(((SipmapException) e).remote()).contains(new RemoteError(404, 20404,
                "The requested resource /v1/SourceIpMappings/IBaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa was not found",
                "https://www.twilio.com/docs/errors/20404"));
    }

    @Test
    void badRequestBecomesInvalidParameterNamedFromTheMessage(Vertx vertx) throws Exception {
        serve(vertx, FAST, fail(400, 20001, "Invalid CidrPrefixLength: expected an integer from 1 to 32"));

        Throwable e = failure(client.ipRecords().create(ACCOUNT, CreateIpRecord.of("10.0.0.1")));

        assertThat(e).isInstanceOfSatisfying(SipmapException.InvalidParameter.class, p -> {
            assertThat(p.parameter()).isEqualTo("CidrPrefixLength");
            assertThat(p.remote()).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(20001));
        });
    }

    @Test
    void badRequestWithoutAKnownParameterSaysUnknown(Vertx vertx) throws Exception {
        serve(vertx, FAST, fail(400, 20001, "Bad request"));

        Throwable e = failure(client.ipRecords().create(ACCOUNT, CreateIpRecord.of("10.0.0.1")));

        assertThat(e).isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                p -> assertThat(p.parameter()).isEqualTo("unknown"));
    }

    @Test
    void conflictBecomesConflict(Vertx vertx) throws Exception {
        serve(vertx, FAST, fail(409, 20409, "IP record already mapped"));

        Throwable e = failure(client.sourceIpMappings().create(ACCOUNT,
                new CreateSourceIpMapping(RECORD, TwilioExamplesTest.DOMAIN)));

        assertThat(e).isInstanceOf(SipmapException.Conflict.class);
        assertThat(((SipmapException) e).remote()).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(409));
    }

    @Test
    void refusedCredentialsAreUpstreamWithTheRemoteError(Vertx vertx) throws Exception {
        serve(vertx, FAST, fail(401, 20003, "Authenticate"));

        Throwable e = failure(client.ipRecords().fetch(ACCOUNT, RECORD));

        assertThat(e).isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("HTTP 401")
                .hasMessageContaining("20003");
        assertThat(stub.count()).isEqualTo(1);
    }

    @Test
    void retriesRateLimitAfterRetryAfter(Vertx vertx) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        serve(vertx, FAST, router -> router.get("/v1/IpRecords/:sid").handler(ctx -> {
            if (calls.incrementAndGet() == 1) {
                ctx.response().setStatusCode(429).putHeader("Retry-After", "1")
                        .putHeader("Content-Type", "application/json").end(error(429, 20429, "Too Many Requests"));
            } else {
                ctx.response().putHeader("Content-Type", "application/json").end(twilio("ip_record.json"));
            }
        }));
        long start = System.nanoTime();

        client.ipRecords().fetch(ACCOUNT, RECORD).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(stub.count()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void givesUpAtOnceWhenRetryAfterExceedsTheBudget(Vertx vertx) throws Exception {
        serve(vertx, FAST, router -> router.route().handler(ctx -> ctx.response().setStatusCode(429)
                .putHeader("Retry-After", "3600").putHeader("Content-Type", "application/json")
                .end(error(429, 20429, "Too Many Requests"))));

        Throwable e = failure(client.ipRecords().fetch(ACCOUNT, RECORD));

        assertThat(e).isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("HTTP 429");
        assertThat(((SipmapException) e).remote()).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(20429));
        assertThat(stub.count()).isEqualTo(1);
    }

    @Test
    void retriesServiceUnavailableOnGet(Vertx vertx) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        serve(vertx, FAST, router -> router.get("/v1/IpRecords/:sid").handler(ctx -> {
            if (calls.incrementAndGet() <= 2) {
                ctx.response().setStatusCode(503).end(error(503, 20503, "Service Unavailable"));
            } else {
                ctx.response().end(twilio("ip_record.json"));
            }
        }));

        assertThat(client.ipRecords().fetch(ACCOUNT, RECORD).toCompletableFuture().get(10, TimeUnit.SECONDS).sid())
                .isEqualTo(RECORD);
        assertThat(stub.count()).isEqualTo(3);
    }

    @Test
    void retriesDeleteButBoundsTheAttempts(Vertx vertx) throws Exception {
        serve(vertx, FAST, fail(500, 20500, "Internal Server Error"));

        Throwable e = failure(client.ipRecords().delete(ACCOUNT, RECORD));

        assertThat(e).isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("HTTP 500")
                .hasMessageContaining("after 3 attempts");
        assertThat(stub.count()).isEqualTo(3);
    }

    @Test
    void neverRetriesPostAnsweredWithServerError(Vertx vertx) throws Exception {
        serve(vertx, FAST, fail(503, 20503, "Service Unavailable"));

        Throwable e = failure(client.ipRecords().create(ACCOUNT, CreateIpRecord.of("10.0.0.1")));

        assertThat(e).isInstanceOf(SipmapException.Unavailable.class).hasMessageContaining("HTTP 503");
        assertThat(stub.count()).isEqualTo(1);
    }

    @Test
    void proxyHtmlErrorIsUpstreamSayingSo(Vertx vertx) throws Exception {
        serve(vertx, RetryPolicy.none(), router -> router.route().handler(ctx -> ctx.response().setStatusCode(502)
                .putHeader("Content-Type", "text/html")
                .end("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>")));

        Throwable e = failure(client.ipRecords().fetch(ACCOUNT, RECORD));

        assertThat(e).isInstanceOf(SipmapException.Upstream.class)
                .hasMessageContaining("HTTP 502").hasMessageContaining("not a Twilio error")
                .hasMessageContaining("text/html").hasMessageContaining("502 Bad Gateway");
        assertThat(((SipmapException) e).remote()).hasValueSatisfying(r -> {
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.code()).isZero();
        });
    }

    @Test
    void hangingResponseTimesOut(Vertx vertx) throws Exception {
        serve(vertx, RetryPolicy.none(), router -> router.route().handler(ctx -> {
            // never answers
        }));
        long start = System.nanoTime();

        Throwable e = failure(client.ipRecords().fetch(ACCOUNT, RECORD));

        assertThat(e).isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("timed out")
                .hasMessageContaining("GET " + stub.baseUrl() + "/v1/IpRecords/" + RECORD.value());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void malformedJsonIsUpstreamSayingSo(Vertx vertx) throws Exception {
        serve(vertx, FAST, router -> router.route().handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json").end("{\"sid\": \"IL")));

        Throwable e = failure(client.ipRecords().fetch(ACCOUNT, RECORD));

        assertThat(e).isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("malformed JSON");
    }

    @Test
    void connectionClosedMidBodyIsUpstreamSayingSo(Vertx vertx) throws Exception {
        serve(vertx, RetryPolicy.none(), router -> router.route().handler(ctx -> {
            ctx.response().putHeader("Content-Type", "application/json").putHeader("Content-Length", "1000")
                    .write("{\"account_sid\": \"ACaaaaaaaaaaaaaaaa");
            vertx.setTimer(50, id -> ctx.request().connection().close());
        }));

        Throwable e = failure(client.ipRecords().fetch(ACCOUNT, RECORD));

        assertThat(e).isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("connection was closed");
    }

    @Test
    void refusedConnectionIsRetriedEvenForPostSinceNothingWasSent(Vertx vertx) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        client = SipmapClient.builder().baseUrl("http://localhost:" + port).accountCredentials(ACCOUNT, "token")
                .vertx(vertx).retryPolicy(FAST).build();

        Throwable e = failure(client.ipRecords().create(ACCOUNT, CreateIpRecord.of("10.0.0.1")));

        assertThat(e).isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("could not connect")
                .hasMessageContaining("after 3 attempts");
    }
}
