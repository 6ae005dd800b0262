package io.sipmap.adapter.http.server;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Every answer the server writes goes through here: a JSON body (a resource, a list page, a resolution), a 204
 * without one, and every Twilio error body, whoever sends it (the failure handler, the slow-client timer, the HTTP
 * decoder's invalid-request handler). Bodies are {@link JsonWriter}s; how their bytes reach Vert.x is
 * {@link NettyBridge}' business. Runs on the thread that answers.
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
