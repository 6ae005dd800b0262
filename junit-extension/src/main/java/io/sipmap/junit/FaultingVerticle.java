package io.sipmap.junit;

import io.sipmap.adapter.http.server.SipmapRouter;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.api.ChangeFeed;
import io.sipmap.api.IpRecords;
import io.sipmap.api.SipDomainResolver;
import io.sipmap.api.SourceIpMappings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;

/**
 * sipmap's router, with the {@link FaultFront} in front of it, on {@code options.host():options.port()}: what
 * {@code SipmapVerticle} serves, less its guards against slow and malformed clients (a test's client is neither), plus
 * faults. Deploying it fails when the port cannot be bound; undeploying it closes the server and its connections.
 * Runs on its own event loop.
 */
final class FaultingVerticle extends VerticleBase {

    private final SourceIpMappings sourceIpMappings;
    private final IpRecords ipRecords;
    private final SipDomainResolver resolver;
    private final ChangeFeed feed;
    private final SipmapServerOptions options;
    private final SipmapFaults faults;
    private volatile HttpServer server;

    FaultingVerticle(SourceIpMappings sourceIpMappings, IpRecords ipRecords, SipDomainResolver resolver,
                     ChangeFeed feed, SipmapServerOptions options, SipmapFaults faults) {
        this.sourceIpMappings = sourceIpMappings;
        this.ipRecords = ipRecords;
        this.resolver = resolver;
        this.feed = feed;
        this.options = options;
        this.faults = faults;
    }

    @Override
    public Future<?> start() {
        var router = SipmapRouter.create(vertx, sourceIpMappings, ipRecords, resolver, feed, options);
        server = vertx.createHttpServer(SipmapVerticle.httpServerOptions(options))
                .requestHandler(new FaultFront(vertx, faults, router));
        return server.listen(options.port(), options.host());
    }

    @Override
    public Future<?> stop() {
        return server.close();
    }

    /** The port bound; -1 before {@link #start()} succeeded. */
    int actualPort() {
        HttpServer bound = server;
        return bound == null ? -1 : bound.actualPort();
    }
}
