package io.sipmap.kamailio;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.adapter.postgres.PgStoreOptions;
import io.sipmap.adapter.postgres.PgStores;
import io.sipmap.domain.AccountSid;
import io.sipmap.service.ChangeFeedService;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.ChangeStore;
import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.ResolutionStore;
import io.sipmap.spi.SidGenerator;
import io.sipmap.spi.SourceIpMappingStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A sipmap server for the bridge to follow, wired here from the adapters as the server module wires them (the bridge
 * module cannot depend on the server, which embeds the bridge): the REST API, the resolve extension, the change feed
 * and the exports, for one account, over memory or a PostgreSQL.
 */
final class SipmapUnderTest implements AutoCloseable {

    private final Vertx vertx;
    private final SipmapVerticle verticle;
    private final Supplier<Future<Void>> closeStores;

    private SipmapUnderTest(Vertx vertx, SipmapVerticle verticle, Supplier<Future<Void>> closeStores) {
        this.vertx = vertx;
        this.verticle = verticle;
        this.closeStores = closeStores;
    }

    /** A server over memory on {@code port} of 127.0.0.1 (0: any free one). */
    static SipmapUnderTest inMemory(int port, AccountSid account, String token) throws Exception {
        return inMemory(port, Credentials.of(account, token));
    }

    /** A server over memory on {@code port} of 127.0.0.1 (0: any free one) that takes {@code credentials}. */
    static SipmapUnderTest inMemory(int port, Credentials credentials) throws Exception {
        InMemoryStores stores = InMemoryStores.create();
        return start(Vertx.vertx(), port, credentials, stores.ipRecords(), stores.sourceIpMappings(),
                stores.resolutions(), stores.changes(), Future::succeededFuture);
    }

    /** A server over the PostgreSQL at {@code connect}, which several may share. */
    static SipmapUnderTest overPostgres(int port, AccountSid account, String token, PgConnectOptions connect)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        PgStores stores = PgStores.start(vertx, PgStoreOptions.of(connect)).await(120, TimeUnit.SECONDS);
        return start(vertx, port, Credentials.of(account, token), stores.ipRecords(), stores.sourceIpMappings(),
                stores.resolutions(), stores.changes(), stores::close);
    }

    private static SipmapUnderTest start(Vertx vertx, int port, Credentials credentials,
                                         IpRecordStore ipRecords, SourceIpMappingStore mappings,
                                         ResolutionStore resolutions, ChangeStore changes,
                                         Supplier<Future<Void>> closeStores) throws Exception {
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        SipmapVerticle verticle = new SipmapVerticle(new SourceIpMappingService(mappings, clock, sids),
                new IpRecordService(ipRecords, clock, sids), new ResolutionService(resolutions),
                new ChangeFeedService(changes),
                SipmapServerOptions.of(credentials).withHost("127.0.0.1").withPort(port));
        vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
        return new SipmapUnderTest(vertx, verticle, closeStores);
    }

    /** Where clients reach {@code /v1}. */
    String baseUrl() {
        return "http://127.0.0.1:" + verticle.actualPort();
    }

    /** Stops listening (ending the feed's streams), then closes the stores and Vert.x. */
    @Override
    public void close() {
        try {
            vertx.undeploy(verticle.deploymentID()).transform(undeployed -> closeStores.get())
                    .await(60, TimeUnit.SECONDS);
            vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the server did not stop: " + e, e);
        }
    }
}
