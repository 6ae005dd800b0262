package io.sipmap.benchmarks;

import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.adapter.postgres.PgStores;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.PrefixIndex;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.spi.ResolutionStore;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Resolving random addresses against 100,000 mapped IP records of prefix lengths 8..32 (uniform), each way in the same
 * run: the {@link PrefixIndex} alone, the in-memory store through its {@code CompletionStage} port, and a linear scan
 * of the same records by the reference rule ({@link Resolution#beats}), over the records as objects and over primitive
 * arrays (the fastest scan there is). Throughput is in operations per second, one operation one lookup. Also the cost
 * of a write: moving one entry of the index (a remove and a put).
 *
 * <p>{@code addresses}: {@code uniform} draws addresses from the whole IPv4 space; {@code inside} draws them inside a
 * random record's prefix, so that long prefixes are hit too. {@code store}: {@code memory} measures the in-memory
 * store; {@code postgres} writes the same records into an embedded PostgreSQL (by SQL, as the stores write them) and
 * measures the resolution store of {@link PgStores} over it: its replica, loaded at start.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResolveBenchmark {

    private static final int ADDRESSES = 1 << 12;

    @Param("100000")
    public int records;

    @Param({"uniform", "inside"})
    public String addresses;

    @Param("memory")
    public String store;

    private PrefixIndex<IpRecordSid, Resolution> index;
    private ResolutionStore resolutions;
    private PgBenchDatabase database;
    private Vertx vertx;
    private PgStores pgStores;
    private AccountSid account;
    private Resolution[] all;
    private int[] networks;
    private int[] masks;
    private int[] lengths;
    private int[] probes;
    private Ipv4Address[] probeAddresses;
    private IpRecordSid[] keys;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        account = AccountSid.ofHex(ResolvePopulation.hex(0xacL, 0));
        ResolvePopulation population = ResolvePopulation.of(account, records, addresses, ADDRESSES);
        InMemoryStores stores = InMemoryStores.create();
        resolutions = stores.resolutions();
        population.writeTo(stores.ipRecords(), stores.sourceIpMappings());
        List<IpRecord> written = population.records();
        List<SourceIpMapping> mapped = population.mappings();
        index = new PrefixIndex<>();
        all = new Resolution[records];
        keys = new IpRecordSid[records];
        networks = population.networks();
        masks = population.masks();
        lengths = new int[records];
        for (int i = 0; i < records; i++) {
            IpRecord record = written.get(i);
            Resolution resolution = Resolution.of(mapped.get(i), record);
            index.put(record.sid(), record.prefix(), resolution);
            all[i] = resolution;
            keys[i] = record.sid();
            lengths[i] = record.cidrPrefixLength();
        }
        probes = population.probes();
        probeAddresses = new Ipv4Address[ADDRESSES];
        for (int i = 0; i < ADDRESSES; i++) {
            probeAddresses[i] = new Ipv4Address(probes[i]);
        }
        if ("postgres".equals(store)) {
            try {
                database = PgBenchDatabase.start();
                vertx = Vertx.vertx();
                database.load(vertx, account, written, mapped);
                pgStores = PgStores.start(vertx, database.options()).await(300, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("could not start the PostgreSQL store", e);
            }
            resolutions = pgStores.resolutions();
        }
        // the index must agree with both scans (a sample: a scan of the records is slow), and the store with it
        for (int i = 0; i < ADDRESSES; i += 16) {
            Resolution found = index.lookup(probes[i]);
            Resolution stored = resolutions.resolve(account, probeAddresses[i]).toCompletableFuture().join()
                    .orElse(null);
            if (found == null ? stored != null : !found.equals(stored)) {
                throw new IllegalStateException("the " + store + " store and the index disagree on "
                        + probeAddresses[i]);
            }
        }
        // the index must agree with both scans (a sample: a scan of the records is slow)
        for (int i = 0; i < ADDRESSES; i += 16) {
            Resolution found = index.lookup(probes[i]);
            if (found != scan(probeAddresses[i]) || found != scanPrimitive(probes[i])) {
                throw new IllegalStateException("index and scan disagree on " + probeAddresses[i]);
            }
        }
    }

    private int nextProbe() {
        return next++ & (ADDRESSES - 1);
    }

    @Benchmark
    public Resolution index() {
        return index.lookup(probes[nextProbe()]);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (pgStores != null) {
            pgStores.close().await(30, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
        if (database != null) {
            database.close();
        }
    }

    @Benchmark
    public Optional<Resolution> store() {
        return resolutions.resolve(account, probeAddresses[nextProbe()]).toCompletableFuture().join();
    }

    @Benchmark
    public Resolution linearScan() {
        return scan(probeAddresses[nextProbe()]);
    }

    @Benchmark
    public Resolution linearScanPrimitive() {
        return scanPrimitive(probes[nextProbe()]);
    }

    /** Moves one entry to a random prefix and back: two writes per operation. */
    @Benchmark
    @OperationsPerInvocation(2)
    public void indexWrite() {
        int i = next++ % records;
        Resolution r = all[i];
        index.put(keys[i], new IpPrefix(new Ipv4Address(probes[i & (ADDRESSES - 1)]), 24), r);
        index.put(keys[i], r.prefix(), r);
    }

    private Resolution scan(Ipv4Address address) {
        Resolution best = null;
        for (Resolution candidate : all) {
            if (candidate.prefix().contains(address) && (best == null || candidate.beats(best))) {
                best = candidate;
            }
        }
        return best;
    }

    private Resolution scanPrimitive(int address) {
        int best = -1;
        int bestLength = 0;
        for (int i = 0; i < networks.length; i++) {
            // records were made in SID order, so on a tie the first seen has the smallest SID
            if ((address & masks[i]) == networks[i] && lengths[i] > bestLength) {
                best = i;
                bestLength = lengths[i];
            }
        }
        return best < 0 ? null : all[best];
    }
}
