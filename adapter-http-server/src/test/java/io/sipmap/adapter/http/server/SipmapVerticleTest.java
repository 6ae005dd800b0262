package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.net.BindException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class SipmapVerticleTest {

    private final FakeApi api = new FakeApi();
    private final SipmapServerOptions options = SipmapServerOptions.of(ServerTestBase.CREDENTIALS).withPort(0);

    @Test
    void servesOnTheConfiguredHostAndAnyFreePort(Vertx vertx) throws Exception {
        var verticle = new SipmapVerticle(api.sourceIpMappings, api.ipRecords, options);
        vertx.deployVerticle(verticle).await(5, TimeUnit.SECONDS);

        HttpResponse<Buffer> response = WebClient.create(vertx)
                .get(verticle.actualPort(), "127.0.0.1", "/v1/IpRecords")
                .basicAuthentication(ServerTestBase.ACCOUNT.value(), ServerTestBase.TOKEN)
                .send().await(5, TimeUnit.SECONDS);

        assertThat(verticle.actualPort()).isPositive();
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void aLongFieldInABodyWithinTheLimitIsJudgedByItsValueNotRefusedAsTooLarge(Vertx vertx) throws Exception {
        var verticle = new SipmapVerticle(api.sourceIpMappings, api.ipRecords, options);
        vertx.deployVerticle(verticle).await(5, TimeUnit.SECONDS);

        HttpResponse<Buffer> response = WebClient.create(vertx)
                .post(verticle.actualPort(), "127.0.0.1", "/v1/IpRecords")
                .basicAuthentication(ServerTestBase.ACCOUNT.value(), ServerTestBase.TOKEN)
                .putHeader("Content-Type", ServerTestBase.FORM)
                .sendBuffer(Buffer.buffer("IpAddress=1.2.3.4&FriendlyName=" + "x".repeat(10_000)))
                .await(5, TimeUnit.SECONDS);

        ServerTestBase.assertError(response, 400, 20001);
        assertThat(response.bodyAsJsonObject().getString("message")).contains("FriendlyName");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "multipart/form-data; boundary=zz|3000 bytes of a form that is not multipart",
            "application/x-www-form-urlencoded|300 fields"})
    void aMalformedBodyWithinTheLimitIsA400NotCalledTooLarge(String contentType, String what, Vertx vertx)
            throws Exception {
        var verticle = new SipmapVerticle(api.sourceIpMappings, api.ipRecords, options);
        vertx.deployVerticle(verticle).await(5, TimeUnit.SECONDS);
        String body = what.startsWith("3000") ? "IpAddress=" + "%F0%9F%98%80".repeat(250)
                : "IpAddress=1.2.3.4" + "&a=1".repeat(300);

        HttpResponse<Buffer> response = WebClient.create(vertx)
                .post(verticle.actualPort(), "127.0.0.1", "/v1/IpRecords")
                .basicAuthentication(ServerTestBase.ACCOUNT.value(), ServerTestBase.TOKEN)
                .putHeader("Content-Type", contentType)
                .sendBuffer(Buffer.buffer(body))
                .await(5, TimeUnit.SECONDS);

        ServerTestBase.assertError(response, 400, 20001);
    }

    @Test
    void deploymentFailsWhenThePortIsTaken(Vertx vertx) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            var verticle = new SipmapVerticle(api.sourceIpMappings, api.ipRecords,
                    options.withPort(taken.getLocalPort()));

            Future<String> deployment = vertx.deployVerticle(verticle);

            assertThatThrownBy(() -> deployment.await(5, TimeUnit.SECONDS)).isInstanceOf(BindException.class);
        }
    }

    @Test
    void undeployingLetsInFlightRequestsFinish(Vertx vertx) throws Exception {
        var verticle = new SipmapVerticle(api.sourceIpMappings, api.ipRecords,
                options.withShutdownTimeout(Duration.ofSeconds(5)));
        String id = vertx.deployVerticle(verticle).await(5, TimeUnit.SECONDS);
        var slow = new CompletableFuture<Object>();
        api.next.set(() -> slow);
        Future<HttpResponse<Buffer>> inFlight = WebClient.create(vertx)
                .request(HttpMethod.GET, verticle.actualPort(), "127.0.0.1", "/v1/IpRecords")
                .basicAuthentication(ServerTestBase.ACCOUNT.value(), ServerTestBase.TOKEN)
                .send();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (api.next.get() != null) {
            assertThat(System.nanoTime()).as("the request reached the api within 10 s").isLessThan(deadline);
            Thread.sleep(10);
        }

        Future<Void> undeployed = vertx.undeploy(id);
        Thread.sleep(200);
        assertThat(undeployed.isComplete()).isFalse();
        slow.complete(io.sipmap.domain.Page.of(java.util.List.of(), false, false, x -> null));

        assertThat(inFlight.await(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        undeployed.await(5, TimeUnit.SECONDS);
    }
}
