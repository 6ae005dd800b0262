package io.sipmap.console;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.domain.AccountSid;
import io.sipmap.service.BatchService;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The API with the console mounted beside it, as the server wires them (the console module cannot depend on the
 * server, which embeds it): in-memory stores, the REST API, the resolve and batch extensions, {@code /console/}.
 */
final class ConsoleUnderTest implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final SipmapVerticle verticle;

    /** Listens on a free port of 127.0.0.1, accepting {@code credentials}. */
    ConsoleUnderTest(Credentials credentials) throws Exception {
        InMemoryStores stores = InMemoryStores.create();
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        verticle = new SipmapVerticle(new SourceIpMappingService(stores.sourceIpMappings(), clock, sids),
                new IpRecordService(stores.ipRecords(), clock, sids), new ResolutionService(stores.resolutions()),
                null, new BatchService(stores.batches(), clock, sids),
                Console.load(Instant.now()).mountedOn(SipmapServerOptions.of(credentials).withHost("127.0.0.1")
                        .withPort(0).withRequestLog(false)));
        vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
    }

    /** {@code http://127.0.0.1:port}, under which {@code /v1} and {@code /console/} are. */
    String baseUrl() {
        return "http://127.0.0.1:" + verticle.actualPort();
    }

    @Override
    public void close() {
        try {
            vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("did not stop: " + e, e);
        }
    }

    static Credentials account(String sid, String token) {
        return Credentials.of(new AccountSid(sid), token);
    }
}
