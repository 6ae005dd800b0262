package io.sipmap.benchmarks;

import io.sipmap.adapter.postgres.PgStores;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Ipv4Address;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * How long {@link PgStores#start} takes over a database holding many mappings: the migrations (none left to apply),
 * the pool, LISTEN, and above all the load of the resolution replica. Prints the bulk load's time, then the start-up
 * time of a few instances one after the other, and the heap the last one's replica takes.
 *
 * <pre>java -Xmx2g -cp benchmarks/target/benchmarks.jar io.sipmap.benchmarks.PgStartup [mappings] [runs]</pre>
 */
public final class PgStartup {

    private PgStartup() {
    }

    public static void main(String[] args) throws Exception {
        int mappings = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        AccountSid account = AccountSid.ofHex(String.format("%032x", 0xacL));
        Vertx vertx = Vertx.vertx();
        try (PgBenchDatabase database = PgBenchDatabase.start()) {
            System.out.printf("loaded %,d mappings by SQL in %,d ms%n", mappings,
                    database.load(vertx, account, mappings));
            for (int run = 1; run <= runs; run++) {
                System.gc();
                long before = usedHeap();
                long start = System.nanoTime();
                PgStores stores = PgStores.start(vertx, database.options()).await(10, TimeUnit.MINUTES);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                // the address of the load's record 1, to show the replica answers
                boolean resolves = stores.resolutions().resolve(account,
                                new Ipv4Address((int) (2_654_435_761L - 2_147_483_648L)))
                        .toCompletableFuture().join().isPresent();
                System.gc();
                System.out.printf("run %d: PgStores.start with %,d mappings took %,d ms; replica heap about %,d MB;"
                        + " resolves a loaded address: %s%n", run, mappings, millis, (usedHeap() - before) >> 20,
                        resolves);
                stores.close().await(10, TimeUnit.SECONDS);
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
