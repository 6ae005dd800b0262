package io.sipmap.benchmarks;

import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.adapter.postgres.PgStores;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Cursor;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.spi.SourceIpMappingStore;
import io.vertx.core.Vertx;
import java.time.Instant;
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
 * A page of 50 mappings from a store holding 1,000,000, through its {@code CompletionStage} port: the
 * first page (no token), the page after a token at the start (the second page), in the middle and at the end (the
 * last full page), and the page before a token at the end (the previous page, as {@code previous_page_url} asks for
 * it). Keyset paging should cost the same at any depth: the target is {@code deepest / first <= 1.3}; the page by token
 * at the start separates what depth costs from what reading a token costs. Average time per page, in microseconds.
 *
 * <p>{@code store} is the in-memory store, or the PostgreSQL store over an embedded PostgreSQL that
 * {@link PgBenchDatabase} starts and fills by SQL (a minute or so for 1,000,000 mappings, per fork); its figures
 * include a round trip to the database over loopback.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PagingBenchmark [-p store=postgres]</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class PagingBenchmark {

    private static final int PAGE = 50;

    @Param("1000000")
    public int mappings;

    @Param({"memory", "postgres"})
    public String store;

    private SourceIpMappingStore mappingStore;
    private Vertx vertx;
    private PgBenchDatabase database;
    private PgStores pgStores;
    private AccountSid account;
    private PageRequest first;
    private PageRequest start;
    private PageRequest middle;
    private PageRequest end;
    private PageRequest previous;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        account = AccountSid.ofHex(String.format("%032x", 0xacL));
        if (store.equals("postgres")) {
            vertx = Vertx.vertx();
            database = PgBenchDatabase.start();
            database.load(vertx, account, mappings);
            pgStores = PgStores.start(vertx, database.options()).await(10, TimeUnit.MINUTES);
            mappingStore = pgStores.sourceIpMappings();
        } else {
            mappingStore = inMemory();
        }
        String[] sids = new String[mappings];
        for (int i = 0; i < mappings; i++) {
            sids[i] = SourceIpMappingSid.ofHex(PgBenchDatabase.hex(i)).value();
        }
        first = PageRequest.first(PAGE);
        start = new PageRequest(PAGE, new Cursor.After(sids[PAGE - 1]));
        middle = new PageRequest(PAGE, new Cursor.After(sids[mappings / 2]));
        end = new PageRequest(PAGE, new Cursor.After(sids[mappings - PAGE - 1]));
        previous = new PageRequest(PAGE, new Cursor.Before(sids[mappings - PAGE]));
        check(first, false);
        check(start, true);
        check(middle, true);
        check(end, true);
        check(previous, true);
    }

    private SourceIpMappingStore inMemory() {
        InMemoryStores stores = InMemoryStores.create();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        SipDomainSid domain = SipDomainSid.ofHex(String.format("%032x", 1));
        for (int i = 0; i < mappings; i++) {
            // time-ordered like real SIDs: a millisecond prefix, then a counter
            String hex = PgBenchDatabase.hex(i);
            IpRecordSid recordSid = IpRecordSid.ofHex(hex);
            stores.ipRecords().insert(new IpRecord(account, recordSid, null, new Ipv4Address(i * 0x9E3779B1), 32, t, t))
                    .toCompletableFuture().join();
            stores.sourceIpMappings().insert(new SourceIpMapping(account, SourceIpMappingSid.ofHex(hex), recordSid,
                    domain, t, t)).toCompletableFuture().join();
        }
        return stores.sourceIpMappings();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (pgStores != null) {
            pgStores.close().await(10, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        if (database != null) {
            database.close();
        }
    }

    private void check(PageRequest request, boolean hasPrevious) {
        Page<SourceIpMapping> page = page(request);
        if (page.items().size() != PAGE || page.hasPrevious() != hasPrevious) {
            throw new IllegalStateException("unexpected page for " + request);
        }
    }

    private Page<SourceIpMapping> page(PageRequest request) {
        return mappingStore.page(account, request).toCompletableFuture().join();
    }

    @Benchmark
    public Page<SourceIpMapping> firstPage() {
        return page(first);
    }

    /** The second page, by the token the first page gives: the start of the list, reached as deeper pages are. */
    @Benchmark
    public Page<SourceIpMapping> startPageByToken() {
        return page(start);
    }

    @Benchmark
    public Page<SourceIpMapping> middlePageByToken() {
        return page(middle);
    }

    @Benchmark
    public Page<SourceIpMapping> lastPageByToken() {
        return page(end);
    }

    @Benchmark
    public Page<SourceIpMapping> previousPageAtTheEnd() {
        return page(previous);
    }
}
