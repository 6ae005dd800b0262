package io.sipmap.adapter.http.client;

import static io.sipmap.adapter.http.client.StubServer.twilio;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.api.CreateIpRecord;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.domain.SipmapException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class SipmapClientTest {

    static final AccountSid ACCOUNT = TwilioExamplesTest.ACCOUNT;
    static final AccountSid OTHER = new AccountSid("ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

    @Test
    void refusesToBuildWithoutCredentials() {
        assertThatThrownBy(() -> SipmapClient.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("credentials");
    }

    @Test
    void refusesBaseUrlsThatAreNotHttp() {
        SipmapClient.Builder builder = SipmapClient.builder().accountCredentials(ACCOUNT, "t");

        assertThatThrownBy(() -> builder.baseUrl("ftp://voice.twilio.com").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.baseUrl("https://voice.twilio.com?x=1").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.baseUrl("voice.twilio.com").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void callForAnotherAccountFailsWithoutARequest(Vertx vertx) throws Exception {
        try (StubServer stub = StubServer.start(vertx, router -> { });
             SipmapClient client = SipmapClient.builder().baseUrl(stub.baseUrl()).accountCredentials(ACCOUNT, "t")
                     .vertx(vertx).build()) {

            assertThatThrownBy(() -> client.ipRecords().create(OTHER, CreateIpRecord.of("10.0.0.1"))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(SipmapException.InvalidParameter.class, e -> {
                        assertThat(e.parameter()).isEqualTo("AccountSid");
                        assertThat(e.getMessage()).contains(ACCOUNT.value()).contains(OTHER.value());
                    });
            assertThat(client.sourceIpMappings().fetch(OTHER, TwilioExamplesTest.MAPPING).toCompletableFuture())
                    .isCompletedExceptionally();
            assertThat(stub.count()).isZero();
        }
    }

    @Test
    void nullArgumentsFailTheStageInsteadOfThrowing(Vertx vertx) throws Exception {
        try (SipmapClient client = SipmapClient.builder().baseUrl("http://localhost:1")
                .accountCredentials(ACCOUNT, "t").vertx(vertx).build()) {

            assertThat(client.ipRecords().create(ACCOUNT, null).toCompletableFuture()).isCompletedExceptionally();
            assertThat(client.ipRecords().fetch(null, TwilioExamplesTest.RECORD).toCompletableFuture())
                    .isCompletedExceptionally();
        }
    }

    @Test
    void apiKeyAuthenticatesAsTheKeyForItsAccount(Vertx vertx) throws Exception {
        ApiKeySid key = new ApiKeySid("SKcccccccccccccccccccccccccccccccc");
        try (StubServer stub = StubServer.start(vertx, router -> router.get("/v1/IpRecords/:sid")
                .handler(ctx -> ctx.response().end(twilio("ip_record.json"))));
             SipmapClient client = SipmapClient.builder().baseUrl(stub.baseUrl())
                     .apiKeyCredentials(key, "secret", ACCOUNT).vertx(vertx).build()) {

            client.ipRecords().fetch(ACCOUNT, TwilioExamplesTest.RECORD).toCompletableFuture().get(5, TimeUnit.SECONDS);

            assertThat(stub.requests().get(0).header("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                    .encodeToString((key.value() + ":secret").getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void keepsABasePathPrefix(Vertx vertx) throws Exception {
        try (StubServer stub = StubServer.start(vertx, router -> router.get("/twilio/v1/IpRecords/:sid")
                .handler(ctx -> ctx.response().end(twilio("ip_record.json"))));
             SipmapClient client = SipmapClient.builder().baseUrl(stub.baseUrl() + "/twilio/")
                     .accountCredentials(ACCOUNT, "t").vertx(vertx).build()) {

            assertThat(client.ipRecords().fetch(ACCOUNT, TwilioExamplesTest.RECORD).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS).sid()).isEqualTo(TwilioExamplesTest.RECORD);
        }
    }

    @Test
    void closesNothingItWasGiven(Vertx vertx) throws Exception {
        WebClient shared = WebClient.create(vertx);
        try (StubServer stub = StubServer.start(vertx, router -> router.get("/v1/IpRecords/:sid")
                .handler(ctx -> ctx.response().end(twilio("ip_record.json"))))) {
            SipmapClient.builder().baseUrl(stub.baseUrl()).accountCredentials(ACCOUNT, "t")
                    .webClient(shared, vertx).build().close();

            assertThat(shared.get(stub.port(), "localhost", "/v1/IpRecords/x").send()
                    .await(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        } finally {
            shared.close();
        }
    }

    @Test
    void closesTheVertxItCreated() throws Exception {
        SipmapClient client = SipmapClient.builder().accountCredentials(ACCOUNT, "t").build();

        client.closeAsync().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(client.ipRecords().fetch(ACCOUNT, TwilioExamplesTest.RECORD).toCompletableFuture())
                .failsWithin(5, TimeUnit.SECONDS);
    }

    @Test
    void verifiesTheServerCertificate(Vertx vertx) throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(certificate.keyCertOptions()))
                .requestHandler(request -> request.response().end(twilio("ip_record.json")))
                .listen(0).await(5, TimeUnit.SECONDS);
        try (SipmapClient client = SipmapClient.builder().baseUrl("https://localhost:" + server.actualPort())
                .accountCredentials(ACCOUNT, "t").vertx(vertx).retryPolicy(RetryPolicy.none()).build()) {

            assertThatThrownBy(() -> client.ipRecords().fetch(ACCOUNT, TwilioExamplesTest.RECORD)
                    .toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(SipmapException.Upstream.class)
                    .hasMessageContaining("https://localhost:" + server.actualPort())
                    .hasMessageContaining("TLS");
        }
        WebClient trusting = WebClient.create(vertx, new WebClientOptions()
                .setTrustOptions(certificate.trustOptions()));
        try (SipmapClient client = SipmapClient.builder().baseUrl("https://localhost:" + server.actualPort())
                .accountCredentials(ACCOUNT, "t").webClient(trusting, vertx).build()) {

            assertThat(client.ipRecords().fetch(ACCOUNT, TwilioExamplesTest.RECORD).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS).sid()).isEqualTo(TwilioExamplesTest.RECORD);
        } finally {
            trusting.close();
            server.close().await(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void userAgentCarriesTheProjectVersion() {
        assertThat(SipmapClient.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    }
}
