package io.sipmap.adapter.http.server;

import io.sipmap.api.Batches;
import io.sipmap.api.ChangeFeed;
import io.sipmap.api.IpRecords;
import io.sipmap.api.SipDomainResolver;
import io.sipmap.api.SourceIpMappings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.HttpException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Twilio's Voice v1 {@code /v1/IpRecords} and {@code /v1/SourceIpMappings} over the api, as a Vert.x Web
 * {@link Router} a host can serve or mount ({@code route("/twilio/*").subRouter(router)}).
 *
 * <p>Every request but a CORS preflight needs HTTP Basic credentials and acts for their account. Every answer carries
 * a {@code Twilio-Request-Id}; CORS allows any origin without credentials, and only the listed ones with them. The
 * OpenAPI document of what it serves is at {@code /sipmap/v1/openapi.json}, without credentials
 * ({@link OpenApiDocument} says why), and so are the host's {@linkplain SipmapServerOptions.PublicRoute public routes}
 * (a web console's files). Forms are read by
 * {@link BodyHandler} up to the configured limit; every answer is JSON, errors in Twilio's shape. A host serving it
 * should raise its {@code HttpServerOptions} {@code maxFormAttributeSize} and {@code maxFormBufferedBytes} to the body
 * limit, as {@link SipmapVerticle} does, or Vert.x refuses smaller bodies with a long field as too large. Handlers run on the
 * event loop and never block: they hop back onto the request's context when the api's stage completes.
 */
public final class SipmapRouter {

    private static final System.Logger LOG = System.getLogger(SipmapRouter.class.getName());

    /** How much of a refused request's body is read and dropped at most, and for how long, before closing. */
    static final long LINGER_BYTES = 1 << 20;
    static final long LINGER_MILLIS = 1000;

    /** Who the credentials are: an extension a console calls to learn its account and whether it may write. */
    static final String ME = "/sipmap/v1/Me";

    /** Present in the context while {@link BodyHandler} reads the body, so that its failures count as bad input. */
    private static final String READING_BODY = "sipmap.readingBody";
    private static final String LARGE_BODY = "sipmap.largeBody";

    /**
     * What a browser may send: besides a form and credentials, the change feed's {@code Last-Event-ID} (to resume) and
     * the exports' {@code If-None-Match} (to be answered 304).
     */
    private static final List<String> ALLOWED_HEADERS = List.of("Content-Type", "Authorization", "Last-Event-ID",
            "If-None-Match");
    /** What a browser's script may read: the challenge, the back-off, the request id, and the exports' tag and number. */
    private static final List<String> EXPOSED_HEADERS = List.of("WWW-Authenticate", "Retry-After",
            RequestIds.HEADER, "ETag", FeedRoutes.LAST_EVENT_ID_HEADER);
    private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized(RequestIds.HEADER);
    /** The methods whose form Vert.x decodes; a body on any other is read but not decoded. */
    private static final Set<HttpMethod> FORM_METHODS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);
    private static final List<HttpMethod> ALLOWED_METHODS = List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE,
            HttpMethod.OPTIONS);
    // The header values, joined once rather than on every request
    private static final CharSequence ALLOW_METHODS_VALUE = HttpHeaders.createOptimized(
            ALLOWED_METHODS.stream().map(HttpMethod::name).collect(Collectors.joining(", ")));
    private static final CharSequence ALLOW_HEADERS_VALUE = HttpHeaders.createOptimized(
            String.join(", ", ALLOWED_HEADERS));
    private static final CharSequence EXPOSE_HEADERS_VALUE = HttpHeaders.createOptimized(
            String.join(", ", EXPOSED_HEADERS));

    private SipmapRouter() {
    }

    /** The router serving both resources for the accounts of {@code options.credentials()}. */
    public static Router create(Vertx vertx, SourceIpMappings sourceIpMappings, IpRecords ipRecords,
                                SipmapServerOptions options) {
        return create(vertx, sourceIpMappings, ipRecords, null, options);
    }

    /**
     * The router serving both resources and, when {@code resolver} is not null, the sipmap extension
     * {@code GET /sipmap/v1/Resolve?IpAddress=...} (which SIP domain a source address belongs to).
     */
    public static Router create(Vertx vertx, SourceIpMappings sourceIpMappings, IpRecords ipRecords,
                                SipDomainResolver resolver, SipmapServerOptions options) {
        return create(vertx, sourceIpMappings, ipRecords, resolver, (ChangeStreams) null, options);
    }

    /**
     * The router serving both resources, the resolve extension when {@code resolver} is not null, and, when
     * {@code feed} is not null, the change feed {@code GET /sipmap/v1/Changes} and the exports
     * {@code GET /sipmap/v1/Exports/Addresses} and {@code GET /sipmap/v1/Exports/Kamailio}. The streams of the feed
     * end when their connections are shut down (as {@link SipmapVerticle} does when it stops).
     */
    public static Router create(Vertx vertx, SourceIpMappings sourceIpMappings, IpRecords ipRecords,
                                SipDomainResolver resolver, ChangeFeed feed, SipmapServerOptions options) {
        return create(vertx, sourceIpMappings, ipRecords, resolver,
                feed == null ? null : new ChangeStreams(vertx, feed), null, options);
    }

    /**
     * As {@link #create(Vertx, SourceIpMappings, IpRecords, SipDomainResolver, ChangeFeed, SipmapServerOptions)},
     * and, when {@code batches} is not null, the batch extension {@code POST /sipmap/v1/Batches}: many changes in one
     * JSON request, all or nothing, with a body limit of its own ({@link BatchRoutes#BODY_LIMIT}, or the options'
     * when larger).
     */
    public static Router create(Vertx vertx, SourceIpMappings sourceIpMappings, IpRecords ipRecords,
                                SipDomainResolver resolver, ChangeFeed feed, Batches batches,
                                SipmapServerOptions options) {
        return create(vertx, sourceIpMappings, ipRecords, resolver,
                feed == null ? null : new ChangeStreams(vertx, feed), batches, options);
    }

    static Router create(Vertx vertx, SourceIpMappings sourceIpMappings, IpRecords ipRecords,
                         SipDomainResolver resolver, ChangeStreams streams, SipmapServerOptions options) {
        return create(vertx, sourceIpMappings, ipRecords, resolver, streams, null, options);
    }

    static Router create(Vertx vertx, SourceIpMappings sourceIpMappings, IpRecords ipRecords,
                         SipDomainResolver resolver, ChangeStreams streams, Batches batches,
                         SipmapServerOptions options) {
        Objects.requireNonNull(sourceIpMappings, "sourceIpMappings");
        Objects.requireNonNull(ipRecords, "ipRecords");
        Objects.requireNonNull(options, "options");
        Router router = Router.router(vertx);

        if (options.requestLog()) {
            router.route().handler(new RequestLog());
        }
        if (options.observer().isPresent()) {
            RequestObserver observer = options.observer().get();
            RouteTemplates templates = new RouteTemplates(router);
            router.route().handler(ctx -> {
                long start = System.nanoTime();
                ctx.addEndHandler(done -> {
                    int status = ctx.response().getStatusCode();
                    observer.answered(templates.of(ctx.request().path()), ctx.request().method().name(), status,
                            status >= 500 ? ctx.failure() : null, System.nanoTime() - start);
                });
                ctx.next();
            });
        }
        router.route().handler(SipmapRouter::everyAnswersHeaders);
        router.route().handler(cors(options.corsOrigins()));
        byte[] openApi = OpenApiDocument.bytes(resolver != null, streams != null, batches != null);
        router.get(OpenApiDocument.PATH).handler(ctx -> Answers.bytes(ctx, 200, openApi)); // before authentication
        for (SipmapServerOptions.PublicRoute route : options.publicRoutes()) { // the host's own, before authentication
            // read-only: any other method on its path needs credentials, as every path does, and is then a 405
            router.route(route.path()).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(route.handler());
        }
        router.route().handler(new BasicAuthentication(options.credentials()));
        if (options.rateLimit() > 0) {
            router.route().handler(new RateLimit(options.rateLimit(), options.rateBurst(), options.clock()));
        }
        // Not merged into the request's params: merging parses the query string in BodyHandler's end handler, where a
        // malformed percent-escape throws outside any route and the request is never answered. Handlers read the form
        // from formAttributes() and the query through Exchanges.query().
        BodyHandler body = BodyHandler.create(false).setBodyLimit(options.bodyLimit()).setMergeFormAttributes(false);
        long batchLimit = Math.max(options.bodyLimit(), BatchRoutes.BODY_LIMIT);
        BodyHandler batchBody = BodyHandler.create(false).setBodyLimit(batchLimit).setMergeFormAttributes(false);
        router.route().handler(ctx -> {
            if (bodiless(ctx.request())) {
                ctx.next(); // nothing to read or decode, as for nearly every GET: BodyHandler's buffers are not needed
                return;
            }
            ctx.put(READING_BODY, Boolean.TRUE);
            if (!FORM_METHODS.contains(ctx.request().method())) {
                // Vert.x refuses to decode a form on other methods, failing the request, yet Twilio's SDKs for other
                // languages send a form Content-Type on every GET: the body is still read within the limit, as bytes.
                ctx.request().headers().remove(HttpHeaders.CONTENT_TYPE);
            }
            (largeBody(ctx, batches != null) ? batchBody : body).handle(ctx);
        });
        router.route().handler(ctx -> {
            if (ctx.remove(READING_BODY) != null && !options.credentials().authenticates(Exchanges.principal(ctx))) {
                // a body may trickle in for as long as the request timeout: credentials revoked meanwhile write nothing
                ctx.fail(new RefusedRequest(ErrorTable.authenticate()));
                return;
            }
            ctx.next();
        });
        router.route().failureHandler(ctx -> fail(ctx, ctx.statusCode(),
                largeBody(ctx, batches != null) ? batchLimit : options.bodyLimit()));

        router.get(ME).handler(SipmapRouter::me);
        new IpRecordRoutes(ipRecords, options.publicBaseUrl(), options.addressFamilies()).mount(router);
        new SourceIpMappingRoutes(sourceIpMappings, options.publicBaseUrl()).mount(router);

        if (resolver != null) {
            router.get(ResolutionRoutes.PATH).handler(new ResolutionRoutes(resolver, options.publicBaseUrl(), options.addressFamilies())::resolve);
        }
        if (batches != null) {
            router.post(BatchRoutes.PATH).handler(new BatchRoutes(batches, options.publicBaseUrl(), options.addressFamilies())::apply);
            router.post(PlanRoutes.PATH).handler(new PlanRoutes(ipRecords, sourceIpMappings)::plan);
        }
        if (streams != null) {
            new FeedRoutes(streams, options.credentials(), options.publicBaseUrl(), options.feed()).mount(router);
        }
        for (SipmapServerOptions.PublicRoute route : options.publicRoutes()) {
            // another method on a public route's path, with credentials: not allowed (Vert.x answers 404 otherwise for
            // a path ending in *)
            router.route(route.path()).handler(ctx -> ctx.fail(405));
        }

        // What no route handles: unknown paths, wrong methods, and anything the failure handler could not answer.
        // Vert.x Web calls these without setting the status on the context, so each one is told its status.
        for (int status : new int[] {400, 404, 405, 413, 414, 431, 500}) {
            router.errorHandler(status, ctx -> fail(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : status,
                    options.bodyLimit()));
        }
        return router;
    }

    /**
     * {@code GET /sipmap/v1/Me}: the account the credentials act for and their scope, {@code "full"} or
     * {@code "read-only"}, from the credentials alone (no store is asked), so that a console can check a sign-in and
     * offer writes only to those who may make them.
     */
    private static void me(RoutingContext ctx) {
        Credentials.Principal principal = Exchanges.principal(ctx);
        Answers.json(ctx, 200, new JsonWriter(96).beginObject()
                .name("account_sid").value(principal.account())
                .name("scope").value(principal.scope() == Credentials.Scope.READ_ONLY ? "read-only" : "full")
                .endObject());
    }

    /**
     * Whether the request's body may be up to the batch limit rather than a form's: with the batch extension served,
     * its path is {@link #large}. Decided once per request and kept in the context, for the body and failure handlers.
     */
    private static boolean largeBody(RoutingContext ctx, boolean batches) {
        Boolean known = ctx.get(LARGE_BODY);
        if (known == null) {
            known = batches && large(ctx.request().path());
            ctx.put(LARGE_BODY, known);
        }
        return known;
    }

    /** Whether the path takes a list or a batch, up to {@link BatchRoutes#BODY_LIMIT} rather than a form's limit. */
    static boolean large(String path) {
        return BatchRoutes.PATH.equals(path) || PlanRoutes.PATH.equals(path);
    }

    /**
     * Whether an HTTP/1 request that has no form to decode has no body either: neither Content-Length (or 0) nor
     * Transfer-Encoding, which is how HTTP/1.1 says a request has none.
     */
    private static boolean bodiless(HttpServerRequest request) {
        if (FORM_METHODS.contains(request.method()) || request.version() == HttpVersion.HTTP_2) {
            return false;
        }
        var headers = request.headers();
        String length = headers.get(HttpHeaders.CONTENT_LENGTH);
        return (length == null || length.equals("0")) && headers.get(HttpHeaders.TRANSFER_ENCODING) == null;
    }

    /**
     * What every answer carries: Twilio's request id, and the CORS headers Twilio sends on every response, browser
     * or not. {@link CorsHandler} only answers requests that carry an {@code Origin}; a request without one gets
     * {@code Access-Control-Allow-Origin: *} here.
     */
    private static void everyAnswersHeaders(RoutingContext ctx) {
        var headers = ctx.response().headers()
                .set(REQUEST_ID, RequestIds.next())
                .set(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS_VALUE)
                .set(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS_VALUE)
                .set(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE_HEADERS_VALUE);
        if (ctx.request().getHeader(HttpHeaders.ORIGIN) == null) {
            headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        }
        ctx.next();
    }

    /**
     * CORS as WIRE.md has it. Any origin gets {@code Access-Control-Allow-Origin: *}, as from Twilio: browsers then
     * send no stored credentials cross-origin, so a page an operator happens to visit cannot act with their login.
     * Only the origins listed in the options are reflected, with {@code Access-Control-Allow-Credentials: true}; with
     * such a list every answer varies by {@code Origin}, and says so to caches.
     */
    private static io.vertx.core.Handler<RoutingContext> cors(List<String> listed) {
        CorsHandler anyOrigin = corsHandler(CorsHandler.create().addOriginWithRegex(".*"));
        if (listed.isEmpty()) {
            return anyOrigin;
        }
        // One handler per listed origin: each then answers with its one origin and adds no Vary of its own (with
        // several origins CorsHandler appends a second "origin" to the Vary set here)
        Map<String, CorsHandler> withCredentials = listed.stream().collect(Collectors.toUnmodifiableMap(
                origin -> origin, origin -> corsHandler(CorsHandler.create().addOrigin(origin).allowCredentials(true))));
        return ctx -> {
            ctx.response().headers().set(HttpHeaders.VARY, HttpHeaders.ORIGIN);
            String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
            CorsHandler handler = origin == null ? null : withCredentials.get(origin.toLowerCase(Locale.ROOT));
            (handler == null ? anyOrigin : handler).handle(ctx);
        };
    }

    private static CorsHandler corsHandler(CorsHandler handler) {
        return handler.allowedHeaders(new LinkedHashSet<>(ALLOWED_HEADERS))
                .allowedMethods(new LinkedHashSet<>(ALLOWED_METHODS))
                .exposedHeaders(new LinkedHashSet<>(EXPOSED_HEADERS));
    }

    /** The failure's own message, past the wrappers of stages. */
    private static String causeOf(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause == null ? "no cause" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** Answers any failure as a Twilio error; an unexpected one is logged here and answered 500 without its cause. */
    private static void fail(RoutingContext ctx, int status, long bodyLimit) {
        Throwable failure = ctx.failure();
        ErrorAnswer error;
        if (ctx.get(READING_BODY) != null && failure != null && !(failure instanceof HttpException)) {
            LOG.log(System.Logger.Level.DEBUG, "Refused the body of a request", failure);
            error = ErrorTable.ofBody(failure, bodyLimit);
        } else {
            error = ErrorTable.of(failure, status, ctx.request().path(), bodyLimit);
        }
        if (error != null && error.status() >= 500) {
            // answered in Twilio's shape without the cause, which the operator needs: a store or service is down
            LOG.log(System.Logger.Level.WARNING, "Answered " + error.status() + " to " + ctx.request().method() + " "
                    + ctx.request().path() + ": " + causeOf(failure));
        }
        if (error == null) {
            LOG.log(System.Logger.Level.ERROR, "Unexpected failure (status " + status + ") answering "
                    + ctx.request().method() + " " + ctx.request().path(), ctx.failure());
            error = ErrorTable.internal();
        }
        var response = ctx.response();
        if (response.headWritten()) {
            response.reset();
            return;
        }
        HttpServerRequest request = ctx.request();
        boolean unread = !request.isEnded() && request.version() != HttpVersion.HTTP_2;
        Answers.error(response, error, unread);
        if (unread) {
            lingerThenClose(ctx.vertx(), request);
        }
    }

    /**
     * Refused before its body was read (413, 401, 429...): the rest of the body would otherwise be read and dropped
     * for as long as the client sends, gigabytes if it likes. What still comes is dropped for a moment, so that a
     * client busy sending can read the answer before the close, then the connection is closed: after
     * {@link #LINGER_BYTES} more bytes, {@link #LINGER_MILLIS}, or the end of the request, whichever comes first.
     */
    private static void lingerThenClose(Vertx vertx, HttpServerRequest request) {
        HttpConnection connection = request.connection();
        long timer = vertx.setTimer(LINGER_MILLIS, id -> connection.close());
        long[] dropped = {0};
        request.handler(chunk -> {
            dropped[0] += chunk.length();
            if (dropped[0] > LINGER_BYTES && vertx.cancelTimer(timer)) {
                connection.close();
            }
        });
        request.endHandler(end -> {
            if (vertx.cancelTimer(timer)) {
                connection.close();
            }
        });
    }
}
