package io.sipmap.benchmarks;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.adapter.postgres.PgStores;
import io.sipmap.api.Batch;
import io.sipmap.api.BatchChange;
import io.sipmap.api.BatchChange.CreateIpRecordChange;
import io.sipmap.api.BatchChange.CreateSourceIpMappingChange;
import io.sipmap.api.Batches;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.service.BatchService;
import io.sipmap.service.ChangeFeedService;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.BatchStore;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * How long one batch creating 10,000 IP records with their mappings (20,000 changes, each its own numbered change)
 * takes: through {@link BatchService} over the in-memory store and over an embedded PostgreSQL, and through
 * {@code POST /sipmap/v1/Batches} with the client, over the same database. Each round writes a fresh account; the
 * first rounds warm the JVM and the database's caches. Run with {@code java -cp ... io.sipmap.benchmarks.BatchApply
 * [records] [rounds]}.
 */
public final class BatchApply {

    private static final SecureRandom RANDOM = new SecureRandom();

    private BatchApply() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Batch batch = batch(records);
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, RANDOM::nextLong);
        System.out.printf("one batch: %,d records + %,d mappings = %,d changes; best and median of %d rounds%n",
                records, records, batch.changes().size(), rounds);

        InMemoryStores memory = InMemoryStores.create();
        measure("in memory, BatchService", rounds, account -> apply(new BatchService(memory.batches(), clock, sids),
                account, batch));

        Vertx vertx = Vertx.vertx();
        try (PgBenchDatabase db = PgBenchDatabase.start()) {
            PgStores pg = PgStores.start(vertx, db.options()).await(60, TimeUnit.SECONDS);
            BatchStore store = pg.batches();
            measure("embedded PostgreSQL, BatchService", rounds,
                    account -> apply(new BatchService(store, clock, sids), account, batch));

            AccountSid account = new AccountSid("AC" + "5".repeat(32));
            var verticle = new SipmapVerticle(new SourceIpMappingService(pg.sourceIpMappings(), clock, sids),
                    new IpRecordService(pg.ipRecords(), clock, sids), null, new ChangeFeedService(pg.changes()),
                    new BatchService(store, clock, sids),
                    SipmapServerOptions.of(Credentials.of(account, "bench-token")).withPort(0));
            vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
            try (SipmapClient client = SipmapClient.builder().baseUrl("http://127.0.0.1:" + verticle.actualPort())
                    .accountCredentials(account, "bench-token").requestTimeout(Duration.ofSeconds(60))
                    .vertx(vertx).build()) {
                // one account for HTTP (the server's credentials); each round adds 10,000 more records to it
                measure("embedded PostgreSQL, POST /sipmap/v1/Batches", rounds,
                        ignored -> apply(client.batches(), account, batch));
            }
            pg.close().await(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static Batch batch(int records) {
        List<BatchChange> changes = new ArrayList<>(2 * records);
        SipDomainSid domain = SipDomainSid.ofHex(String.format("%032x", 1));
        for (int i = 0; i < records; i++) {
            changes.add(new CreateIpRecordChange("r" + i, new CreateIpRecord(
                    new Ipv4Address(0x0a000000 + (i << 8)), "carrier list entry " + i, 24)));
        }
        for (int i = 0; i < records; i++) {
            changes.add(new CreateSourceIpMappingChange(null, "r" + i, domain));
        }
        return new Batch(changes);
    }

    private static int apply(Batches batches, AccountSid account, Batch batch) {
        try {
            return batches.apply(account, batch).toCompletableFuture().get(120, TimeUnit.SECONDS).size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void measure(String what, int rounds, Function<AccountSid, Integer> round) {
        long[] millis = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            AccountSid account = AccountSid.ofHex(String.format("%016x%016x", RANDOM.nextLong(), RANDOM.nextLong()));
            long start = System.nanoTime();
            round.apply(account);
            millis[r] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        long[] sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.printf("%-48s best %,6d ms, median %,6d ms%n", what, sorted[0], sorted[rounds / 2]);
    }
}
