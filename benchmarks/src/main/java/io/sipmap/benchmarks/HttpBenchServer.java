package io.sipmap.benchmarks;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SourceIpMapping;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The two servers {@code bench/http.sh} drives with wrk, each in its own JVM so that it can be pinned to a core.
 *
 * <ul>
 *   <li>{@code sipmap DIR}: the real server ({@link SipmapVerticle} over the services and in-memory stores, as
 *   {@code SipmapServer} wires them, without the request log), loaded in-process with 10,000 IP records mapped once
 *   each and 1,000 unmapped ones. Loading in-process is quick where 21,000 HTTP requests would take longer than the
 *   benchmark, and it goes through the same services the HTTP handlers call. It writes into DIR what the wrk
 *   scripts cycle through: {@code list.paths} (every page of PageSize=50, the first by {@code Page=0}, the others by
 *   the {@code PageToken} of the walk), {@code fetch.paths} (every mapping, shuffled) and {@code pool.sids} (the
 *   unmapped IP records, for create and delete).</li>
 *   <li>{@code ceiling FILE}: the least a Vert.x server can do for the same request: answer anything with FILE's bytes
 *   (a list page fetched from the real server) from one constant buffer, with a JSON content type.</li>
 * </ul>
 * Both serve 127.0.0.1 on a port of the system's choosing from one verticle (one event loop), and write the port into
 * {@code DIR/<mode>.port} once listening. Usage: {@code java -cp benchmarks.jar io.sipmap.benchmarks.HttpBenchServer
 * sipmap|ceiling DIR [FILE]}.
 */
public final class HttpBenchServer {

    static final int MAPPED = 10_000;
    static final int POOL = 1_000;
    static final int PAGE_SIZE = 50;

    private HttpBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[0].equals("sipmap") || args[0].equals("ceiling" ) && args.length == 3)) {
            System.err.println("usage: HttpBenchServer sipmap DIR | ceiling DIR BODY_FILE");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        Vertx vertx = Vertx.vertx();
        int port;
        if (args[0].equals("sipmap")) {
            long start = System.nanoTime();
            Population population = new Population().mapped(MAPPED).unmapped(POOL);
            writeScriptsInput(population, dir);
            var options = SipmapServerOptions.of(Credentials.of(Population.ACCOUNT, Population.AUTH_TOKEN))
                    .withPort(0);
            var verticle = new SipmapVerticle(population.sourceIpMappings, population.ipRecords, options);
            vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
            port = verticle.actualPort();
            System.out.printf("sipmap: %,d mapped and %,d unmapped IP records loaded in %d ms; listening on %d%n",
                    MAPPED, POOL, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), port);
        } else {
            Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(args[2])));
            var verticle = new Ceiling(body);
            vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
            port = verticle.server.actualPort();
            System.out.printf("ceiling: %,d bytes from a constant buffer; listening on %d%n", body.length(), port);
        }
        Files.writeString(dir.resolve(args[0] + ".port"), port + "\n");
    }

    private static void writeScriptsInput(Population population, Path dir) {
        List<String> list = new ArrayList<>();
        list.add("/v1/SourceIpMappings?PageSize=" + PAGE_SIZE + "&Page=0");
        PageRequest request = PageRequest.first(PAGE_SIZE);
        for (int page = 1; ; page++) {
            Page<SourceIpMapping> p = population.sourceIpMappings.list(Population.ACCOUNT, request)
                    .toCompletableFuture().join();
            if (p.next().isEmpty()) {
                break;
            }
            list.add("/v1/SourceIpMappings?PageSize=" + PAGE_SIZE + "&Page=" + page + "&PageToken="
                    + p.next().get().token());
            request = request.at(p.next().get());
        }
        List<String> fetch = new ArrayList<>();
        population.mappings.forEach(m -> fetch.add("/v1/SourceIpMappings/" + m.sid().value()));
        Collections.shuffle(fetch, new Random(1));
        List<String> pool = new ArrayList<>();
        population.unmapped.forEach(r -> pool.add(r.sid().value()));
        try {
            Files.write(dir.resolve("list.paths"), list, StandardCharsets.US_ASCII);
            Files.write(dir.resolve("fetch.paths"), fetch, StandardCharsets.US_ASCII);
            Files.write(dir.resolve("pool.sids"), pool, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers every request with the same bytes. */
    private static final class Ceiling extends VerticleBase {
        private final Buffer body;
        private volatile HttpServer server;

        Ceiling(Buffer body) {
            this.body = body;
        }

        @Override
        public Future<?> start() {
            server = vertx.createHttpServer().requestHandler(request -> request.response()
                    .putHeader("Content-Type", "application/json")
                    .end(body));
            return server.listen(0, "127.0.0.1");
        }
    }
}
