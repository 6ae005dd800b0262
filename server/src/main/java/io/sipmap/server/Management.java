package io.sipmap.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The management endpoints, on a port of their own, never the API's: {@code /health/live} (the process answers on its
 * event loop), {@code /health/ready} (the store answers; 503 when it does not, or not in time) and, when metrics are
 * on, {@code /metrics} in Prometheus' text format. No credentials: bind it where only monitoring reaches (127.0.0.1 by
 * default). Runs on the Vert.x instance of the API.
 */
final class Management {

    /** How long the store may take to answer a readiness probe. */
    static final long READY_TIMEOUT_MILLIS = 2000;

    private Management() {
    }

    /**
     * Listens on {@code host:port}.
     *
     * @param registry the metrics to serve, or null when metrics are off
     * @param ready    probes the store: a stage that completes when it answers, fails when it does not
     */
    static Future<HttpServer> start(Vertx vertx, String host, int port, PrometheusMeterRegistry registry,
                                    Supplier<CompletionStage<?>> ready) {
        Router router = Router.router(vertx);
        router.get("/health/live").handler(HealthCheckHandler.create(vertx)
                .register("event-loop", promise -> promise.complete(Status.OK())));
        router.get("/health/ready").handler(HealthCheckHandler.create(vertx)
                // Timed out here, as not ready (503), rather than by the handler, which answers that as a fault (500)
                .register("store", 2 * READY_TIMEOUT_MILLIS, promise -> {
                    long timer = vertx.setTimer(READY_TIMEOUT_MILLIS, id -> promise.tryComplete(Status.KO(
                            new JsonObject().put("reason", "no answer within " + READY_TIMEOUT_MILLIS + " ms"))));
                    promise.future().onComplete(done -> vertx.cancelTimer(timer));
                    CompletionStage<?> probe;
                    try {
                        probe = ready.get();
                    } catch (RuntimeException e) {
                        promise.tryComplete(Status.KO(new JsonObject().put("reason", describe(e))));
                        return;
                    }
                    probe.whenComplete((value, failure) -> promise.tryComplete(failure == null ? Status.OK()
                            : Status.KO(new JsonObject().put("reason", describe(failure)))));
                }));
        if (registry != null) {
            router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
        }
        // HTTP/1.1 only, as the API: a client's h2c upgrade has no business here, and is one more way to stall
        return vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
                .requestHandler(router).listen(port, host);
    }

    /** What failed, without a stack trace or anything the failure's message might carry beyond its first line. */
    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        return cause.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
