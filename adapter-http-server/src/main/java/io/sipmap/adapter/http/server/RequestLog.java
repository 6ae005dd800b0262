package io.sipmap.adapter.http.server;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * One line per request once its response ends: method, path (no query, no headers, so no credentials), status,
 * milliseconds and the {@code Twilio-Request-Id} the answer carried, through {@link System.Logger}
 * {@code io.sipmap.adapter.http.server.requests} at INFO. The record's parameters are those fields, in the order of
 * {@link #FIELDS}, for a log format that writes them as fields of their own.
 */
public final class RequestLog implements Handler<RoutingContext> {

    /** The name of the logger. */
    public static final String LOGGER = "io.sipmap.adapter.http.server.requests";
    /** What each parameter of a request's log record is, in order. */
    public static final List<String> FIELDS = List.of("method", "path", "status", "millis", "request_id");

    private static final System.Logger LOG = System.getLogger(LOGGER);

    RequestLog() {
    }

    @Override
    public void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addEndHandler(done -> {
            String path = ctx.request().path();
            if (path != null && path.length() > 200) {
                path = path.substring(0, 200) + "...";
            }
            LOG.log(System.Logger.Level.INFO, "{0} {1} {2} {3} ms {4}", ctx.request().method(), path,
                    String.valueOf(ctx.response().getStatusCode()),
                    String.valueOf((System.nanoTime() - start) / 1_000_000),
                    ctx.response().headers().get(RequestIds.HEADER));
        });
        ctx.next();
    }
}
