package io.sipmap.adapter.http.server;

import io.sipmap.domain.ChangeId;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Every answer the server writes goes through here: a JSON body (a resource, a list page, a resolution), a 204
 * without one, an export with its entity tag (or its 304), every Twilio error body, whoever sends it (the failure
 * handler, the slow-client timer, the HTTP decoder's invalid-request handler), and the frames of an event stream, from
 * its head to its end. Bodies are {@link JsonWriter}s or bytes; how their bytes reach Vert.x is {@link NettyBridge}'
 * business. Runs on the thread that answers.
 */
final class Answers {

    static final String JSON = "application/json";

    private Answers() {
    }

    /** Answers {@code status} with what {@code json} wrote; {@code json} is not to be used after. */
    static Future<Void> json(RoutingContext ctx, int status, JsonWriter json) {
        return end(head(ctx.response(), status), json);
    }

    /** Answers {@code status} with {@code json}, which is shared, never changed, and so sent without a copy. */
    static Future<Void> bytes(RoutingContext ctx, int status, byte[] json) {
        return head(ctx.response(), status).end(NettyBridge.wrap(json, json.length));
    }

    /**
     * Answers 200 with {@code body} and its strong entity tag, or 304 without a body when the request's
     * {@code If-None-Match} names that tag (or is {@code *}); either way with {@code Sipmap-Last-Event-Id: head}, the
     * id of the last change the body reflects, and {@code Cache-Control: private, no-cache}: the body is one
     * account's, and a cache must ask again each time, which the tag makes cheap.
     */
    static Future<Void> tagged(RoutingContext ctx, String contentType, byte[] body, String etag, ChangeId head) {
        if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
            return notModified(ctx, etag, head);
        }
        return validated(ctx.response(), etag, head).setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, contentType)
                .end(NettyBridge.wrap(body, body.length));
    }

    /** Answers 304 for an export whose tag the request named, known without building its body. */
    static Future<Void> notModified(RoutingContext ctx, String etag, ChangeId head) {
        return validated(ctx.response(), etag, head).setStatusCode(304).end();
    }

    /** The headers of a tagged answer, 200 or 304 alike. */
    private static HttpServerResponse validated(HttpServerResponse response, String etag, ChangeId head) {
        return response.putHeader(HttpHeaders.ETAG, etag).putHeader(HttpHeaders.CACHE_CONTROL, "private, no-cache")
                .putHeader(FeedRoutes.LAST_EVENT_ID_HEADER, head.toString());
    }

    /** Whether an {@code If-None-Match} value names {@code etag}: weak comparison, as RFC 9110 has it for GET. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts an event stream: 200, {@code text/event-stream}, never stored, chunked, and the first frame; the
     * response stays open for {@link #streamed} frames until {@link #endStream}.
     */
    static Future<Void> beginStream(HttpServerResponse response, byte[] first) {
        response.setStatusCode(200).setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("X-Accel-Buffering", "no"); // a proxy such as nginx passes each event on at once
        return response.write(NettyBridge.wrap(first, first.length));
    }

    /** One more frame of a stream; {@code frame} is not to be changed after. */
    static Future<Void> streamed(HttpServerResponse response, byte[] frame) {
        return response.write(NettyBridge.wrap(frame, frame.length));
    }

    /** Ends a stream, after {@code last} when not null. */
    static Future<Void> endStream(HttpServerResponse response, byte[] last) {
        return last == null ? response.end() : response.end(NettyBridge.wrap(last, last.length));
    }

    /** Answers 204 with no body. */
    static Future<Void> noContent(RoutingContext ctx) {
        return ctx.response().setStatusCode(204).end();
    }

    /**
     * Answers with a Twilio error: its status, its headers, and its body {@code {"code", "message", "more_info",
     * "status"}}; with {@code Connection: close} when {@code closing}, for a caller that closes the connection once
     * this completes.
     */
    static Future<Void> error(HttpServerResponse response, ErrorAnswer error, boolean closing) {
        head(response, error.status());
        if (!response.headers().contains(RequestIds.HEADER)) { // answered before the router: the HTTP decoder refused it
            response.putHeader(RequestIds.HEADER, RequestIds.next());
        }
        error.headers().forEach(response::putHeader);
        if (closing) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        return end(response, error.write(new JsonWriter(error.length())));
    }

    private static HttpServerResponse head(HttpServerResponse response, int status) {
        return response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON);
    }

    /**
     * A writer on scratch (a list page) is copied into a pooled direct buffer, as its array goes back to its thread;
     * any other is sent from its own array, without a copy.
     */
    private static Future<Void> end(HttpServerResponse response, JsonWriter json) {
        return json.finish((bytes, length, lent) -> lent
                ? NettyBridge.endWithPooledCopy(response, bytes, length)
                : response.end(NettyBridge.wrap(bytes, length)));
    }
}
