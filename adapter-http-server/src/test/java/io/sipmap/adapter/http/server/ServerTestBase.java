package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts {@link SipmapRouter} over a {@link FakeApi} on a real socket (port 0) and talks to it with a plain
 * {@link WebClient}, blocking the test thread with a timeout. Two accounts and an API key of the first.
 */
@ExtendWith(VertxExtension.class)
abstract class ServerTestBase {

    static final AccountSid ACCOUNT = new AccountSid("AC0123456789abcdef0123456789abcdef");
    static final String TOKEN = "auth-token-of-account-one";
    static final AccountSid OTHER_ACCOUNT = new AccountSid("ACfedcba9876543210fedcba9876543210");
    static final String OTHER_TOKEN = "auth-token-of-account-two";
    static final ApiKeySid API_KEY = new ApiKeySid("SK00000000000000000000000000000abc");
    static final String API_SECRET = "secret-of-the-api-key";
    static final String FORM = "application/x-www-form-urlencoded";

    static final Credentials CREDENTIALS = Credentials.of(ACCOUNT, TOKEN)
            .withAccount(OTHER_ACCOUNT, OTHER_TOKEN)
            .withApiKey(API_KEY, API_SECRET, ACCOUNT);

    Vertx vertx;
    FakeApi api;
    WebClient client;
    int port;
    String base;

    /** The options the server starts with; tests override to change them. */
    SipmapServerOptions options() {
        return SipmapServerOptions.of(CREDENTIALS);
    }

    /** The router the server serves; tests override to mount it elsewhere. */
    Router router() {
        return SipmapRouter.create(vertx, api.sourceIpMappings, api.ipRecords, options());
    }

    @BeforeEach
    void startServer(Vertx vertx) throws Exception {
        this.vertx = vertx;
        api = new FakeApi();
        var server = vertx.createHttpServer().requestHandler(router())
                .invalidRequestHandler(SipmapVerticle::invalidRequest).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
        port = server.actualPort();
        base = "http://127.0.0.1:" + port;
        client = WebClient.create(vertx);
    }

    HttpRequest<Buffer> request(HttpMethod method, String uri) {
        return client.request(method, port, "127.0.0.1", uri);
    }

    HttpRequest<Buffer> authed(HttpMethod method, String uri) {
        return request(method, uri).basicAuthentication(ACCOUNT.value(), TOKEN);
    }

    HttpResponse<Buffer> send(HttpRequest<Buffer> request) {
        return await(request.send());
    }

    /** A CORS preflight for a POST with credentials, from {@code origin}. */
    HttpResponse<Buffer> preflight(String origin) {
        return send(request(HttpMethod.OPTIONS, "/v1/IpRecords")
                .putHeader("Origin", origin)
                .putHeader("Access-Control-Request-Method", "POST")
                .putHeader("Access-Control-Request-Headers", "Authorization, Content-Type"));
    }

    HttpResponse<Buffer> get(String uri) {
        return send(authed(HttpMethod.GET, uri));
    }

    /** POSTs {@code name, value, name, value...} as a form. */
    HttpResponse<Buffer> post(String uri, String... fields) {
        MultiMap form = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < fields.length; i += 2) {
            form.add(fields[i], fields[i + 1]);
        }
        return await(authed(HttpMethod.POST, uri).sendForm(form));
    }

    /** DELETE as Twilio's SDK sends it: a form Content-Type and an empty form. */
    HttpResponse<Buffer> delete(String uri) {
        return await(authed(HttpMethod.DELETE, uri).putHeader("Content-Type", FORM).sendBuffer(Buffer.buffer()));
    }

    static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.await(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer in 10 s", e);
        }
    }

    /** The body as JSON, after checking the Content-Type every answer with a body has. */
    static JsonObject json(HttpResponse<Buffer> response) {
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        return response.bodyAsJsonObject();
    }

    static List<String> keys(JsonObject json) {
        return new ArrayList<>(json.fieldNames());
    }

    /** Asserts a Twilio error answer: status line, JSON body with all four keys in order. */
    static JsonObject assertError(HttpResponse<Buffer> response, int status, int code) {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
        JsonObject body = json(response);
        assertThat(keys(body)).containsExactly("code", "message", "more_info", "status");
        assertThat(body.getInteger("code")).isEqualTo(code);
        assertThat(body.getInteger("status")).isEqualTo(status);
        assertThat(body.getString("more_info")).isEqualTo("https://www.twilio.com/docs/errors/" + code);
        assertThat(body.getString("message")).isNotBlank();
        return body;
    }

    static String hex(long n) {
        return String.format("%032x", n);
    }
}
