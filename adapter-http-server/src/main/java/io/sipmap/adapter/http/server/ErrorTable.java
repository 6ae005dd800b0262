package io.sipmap.adapter.http.server;

import io.sipmap.domain.SipmapException;
import io.vertx.ext.web.handler.HttpException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;

/**
 * The one table from failure to {@link ErrorAnswer} (WIRE.md, "Errors"): each {@link SipmapException} variant, the
 * HTTP statuses Vert.x Web and Vert.x's HTTP decoder raise themselves (no route, wrong method, body too large, a
 * malformed request), and the refusals only the wire knows ({@link RefusedRequest}: credentials, paging parameters,
 * rate limit, a request too slow). Every Twilio code the server sends is here. Stateless.
 */
final class ErrorTable {

    static final int NOT_FOUND = 20404;
    static final int INVALID_PARAMETER = 20001;
    static final int AUTHENTICATE = 20003;
    static final int AUTHORIZATION_FAILED = 70051;
    static final int METHOD_NOT_ALLOWED = 20004;
    static final int PAGE_SIZE_TOO_LARGE = 20007;
    static final int CONFLICT = 20409;
    static final int TOO_MANY_REQUESTS = 20429;
    static final int INTERNAL = 20500;
    static final int UNAVAILABLE = 20503;
    /** How soon a client may try again after a 503: the store's outage is unknown, so soon, and backing off. */
    static final String UNAVAILABLE_RETRY_AFTER_SECONDS = "1";
    static final int INVALID_PAGE_TOKEN = 21481;

    /** Each variant of the sealed {@link SipmapException}, given the request path, to its Twilio error. */
    static final Map<Class<? extends SipmapException>, BiFunction<SipmapException, String, ErrorAnswer>> BY_VARIANT =
            Map.of(
                    SipmapException.NotFound.class, (e, path) -> notFound(path),
                    SipmapException.InvalidParameter.class, (e, path) ->
                            new ErrorAnswer(400, INVALID_PARAMETER, e.getMessage()),
                    SipmapException.Conflict.class, (e, path) -> new ErrorAnswer(409, CONFLICT, e.getMessage()),
                    // ours: the store does not answer; what is wrong with it is the operator's business, not echoed
                    SipmapException.Unavailable.class, (e, path) -> new ErrorAnswer(503, UNAVAILABLE,
                            "Service unavailable: the store does not answer; try again later",
                            Map.of("Retry-After", UNAVAILABLE_RETRY_AFTER_SECONDS)),
                    // ours: a store or remote service behind the api failed; not the caller's fault, not echoed
                    SipmapException.Upstream.class, (e, path) ->
                            new ErrorAnswer(502, INTERNAL, "An upstream service failed; try again later"),
                    SipmapException.BatchRefused.class, (e, path) -> batchRefused((SipmapException.BatchRefused) e));

    private ErrorTable() {
    }

    /**
     * A refused batch (ours): 409 when a change conflicts with the stored state, else 400; each failed change by its
     * index, with the code its single write would answer.
     */
    static ErrorAnswer batchRefused(SipmapException.BatchRefused refused) {
        List<ErrorAnswer.Item> items = new ArrayList<>(refused.failures().size());
        for (SipmapException.BatchRefused.Failure failure : refused.failures()) {
            SipmapException cause = failure.cause();
            int code = cause instanceof SipmapException.Conflict ? CONFLICT
                    : cause instanceof SipmapException.NotFound ? NOT_FOUND : INVALID_PARAMETER;
            items.add(new ErrorAnswer.Item(failure.index(), code, cause.getMessage()));
        }
        boolean conflict = refused.conflicts();
        return new ErrorAnswer(conflict ? 409 : 400, conflict ? CONFLICT : INVALID_PARAMETER, refused.getMessage(),
                Map.of(), items);
    }

    static ErrorAnswer notFound(String path) {
        return new ErrorAnswer(404, NOT_FOUND, "The requested resource " + abbreviate(path) + " was not found");
    }

    static ErrorAnswer authenticate() {
        return new ErrorAnswer(401, AUTHENTICATE, "Authenticate",
                Map.of("WWW-Authenticate", "Basic realm=\"Twilio API\""));
    }

    /**
     * Credentials that authenticate but may not do this: a write with a read-only API key. Twilio's answer to a
     * restricted API key missing a permission, word for word.
     */
    static ErrorAnswer authorizationFailed() {
        return new ErrorAnswer(403, AUTHORIZATION_FAILED, "Authorization Failed");
    }

    static ErrorAnswer internal() {
        return new ErrorAnswer(500, INTERNAL, "Internal server error");
    }

    /** A client sent its request more slowly than the request timeout (ours; the connection is then closed). */
    static ErrorAnswer requestTimeout() {
        return new ErrorAnswer(408, INVALID_PARAMETER, "Request timeout: the request was not received in time");
    }

    /** The account is over its rate; a token is back in {@code retryAfterSeconds}. */
    static ErrorAnswer tooManyRequests(long perSecond, long retryAfterSeconds) {
        return new ErrorAnswer(429, TOO_MANY_REQUESTS, "Too many requests: at most " + perSecond + " per second",
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    /** A {@code PageSize} over the largest page; {@code given} is already abbreviated. */
    static ErrorAnswer pageSizeTooLarge(int max, String given) {
        return new ErrorAnswer(400, PAGE_SIZE_TOO_LARGE, "Invalid PageSize: at most " + max + " allowed, got " + given);
    }

    /** A {@code PageToken} that names no page. */
    static ErrorAnswer invalidPageToken(String message) {
        return new ErrorAnswer(400, INVALID_PAGE_TOKEN, message);
    }

    /**
     * The Twilio error for a failure, or null when it is unexpected (a fault, to be logged and answered 500).
     *
     * @param failure    what the route failed with, possibly null
     * @param statusCode the status the route failed with, -1 when none
     * @param path       the request path, for 404 messages
     * @param bodyLimit  the body limit, for 413 messages
     */
    static ErrorAnswer of(Throwable failure, int statusCode, String path, long bodyLimit) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof RefusedRequest wire) {
            return wire.error();
        }
        if (cause instanceof SipmapException e) {
            return BY_VARIANT.get(variantOf(e)).apply(e, path);
        }
        if (cause instanceof HttpException http) {
            return ofStatus(http.getStatusCode(), path, bodyLimit);
        }
        return cause == null || statusCode >= 400 && statusCode < 500 ? ofStatus(statusCode, path, bodyLimit) : null;
    }

    /**
     * The error for a failure raised while Vert.x read and decoded the body: the client's doing, never a 500. A form
     * field beyond the server's form attribute size is as good as a body too large; anything else is a malformed form.
     */
    static ErrorAnswer ofBody(Throwable failure, long bodyLimit) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (t.getClass().getSimpleName().startsWith("TooLong") || message.contains("exceed")) {
                // Vert.x's limits on one form field, not the body limit (SipmapVerticle raises them to it)
                return new ErrorAnswer(413, INVALID_PARAMETER,
                        "Request body too large: a form field is longer than this server accepts");
            }
        }
        return new ErrorAnswer(400, INVALID_PARAMETER,
                "Invalid request body: expected an application/x-www-form-urlencoded form");
    }

    private static Class<? extends SipmapException> variantOf(SipmapException e) {
        Class<?> type = e.getClass();
        while (!BY_VARIANT.containsKey(type)) {
            type = type.getSuperclass();
        }
        return type.asSubclass(SipmapException.class);
    }

    /** The error for a status Vert.x Web raised without a cause; null for 5xx and unknown ones. */
    static ErrorAnswer ofStatus(int status, String path, long bodyLimit) {
        switch (status) {
            case 400:
                return new ErrorAnswer(400, INVALID_PARAMETER, "Invalid request: the request could not be parsed");
            case 401:
                return authenticate();
            case 404:
                return notFound(path);
            case 405:
                return methodNotAllowed(path);
            case 413:
                // ours: Twilio documents no code for it
                return new ErrorAnswer(413, INVALID_PARAMETER,
                        "Request body too large: at most " + bodyLimit + " bytes accepted");
            case 414:
            case 431:
                return new ErrorAnswer(status, INVALID_PARAMETER, "Request line or headers too large");
            default:
                return status >= 400 && status < 500
                        ? new ErrorAnswer(status, INVALID_PARAMETER, "Invalid request") : null;
        }
    }

    static ErrorAnswer methodNotAllowed(String path) {
        String allow = SipmapRouter.large(path) ? "POST" // the batch extensions: write-only
                : path != null && path.startsWith("/sipmap/") ? "GET" // the feed, exports, resolve: read-only
                : path != null && path.matches(".*/v1/[A-Za-z]+/[^/]+/?") ? "GET, POST, DELETE"
                : path != null && !path.contains("/v1/") && !path.endsWith("/v1") ? "GET, HEAD" // a public route's
                : "GET, POST";
        return new ErrorAnswer(405, METHOD_NOT_ALLOWED, "Method not allowed", Map.of("Allow", allow));
    }

    private static String abbreviate(String path) {
        if (path == null) {
            return "";
        }
        return path.length() > 200 ? path.substring(0, 200) + "..." : path;
    }
}
