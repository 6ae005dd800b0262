package io.sipmap.adapter.http.server;

import io.sipmap.api.Batches;
import io.sipmap.api.ChangeFeed;
import io.sipmap.api.IpRecords;
import io.sipmap.api.SipDomainResolver;
import io.sipmap.api.SourceIpMappings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Serves {@link SipmapRouter} on {@code options.host():options.port()}. Deploying it fails when the port cannot be
 * bound; undeploying it stops accepting connections and lets in-flight requests finish, for up to
 * {@code options.shutdownTimeout()}. A connection on which nothing moves for {@code options.idleTimeout()} is
 * closed, and so is one whose client takes longer than {@code options.requestTimeout()} to send a request's head or
 * body (see {@link SlowClients}). With {@code options.tls()} it serves HTTPS only, from PEM files read at start (a
 * file that cannot be read fails the deployment). Runs on its own event loop.
 */
public final class SipmapVerticle extends VerticleBase {

    private final SourceIpMappings sourceIpMappings;
    private final IpRecords ipRecords;
    private final SipDomainResolver resolver;
    private final ChangeFeed feed;
    private final SipmapServerOptions options;
    private final Batches batches;
    private volatile HttpServer server;
    private volatile ChangeStreams streams;

    /** Serves the two Twilio resources. */
    public SipmapVerticle(SourceIpMappings sourceIpMappings, IpRecords ipRecords, SipmapServerOptions options) {
        this(sourceIpMappings, ipRecords, null, options);
    }

    /** Serves the two Twilio resources and, when {@code resolver} is not null, the sipmap resolve extension. */
    public SipmapVerticle(SourceIpMappings sourceIpMappings, IpRecords ipRecords, SipDomainResolver resolver,
                          SipmapServerOptions options) {
        this(sourceIpMappings, ipRecords, resolver, null, options);
    }

    /**
     * Serves the two Twilio resources, the sipmap resolve extension when {@code resolver} is not null, and the change
     * feed and exports when {@code feed} is not null. Stopping ends the feed's streams cleanly, then lets other
     * requests finish.
     */
    public SipmapVerticle(SourceIpMappings sourceIpMappings, IpRecords ipRecords, SipDomainResolver resolver,
                          ChangeFeed feed, SipmapServerOptions options) {
        this(sourceIpMappings, ipRecords, resolver, feed, null, options);
    }

    /** As the constructor above, and the batch extension {@code POST /sipmap/v1/Batches} when {@code batches} is not null. */
    public SipmapVerticle(SourceIpMappings sourceIpMappings, IpRecords ipRecords, SipDomainResolver resolver,
                          ChangeFeed feed, Batches batches, SipmapServerOptions options) {
        this.feed = feed;
        this.batches = batches;
        this.sourceIpMappings = Objects.requireNonNull(sourceIpMappings, "sourceIpMappings");
        this.ipRecords = Objects.requireNonNull(ipRecords, "ipRecords");
        this.resolver = resolver;
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public Future<?> start() {
        var http = httpServerOptions(options)
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, options.idleTimeout().toMillis()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        options.tls().ifPresent(tls -> http.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(tls.certificatePath()).setKeyPath(tls.keyPath())));
        streams = feed == null ? null : new ChangeStreams(vertx, feed);
        var router = SipmapRouter.create(vertx, sourceIpMappings, ipRecords, resolver, streams, batches, options);
        var slow = new SlowClients(vertx, options.requestTimeout().toMillis());
        server = vertx.createHttpServer(http)
                .connectionHandler(slow::opened)
                .requestHandler(request -> {
                    slow.requestBegan(request);
                    router.handle(request);
                })
                .invalidRequestHandler(SipmapVerticle::invalidRequest);
        return server.listen(options.port(), options.host());
    }

    @Override
    public Future<?> stop() {
        return server.shutdown(options.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Answers a request that HTTP decoding refused (a request line or headers too long, a malformed header) with a
     * Twilio error body, as every other answer has, and closes the connection, which may be out of step.
     */
    /**
     * The HTTP server options any server of sipmap's router needs: HTTP/1 only, and form limits no lower than
     * {@code options.bodyLimit()}. Fresh on each call, for the caller to add to.
     */
    public static HttpServerOptions httpServerOptions(SipmapServerOptions options) {
        return new HttpServerOptions()
                // HTTP/1 from the first byte: otherwise Vert.x holds a new connection back, unseen by the connection
                // handler, until it has read enough bytes to tell HTTP/1 from an h2c preface; a client trickling them
                // escaped the request timeout that way. Twilio's API is HTTP/1.1.
                .setHttp2ClearTextEnabled(false)
                // Vert.x's own limits on one form field (8 KiB) and on what its form decoder holds back (1 KiB) would
                // refuse, as too large, a body the body limit accepts
                .setMaxFormAttributeSize((int) Math.min(Integer.MAX_VALUE, options.bodyLimit()))
                .setMaxFormBufferedBytes((int) Math.min(Integer.MAX_VALUE, options.bodyLimit()));
    }

    static void invalidRequest(HttpServerRequest request) {
        Throwable cause = NettyBridge.decoderFailure(request);
        String kind = cause == null ? "" : cause.getClass().getSimpleName();
        // Netty's TooLongHttpLineException and TooLongHttpHeaderException; anything else (a bare CR or LF, a
        // malformed header) is a malformed request, not a long one
        int status = kind.startsWith("TooLong") && kind.contains("Line") ? 414
                : kind.startsWith("TooLong") && kind.contains("Header") ? 431 : 400;
        Answers.error(request.response(), ErrorTable.ofStatus(status, request.path(), 0), true)
                .onComplete(done -> request.connection().close());
    }

    /** How many change feed streams are open now; 0 without a feed. */
    public int changeSubscribers() {
        ChangeStreams open = streams;
        return open == null ? 0 : open.subscribers();
    }

    /**
     * How many change feed streams have been sent {@code reset} since start (too slow a reader, or a log that no
     * longer reaches back to its position): each is a follower reloading everything; 0 without a feed.
     */
    public long changeResets() {
        ChangeStreams open = streams;
        return open == null ? 0 : open.resets();
    }

    /** The port actually bound, useful with port 0; -1 before {@link #start()} succeeded. */
    public int actualPort() {
        HttpServer bound = server;
        return bound == null ? -1 : bound.actualPort();
    }
}
