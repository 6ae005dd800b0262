package io.sipmap.e2e;

import io.sipmap.adapter.http.client.RetryPolicy;
import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.contract.Tenant;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The whole way down: an HTTP client per tenant, talking to the HTTP server on a free port, over the services and the
 * in-memory stores. The server's credentials are fixed when it starts, so it knows a pool of accounts beforehand and
 * each tenant takes the next one; every other tenant authenticates with an API key of its account instead of the
 * account's auth token.
 */
final class HttpStack implements AutoCloseable {

    /**
     * One stack for a whole test class: {@code @RegisterExtension static final HttpStack.PerClass stack = ...}, then
     * {@code stack.get()}.
     */
    static final class PerClass implements org.junit.jupiter.api.extension.BeforeAllCallback,
            org.junit.jupiter.api.extension.AfterAllCallback {
        private HttpStack stack;

        @Override
        public void beforeAll(org.junit.jupiter.api.extension.ExtensionContext context) throws Exception {
            stack = new HttpStack();
        }

        @Override
        public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context) {
            stack.close();
        }

        HttpStack get() {
            return stack;
        }
    }


    static final int ACCOUNTS = 128;

    private final Vertx vertx = Vertx.vertx();
    private final List<AccountSid> accounts = new ArrayList<>();
    private final List<SipmapClient> clients = new ArrayList<>();
    private final String baseUrl;
    private int next;

    HttpStack() throws Exception {
        var stores = InMemoryStores.create();
        var clock = Clock.systemUTC();
        var sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        var ipRecords = new IpRecordService(stores.ipRecords(), clock, sids);
        var mappings = new SourceIpMappingService(stores.sourceIpMappings(), clock, sids);

        Credentials credentials = Credentials.none();
        for (int i = 1; i <= ACCOUNTS; i++) {
            AccountSid account = AccountSid.ofHex(String.format("%032x", i));
            accounts.add(account);
            credentials = credentials.withAccount(account, token(account))
                    .withApiKey(apiKey(account), "secret-" + account.value(), account);
        }
        var verticle = new SipmapVerticle(mappings, ipRecords, new ResolutionService(stores.resolutions()),
                SipmapServerOptions.of(credentials).withPort(0));
        vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
        baseUrl = "http://127.0.0.1:" + verticle.actualPort();
    }

    String baseUrl() {
        return baseUrl;
    }

    static String token(AccountSid account) {
        return "token-" + account.value();
    }

    private static ApiKeySid apiKey(AccountSid account) {
        return ApiKeySid.ofHex(account.value().substring(2));
    }

    /** A tenant that also resolves, through the server's resolve extension. */
    synchronized Tenant newTenant() {
        SipmapClient client = newClient();
        return new Tenant(client.account(), client.ipRecords(), client.sourceIpMappings(),
                client.sipDomainResolver());
    }

    private SipmapClient newClient() {
        if (next == ACCOUNTS) {
            throw new IllegalStateException("HttpStack knows " + ACCOUNTS + " accounts; a suite asked for more");
        }
        AccountSid account = accounts.get(next);
        SipmapClient.Builder builder = SipmapClient.builder().baseUrl(baseUrl).vertx(vertx)
                .retryPolicy(RetryPolicy.none()).requestTimeout(Duration.ofSeconds(10));
        if (next % 2 == 0) {
            builder.accountCredentials(account, token(account));
        } else {
            builder.apiKeyCredentials(apiKey(account), "secret-" + account.value(), account);
        }
        next++;
        SipmapClient client = builder.build();
        clients.add(client);
        return client;
    }

    @Override
    public void close() {
        for (SipmapClient client : clients) {
            client.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }
}
