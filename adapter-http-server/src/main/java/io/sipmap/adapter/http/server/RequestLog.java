package io.sipmap.adapter.http.server;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * One line per request once its response ends: method, path (no query, no headers, so no credentials), status and
 * milliseconds, through {@link System.Logger} {@code io.sipmap.adapter.http.server.requests} at INFO.
 */
final class RequestLog implements Handler<RoutingContext> {

    private static final System.Logger LOG = System.getLogger("io.sipmap.adapter.http.server.requests");

    @Override
    public void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addEndHandler(done -> {
            String path = ctx.request().path();
            if (path != null && path.length() > 200) {
                path = path.substring(0, 200) + "...";
            }
            LOG.log(System.Logger.Level.INFO, "{0} {1} {2} {3} ms", ctx.request().method(), path,
                    String.valueOf(ctx.response().getStatusCode()),
                    String.valueOf((System.nanoTime() - start) / 1_000_000));
        });
        ctx.next();
    }
}
