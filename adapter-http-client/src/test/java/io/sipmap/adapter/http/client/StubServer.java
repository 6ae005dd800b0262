package io.sipmap.adapter.http.client;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A Vert.x server on a free port that records every request and answers with the routes a test gives. */
final class StubServer implements AutoCloseable {

    record Recorded(HttpMethod method, String path, String query, MultiMap headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private final HttpServer server;
    private final List<Recorded> log;

    private StubServer(HttpServer server, List<Recorded> log) {
        this.server = server;
        this.log = log;
    }

    static StubServer start(Vertx vertx, Consumer<Router> routes) throws Exception {
        Router router = Router.router(vertx);
        List<Recorded> log = new CopyOnWriteArrayList<>();
        router.route().handler(BodyHandler.create());
        router.route().handler(ctx -> {
            log.add(new Recorded(ctx.request().method(), ctx.request().path(), ctx.request().query(),
                    MultiMap.caseInsensitiveMultiMap().addAll(ctx.request().headers()),
                    ctx.body().asString()));
            ctx.next();
        });
        routes.accept(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).await(5, TimeUnit.SECONDS);
        return new StubServer(server, log);
    }

    List<Recorded> requests() {
        return log;
    }

    int count() {
        return log.size();
    }

    String baseUrl() {
        return "http://localhost:" + server.actualPort();
    }

    int port() {
        return server.actualPort();
    }

    /** A test resource under {@code /twilio}. */
    static String twilio(String name) {
        try (InputStream in = StubServer.class.getResourceAsStream("/twilio/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource /twilio/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        server.close().await(5, TimeUnit.SECONDS);
    }
}
