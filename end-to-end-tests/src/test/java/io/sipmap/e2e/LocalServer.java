package io.sipmap.e2e;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * The whole stack on a real socket: the HTTP verticle over the services over the in-memory stores, as
 * the example server (SipmapServer) wires it, with the services at hand so tests can set up data quickly. Three accounts; the
 * first also has an API key.
 */
final class LocalServer implements AutoCloseable {

    static final AccountSid ACCOUNT = new AccountSid("AC" + "a1".repeat(16));
    static final String TOKEN = "token-a";
    static final AccountSid SECOND = new AccountSid("AC" + "b2".repeat(16));
    static final String SECOND_TOKEN = "token-b";
    static final AccountSid THIRD = new AccountSid("AC" + "c3".repeat(16));
    static final String THIRD_TOKEN = "token-c";
    static final ApiKeySid API_KEY = new ApiKeySid("SK" + "d4".repeat(16));
    static final String API_SECRET = "secret-d";

    final Vertx vertx = Vertx.vertx();
    final IpRecordService ipRecords;
    final SourceIpMappingService sourceIpMappings;
    final SipmapVerticle verticle;
    final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Credentials credentials;

    LocalServer() throws Exception {
        this(options -> options);
    }

    /** @param configure changes the options the server starts with (port 0 and the credentials above) */
    LocalServer(java.util.function.UnaryOperator<SipmapServerOptions> configure) throws Exception {
        InMemoryStores stores = InMemoryStores.create();
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        ipRecords = new IpRecordService(stores.ipRecords(), clock, sids);
        sourceIpMappings = new SourceIpMappingService(stores.sourceIpMappings(), clock, sids);
        credentials = Credentials.of(ACCOUNT, TOKEN)
                .withAccount(SECOND, SECOND_TOKEN)
                .withAccount(THIRD, THIRD_TOKEN)
                .withApiKey(API_KEY, API_SECRET, ACCOUNT);
        verticle = new SipmapVerticle(sourceIpMappings, ipRecords,
                configure.apply(SipmapServerOptions.of(credentials).withPort(0)));
        vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + verticle.actualPort();
    }

    /** GETs an absolute URL as {@code account} and returns the JSON body, failing on any status but 200. */
    JsonObject getJson(String url, AccountSid account, String token) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (account.value() + ":" + token).getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return new JsonObject(response.body());
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(15, TimeUnit.SECONDS);
    }
}
