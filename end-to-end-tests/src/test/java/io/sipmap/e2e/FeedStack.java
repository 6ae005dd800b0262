package io.sipmap.e2e;

import io.sipmap.adapter.http.client.FollowerOptions;
import io.sipmap.adapter.http.client.LiveResolverOptions;
import io.sipmap.adapter.http.client.LiveSipDomainResolver;
import io.sipmap.adapter.http.client.RetryPolicy;
import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.contract.Tenant;
import io.sipmap.domain.AccountSid;
import io.sipmap.service.ChangeFeedService;
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
 * The real server with its change feed and exports, on a real socket, over the services and the in-memory stores,
 * which outlive the server: {@link #stop()} and {@link #start()} restart it on the same port with the same data, as a
 * restarted server over a durable store. A pool of accounts known beforehand; clients and live resolvers made here
 * are closed with the stack.
 */
final class FeedStack implements AutoCloseable {

    static final int ACCOUNTS = 64;

    final Vertx vertx = Vertx.vertx();
    final InMemoryStores stores;
    final IpRecordService ipRecords;
    final SourceIpMappingService sourceIpMappings;
    final ResolutionService resolutions;
    final ChangeFeedService feed;
    private final Credentials credentials;
    private final List<AccountSid> accounts = new ArrayList<>();
    private final List<SipmapClient> clients = new ArrayList<>();
    /** Every request the server answered, as {@code METHOD route-template status}, for tests to count. */
    final List<String> answered = new java.util.concurrent.CopyOnWriteArrayList<>();
    private SipmapVerticle verticle;
    private int port;
    private int next;

    /** @param changeLogCapacity how many changes per account the in-memory store keeps for resuming streams */
    FeedStack(int changeLogCapacity) throws Exception {
        stores = InMemoryStores.create(changeLogCapacity);
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        ipRecords = new IpRecordService(stores.ipRecords(), clock, sids);
        sourceIpMappings = new SourceIpMappingService(stores.sourceIpMappings(), clock, sids);
        resolutions = new ResolutionService(stores.resolutions());
        feed = new ChangeFeedService(stores.changes());
        Credentials c = Credentials.none();
        for (int i = 1; i <= ACCOUNTS; i++) {
            AccountSid account = AccountSid.ofHex(String.format("%032x", 0xfeed0000L + i));
            accounts.add(account);
            c = c.withAccount(account, token(account));
        }
        credentials = c;
        start();
    }

    static String token(AccountSid account) {
        return "token-" + account.value();
    }

    /** Starts the server: on a free port the first time, on the same port after {@link #stop()}. */
    synchronized void start() throws Exception {
        verticle = new SipmapVerticle(sourceIpMappings, ipRecords, resolutions, feed,
                SipmapServerOptions.of(credentials).withPort(port).withShutdownTimeout(Duration.ofSeconds(5))
                        .withRequestObserver((route, method, status, nanos) ->
                                answered.add(method + " " + route + " " + status)));
        vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
        port = verticle.actualPort();
    }

    /** Stops the server: its streams end, its port closes; the data stays. */
    synchronized void stop() throws Exception {
        vertx.undeploy(vertx.deploymentIDs().iterator().next()).await(15, TimeUnit.SECONDS);
    }

    synchronized SipmapVerticle verticle() {
        return verticle;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    synchronized AccountSid nextAccount() {
        if (next == ACCOUNTS) {
            throw new IllegalStateException("FeedStack knows " + ACCOUNTS + " accounts; a test asked for more");
        }
        return accounts.get(next++);
    }

    /** A client of {@code account} on this stack's Vert.x, without retries (the live resolver reconnects itself). */
    synchronized SipmapClient client(AccountSid account) {
        SipmapClient client = SipmapClient.builder().baseUrl(baseUrl()).vertx(vertx)
                .accountCredentials(account, token(account))
                .retryPolicy(RetryPolicy.none()).requestTimeout(Duration.ofSeconds(10)).build();
        clients.add(client);
        return client;
    }

    static LiveResolverOptions fastReconnect() {
        return LiveResolverOptions.defaults().withFollowing(
                FollowerOptions.defaults().withReconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500)));
    }

    /** A fresh account whose resolver is a live replica in its client, ready. */
    Tenant newLiveTenant() {
        SipmapClient client = client(nextAccount());
        LiveSipDomainResolver live = client.liveResolver(client.account(), fastReconnect());
        live.ready().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        return new Tenant(client.account(), client.ipRecords(), client.sourceIpMappings(), live);
    }

    @Override
    public void close() {
        for (SipmapClient client : clients) {
            client.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(15, TimeUnit.SECONDS).join();
    }
}
