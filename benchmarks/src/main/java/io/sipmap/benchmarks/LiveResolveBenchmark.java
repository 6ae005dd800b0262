package io.sipmap.benchmarks;

import io.sipmap.adapter.http.client.LiveSipDomainResolver;
import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.PrefixIndex;
import io.sipmap.domain.Resolution;
import io.sipmap.service.ChangeFeedService;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.ResolutionStore;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The client's live replica against the in-memory store it replicates, resolving the same random addresses over the
 * same 100,000 mapped IP records of prefix lengths 8..32 (as {@link ResolveBenchmark} makes them): {@code replica}
 * through {@link LiveSipDomainResolver#resolve} (its {@code CompletionStage}, already complete), {@code memoryStore}
 * through the in-memory store's, and {@code index} a bare {@link PrefixIndex} lookup of the same records. The replica
 * is loaded over a real socket from a server in this process (the services over the in-memory store, with the change
 * feed), and checked to agree with the store on a sample before measuring.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LiveResolveBenchmark {

    private static final int ADDRESSES = 1 << 12;
    private static final AccountSid ACCOUNT = AccountSid.ofHex(String.format("%032x", 0xacL));
    private static final String TOKEN = "bench-token";

    @Param("100000")
    public int records;

    @Param({"uniform", "inside"})
    public String addresses;

    private Vertx vertx;
    private SipmapClient client;
    private LiveSipDomainResolver replica;
    private ResolutionStore store;
    private PrefixIndex<IpRecordSid, Resolution> index;
    private Ipv4Address[] probes;
    private int[] probeBits;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ResolvePopulation population = ResolvePopulation.of(ACCOUNT, records, addresses, ADDRESSES);
        InMemoryStores stores = InMemoryStores.create();
        population.writeTo(stores.ipRecords(), stores.sourceIpMappings());
        index = new PrefixIndex<>();
        for (int i = 0; i < records; i++) {
            IpRecord record = population.records().get(i);
            index.put(record.sid(), record.prefix(), Resolution.of(population.mappings().get(i), record));
        }
        probeBits = population.probes();
        probes = new Ipv4Address[ADDRESSES];
        for (int i = 0; i < ADDRESSES; i++) {
            probes[i] = new Ipv4Address(probeBits[i]);
        }
        store = stores.resolutions();

        vertx = Vertx.vertx();
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        SipmapVerticle server = new SipmapVerticle(new SourceIpMappingService(stores.sourceIpMappings(), clock, sids),
                new IpRecordService(stores.ipRecords(), clock, sids), new ResolutionService(stores.resolutions()),
                new ChangeFeedService(stores.changes()),
                SipmapServerOptions.of(Credentials.of(ACCOUNT, TOKEN)).withPort(0));
        vertx.deployVerticle(server).await(30, TimeUnit.SECONDS);
        client = SipmapClient.builder().baseUrl("http://127.0.0.1:" + server.actualPort())
                .accountCredentials(ACCOUNT, TOKEN).vertx(vertx).build();
        long loading = System.nanoTime();
        replica = client.liveResolver(ACCOUNT);
        replica.ready().toCompletableFuture().get(120, TimeUnit.SECONDS);
        System.err.printf("%nthe replica of %,d mapped IP records was ready in %,d ms%n", records,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loading));
        if (replica.size() != records) {
            throw new IllegalStateException("the replica holds " + replica.size() + " records, not " + records);
        }
        for (int i = 0; i < ADDRESSES; i++) {
            Optional<Resolution> fromReplica = replica.resolve(ACCOUNT, probes[i]).toCompletableFuture().join();
            Optional<Resolution> fromStore = store.resolve(ACCOUNT, probes[i]).toCompletableFuture().join();
            if (!fromReplica.equals(fromStore) || !fromStore.equals(Optional.ofNullable(index.lookup(probeBits[i])))) {
                throw new IllegalStateException("the replica, the store and the index disagree on " + probes[i]);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        replica.close();
        client.close();
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    private int nextProbe() {
        return next++ & (ADDRESSES - 1);
    }

    @Benchmark
    public Optional<Resolution> replica() {
        return replica.resolve(ACCOUNT, probes[nextProbe()]).toCompletableFuture().join();
    }

    @Benchmark
    public Optional<Resolution> memoryStore() {
        return store.resolve(ACCOUNT, probes[nextProbe()]).toCompletableFuture().join();
    }

    @Benchmark
    public Resolution index() {
        return index.lookup(probeBits[nextProbe()]);
    }
}
