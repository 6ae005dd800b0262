package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.api.SipDomainResolver;
import io.sipmap.domain.ApiKeySid;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A read-only API key reads everything its account may (lists, fetches, resolve, the change feed, the exports) and
 * writes nothing: every write, on every route and whatever its body, is refused 403 with Twilio's 70051 before its
 * body is read, and no store is called. {@code GET /sipmap/v1/Me} tells a console which kind of credentials it holds.
 */
class ReadOnlyKeyHttpTest extends ServerTestBase {

    static final ApiKeySid READ_ONLY_KEY = new ApiKeySid("SK" + "5e".repeat(16));
    static final String READ_ONLY_SECRET = "secret-of-the-read-only-key";
    static final String FORBIDDEN = "{\"code\":70051,\"message\":\"Authorization Failed\","
            + "\"more_info\":\"https://www.twilio.com/docs/errors/70051\",\"status\":403}";
    private static final SipDomainResolver NO_MATCH = (account, address) ->
            CompletableFuture.completedStage(Optional.empty());

    final FakeFeed feed = new FakeFeed();
    HttpClient streaming;

    @Override
    SipmapServerOptions options() {
        return SipmapServerOptions.of(CREDENTIALS.withApiKey(READ_ONLY_KEY, READ_ONLY_SECRET, ACCOUNT,
                Credentials.Scope.READ_ONLY));
    }

    @Override
    Router router() {
        return SipmapRouter.create(vertx, api.sourceIpMappings, api.ipRecords, NO_MATCH, feed, options());
    }

    private HttpRequest<Buffer> readOnly(HttpMethod method, String uri) {
        return request(method, uri).basicAuthentication(READ_ONLY_KEY.value(), READ_ONLY_SECRET);
    }

    @Test
    void everyWriteIsRefused403WithTwiliosErrorBeforeItsBodyIsReadAndNoStoreIsCalled() {
        String record = json(post("/v1/IpRecords", "IpAddress", "192.0.2.1", "FriendlyName", "edge")).getString("sid");
        String mapping = json(post("/v1/SourceIpMappings", "IpRecordSid", record, "SipDomainSid", "SD" + "1".repeat(32)))
                .getString("sid");
        String before = get("/v1/IpRecords").bodyAsString() + get("/v1/SourceIpMappings").bodyAsString();
        Supplier<CompletionStage<?>> storeCalled = () -> CompletableFuture.failedStage(new AssertionError("called"));
        api.next.set(storeCalled);
        MultiMap valid = MultiMap.caseInsensitiveMultiMap().add("IpAddress", "192.0.2.9")
                .add("IpRecordSid", record).add("SipDomainSid", "SD" + "2".repeat(32)).add("FriendlyName", "x");
        List<HttpRequest<Buffer>> writes = List.of(
                readOnly(HttpMethod.POST, "/v1/IpRecords"), readOnly(HttpMethod.POST, "/v1/IpRecords/" + record),
                readOnly(HttpMethod.DELETE, "/v1/IpRecords/" + record),
                readOnly(HttpMethod.POST, "/v1/SourceIpMappings"),
                readOnly(HttpMethod.POST, "/v1/SourceIpMappings/" + mapping),
                readOnly(HttpMethod.DELETE, "/v1/SourceIpMappings/" + mapping),
                readOnly(HttpMethod.POST, "/sipmap/v1/Batches"), // a write route to come is refused already
                readOnly(HttpMethod.PUT, "/v1/IpRecords"), readOnly(HttpMethod.PATCH, "/v1/IpRecords/" + record));

        for (HttpRequest<Buffer> write : writes) {
            assertForbidden(await(write.sendForm(valid)));
        }
        assertForbidden(await(readOnly(HttpMethod.POST, "/v1/IpRecords").sendForm(
                MultiMap.caseInsensitiveMultiMap().add("IpAddress", "not an address"))));
        assertForbidden(await(readOnly(HttpMethod.POST, "/v1/IpRecords").putHeader("Content-Type", FORM)
                .sendBuffer(Buffer.buffer("IpAddress=%zz&&="))));
        assertForbidden(await(readOnly(HttpMethod.POST, "/v1/IpRecords").putHeader("Content-Type", FORM)
                .sendBuffer(Buffer.buffer("FriendlyName=" + "x".repeat(
                        (int) SipmapServerOptions.DEFAULT_BODY_LIMIT))))); // over the limit: 403, not 413

        assertThat(api.next.get()).as("no store was called").isSameAs(storeCalled);
        api.next.set(null);
        assertThat(get("/v1/IpRecords").bodyAsString() + get("/v1/SourceIpMappings").bodyAsString())
                .isEqualTo(before);
    }

    @Test
    void wrongCredentialsAre401BeforeAnyAuthorizationAndFullKeysStillWrite() {
        assertError(await(request(HttpMethod.POST, "/v1/IpRecords").basicAuthentication(READ_ONLY_KEY.value(), "x")
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("IpAddress", "192.0.2.9"))), 401, 20003);
        assertThat(await(request(HttpMethod.POST, "/v1/IpRecords").basicAuthentication(API_KEY.value(), API_SECRET)
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("IpAddress", "192.0.2.9"))).statusCode())
                .isEqualTo(201);
    }

    @Test
    void everyReadIsAllowed() throws Exception {
        String record = json(post("/v1/IpRecords", "IpAddress", "192.0.2.1")).getString("sid");
        String mapping = json(post("/v1/SourceIpMappings", "IpRecordSid", record, "SipDomainSid", "SD" + "1".repeat(32)))
                .getString("sid");

        for (String uri : List.of("/v1/IpRecords", "/v1/IpRecords/" + record, "/v1/SourceIpMappings",
                "/v1/SourceIpMappings/" + mapping, "/sipmap/v1/Resolve?IpAddress=192.0.2.1",
                "/sipmap/v1/Exports/Addresses", "/sipmap/v1/Exports/Kamailio", SipmapRouter.ME)) {
            HttpResponse<Buffer> response = send(readOnly(HttpMethod.GET, uri));
            assertThat(response.statusCode()).as(uri + " " + response.bodyAsString()).isEqualTo(200);
        }
        assertThat(send(readOnly(HttpMethod.GET, "/v1/IpRecords/" + record)).bodyAsString())
                .isEqualTo(get("/v1/IpRecords/" + record).bodyAsString());

        streaming = vertx.createHttpClient(); // held in a field: Vert.x closes a client no longer referenced
        FeedRevocationHttpTest.Follower follower = await(streaming
                .request(HttpMethod.GET, port, "127.0.0.1", FeedRoutes.CHANGES)
                .compose(request -> request.putHeader("Authorization",
                        FeedRevocationHttpTest.basic(READ_ONLY_KEY.value(), READ_ONLY_SECRET)).send())
                .map(FeedRevocationHttpTest.Follower::new));
        assertThat(follower.status).isEqualTo(200);
        feed.append(ACCOUNT);
        follower.awaitEvent(1);
    }

    @Test
    void meTellsTheAccountAndTheScopeOfTheCredentials() {
        assertThat(send(readOnly(HttpMethod.GET, SipmapRouter.ME)).bodyAsString())
                .isEqualTo("{\"account_sid\":\"" + ACCOUNT.value() + "\",\"scope\":\"read-only\"}");
        assertThat(json(get(SipmapRouter.ME))).isEqualTo(new JsonObject().put("account_sid", ACCOUNT.value())
                .put("scope", "full"));
        assertThat(json(send(request(HttpMethod.GET, SipmapRouter.ME).basicAuthentication(API_KEY.value(), API_SECRET)))
                .getString("scope")).isEqualTo("full");
        assertError(send(request(HttpMethod.GET, SipmapRouter.ME)), 401, 20003);
        assertError(send(authed(HttpMethod.POST, SipmapRouter.ME)), 405, 20004);
    }

    private static void assertForbidden(HttpResponse<Buffer> response) {
        assertError(response, 403, 70051);
        assertThat(response.bodyAsString()).isEqualTo(FORBIDDEN);
        assertThat(response.getHeader("WWW-Authenticate")).isNull();
        assertThat(response.getHeader("Twilio-Request-Id")).matches("RQ[0-9a-f]{32}");
    }
}
