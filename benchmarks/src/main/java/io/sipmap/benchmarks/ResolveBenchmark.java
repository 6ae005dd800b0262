package io.sipmap.benchmarks;

import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.adapter.postgres.PgStores;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
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
 * Resolving random addresses against 100,000 mapped IP records, IPv4 ({@code family=ipv4}: prefix lengths 8..32,
 * uniform) or IPv6 ({@code family=ipv6}: /32, /48, /56, /64 and /128 networks under provider /32s, nested and
 * duplicate ones among them; see {@link ResolvePopulation}), each way in the same run: the {@link PrefixIndex} alone, the in-memory store through its {@code CompletionStage} port, and a linear scan
 * of the same records by the reference rule ({@link Resolution#beats}), over the records as objects and over primitive
 * arrays (the fastest scan there is). Throughput is in operations per second, one operation one lookup. Also the cost
 * of a write: moving one entry of the index (a remove and a put) to a /24 (IPv4) or a /64 (IPv6) and back.
 *
 * <p>{@code addresses}: {@code uniform} draws addresses from the whole IPv4 space; {@code inside} draws them inside a
 * random record's prefix, so that long prefixes are hit too (for IPv6, {@code uniform} draws half of them inside the
 * provider /32s the records are under and half from the whole space). Before measuring, the index is checked against
 * both scans and the store against the index on a sample of the addresses. {@code store}: {@code memory} measures the in-memory
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

    @Param({"ipv4", "ipv6"})
    public String family;

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
    private IpAddress[] probeAddresses;
    private boolean ipv6;
    private long[] networks6;
    private long[] masks6;
    private long[] probes6;
    private IpPrefix[] moves6;
    private IpRecordSid[] keys;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        account = AccountSid.ofHex(ResolvePopulation.hex(0xacL, 0));
        ipv6 = "ipv6".equals(family);
        ResolvePopulation population = ipv6 ? ResolvePopulation.ofIpv6(account, records, addresses, ADDRESSES)
                : ResolvePopulation.of(account, records, addresses, ADDRESSES);
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
        networks6 = population.networks6();
        masks6 = population.masks6();
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
        probes6 = population.probes6();
        probeAddresses = population.addresses();
        if (ipv6) {
            moves6 = new IpPrefix[ADDRESSES];
            for (int i = 0; i < ADDRESSES; i++) {
                moves6[i] = new IpPrefix(probeAddresses[i], 64);
            }
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
            Resolution found = lookup(i);
            Resolution stored = resolutions.resolve(account, probeAddresses[i]).toCompletableFuture().join()
                    .orElse(null);
            if (found == null ? stored != null : !found.equals(stored)) {
                throw new IllegalStateException("the " + store + " store and the index disagree on "
                        + probeAddresses[i]);
            }
        }
        // the index must agree with both scans (a sample: a scan of the records is slow)
        int found = 0;
        for (int i = 0; i < ADDRESSES; i += 16) {
            Resolution expected = lookup(i);
            if (expected != scan(probeAddresses[i]) || expected != scanPrimitive(i)) {
                throw new IllegalStateException("index and scan disagree on " + probeAddresses[i]);
            }
            found += expected == null ? 0 : 1;
        }
        System.out.printf("%n%s %s: %d of %d sampled addresses resolve to a record, %d do not; index, both scans and"
                + " the %s store agree on each%n", family, addresses, found, ADDRESSES / 16, ADDRESSES / 16 - found,
                store);
    }

    private Resolution lookup(int probe) {
        return ipv6 ? index.lookup(probes6[2 * probe], probes6[2 * probe + 1]) : index.lookup(probes[probe]);
    }

    private int nextProbe() {
        return next++ & (ADDRESSES - 1);
    }

    @Benchmark
    public Resolution index() {
        return lookup(nextProbe());
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
        return scanPrimitive(nextProbe());
    }

    /** Moves one entry to a random prefix and back: two writes per operation. */
    @Benchmark
    @OperationsPerInvocation(2)
    public void indexWrite() {
        int i = next++ % records;
        Resolution r = all[i];
        index.put(keys[i], ipv6 ? moves6[i & (ADDRESSES - 1)]
                : new IpPrefix(new Ipv4Address(probes[i & (ADDRESSES - 1)]), 24), r);
        index.put(keys[i], r.prefix(), r);
    }

    private Resolution scan(IpAddress address) {
        Resolution best = null;
        for (Resolution candidate : all) {
            if (candidate.prefix().contains(address) && (best == null || candidate.beats(best))) {
                best = candidate;
            }
        }
        return best;
    }

    private Resolution scanPrimitive(int probe) {
        if (ipv6) {
            return scanPrimitive6(probes6[2 * probe], probes6[2 * probe + 1]);
        }
        int address = probes[probe];
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

    private Resolution scanPrimitive6(long high, long low) {
        int best = -1;
        int bestLength = 0;
        for (int i = 0; i < lengths.length; i++) {
            if ((high & masks6[2 * i]) == networks6[2 * i] && (low & masks6[2 * i + 1]) == networks6[2 * i + 1]
                    && lengths[i] > bestLength) {
                best = i;
                bestLength = lengths[i];
            }
        }
        return best < 0 ? null : all[best];
    }
}
