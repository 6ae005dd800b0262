package io.sipmap.benchmarks;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast the client streams every mapping from a local server: {@link SipmapVerticle} over in-memory stores holding
 * 100,000 mappings, in this JVM, and {@code SipmapClient.sourceIpMappings().stream(account)} (1,000 a page, following
 * {@code next_page_url}) counting them. Two warm-up walks, then five measured; prints records/s for each and the
 * median.
 *
 * <pre>java -Xmx1g -cp benchmarks/target/benchmarks.jar io.sipmap.benchmarks.StreamThroughput [mappings]</pre>
 */
public final class StreamThroughput {

    private StreamThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long loadStart = System.nanoTime();
        Population population = new Population().mapped(count);
        System.out.printf("stream: %,d mappings loaded in %d ms%n", count,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStart));
        Vertx vertx = Vertx.vertx();
        try {
            var options = SipmapServerOptions.of(Credentials.of(Population.ACCOUNT, Population.AUTH_TOKEN))
                    .withPort(0);
            var verticle = new SipmapVerticle(population.sourceIpMappings, population.ipRecords, options);
            vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
            try (SipmapClient client = SipmapClient.builder()
                    .baseUrl("http://127.0.0.1:" + verticle.actualPort())
                    .accountCredentials(Population.ACCOUNT, Population.AUTH_TOKEN)
                    .build()) {
                double[] rates = new double[5];
                for (int walk = -2; walk < rates.length; walk++) {
                    AtomicLong seen = new AtomicLong();
                    long start = System.nanoTime();
                    long n = client.sourceIpMappings().stream(Population.ACCOUNT)
                            .forEach(m -> seen.incrementAndGet())
                            .toCompletableFuture().get(5, TimeUnit.MINUTES);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (n != count || seen.get() != count) {
                        throw new IllegalStateException("streamed " + n + " of " + count);
                    }
                    double rate = n / seconds;
                    System.out.printf("stream: %s walk: %,d mappings in %.0f ms, %,.0f records/s%n",
                            walk < 0 ? "warm-up" : "measured", n, seconds * 1000, rate);
                    if (walk >= 0) {
                        rates[walk] = rate;
                    }
                }
                Arrays.sort(rates);
                System.out.printf("stream: median %,.0f records/s (%d cpus, load average %s)%n", rates[2],
                        Runtime.getRuntime().availableProcessors(), LoadAverage.now());
            }
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }
}
