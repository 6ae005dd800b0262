package io.sipmap.examples;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.domain.AccountSid;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The Twilio-compatible API served from a Vert.x application of one's own: the HTTP adapter's verticle over the
 * services over the in-memory stores, for one account. The runnable server (module {@code server}) wires the same
 * parts, with a command line around them.
 */
public final class ServeExample {

    private ServeExample() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("http://127.0.0.1:" + run(Vertx.vertx(), 8080, new AccountSid("AC" + "0".repeat(31) + "1"),
                "local-token") + "/v1/SourceIpMappings");
    }

    /** Deploys the server on {@code vertx} at 127.0.0.1:{@code port} (0 for any free port); returns the port bound. */
    public static int run(Vertx vertx, int port, AccountSid account, String authToken) throws Exception {
        // snippet:serve
        var stores = InMemoryStores.create();
        var clock = Clock.systemUTC();
        var sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        var server = new SipmapVerticle(
                new SourceIpMappingService(stores.sourceIpMappings(), clock, sids),
                new IpRecordService(stores.ipRecords(), clock, sids),
                new ResolutionService(stores.resolutions()),
                SipmapServerOptions.of(Credentials.of(account, authToken)).withPort(port));
        vertx.deployVerticle(server).await(10, TimeUnit.SECONDS); // fails when the port is taken
        // end-snippet
        return server.actualPort();
    }
}
