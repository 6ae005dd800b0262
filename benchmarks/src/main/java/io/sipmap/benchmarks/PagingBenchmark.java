package io.sipmap.benchmarks;

import io.sipmap.adapter.inmemory.InMemoryStores;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * A page of 50 mappings from the in-memory store holding 1,000,000, through its {@code CompletionStage} port: the
 * first page (no token), the page after a token at the start (the second page), in the middle and at the end (the
 * last full page), and the page before a token at the end (the previous page, as {@code previous_page_url} asks for
 * it). Keyset paging should cost the same at any depth: the target is {@code deepest / first <= 1.3}; the page by token
 * at the start separates what depth costs from what reading a token costs. Average time per page, in microseconds.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PagingBenchmark</pre>
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

    private SourceIpMappingStore store;
    private AccountSid account;
    private PageRequest first;
    private PageRequest start;
    private PageRequest middle;
    private PageRequest end;
    private PageRequest previous;

    @Setup(Level.Trial)
    public void setUp() {
        InMemoryStores stores = InMemoryStores.create();
        store = stores.sourceIpMappings();
        account = AccountSid.ofHex(String.format("%032x", 0xacL));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        SipDomainSid domain = SipDomainSid.ofHex(String.format("%032x", 1));
        String[] sids = new String[mappings];
        for (int i = 0; i < mappings; i++) {
            // time-ordered like real SIDs: a millisecond prefix, then a counter
            String hex = String.format("%012x%020x", 1_767_225_600_000L + i / 16, i);
            IpRecordSid recordSid = IpRecordSid.ofHex(hex);
            stores.ipRecords().insert(new IpRecord(account, recordSid, null, new Ipv4Address(i * 0x9E3779B1), 32, t, t))
                    .toCompletableFuture().join();
            SourceIpMapping mapping = new SourceIpMapping(account, SourceIpMappingSid.ofHex(hex), recordSid, domain,
                    t, t);
            store.insert(mapping).toCompletableFuture().join();
            sids[i] = mapping.sid().value();
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

    private void check(PageRequest request, boolean hasPrevious) {
        Page<SourceIpMapping> page = page(request);
        if (page.items().size() != PAGE || page.hasPrevious() != hasPrevious) {
            throw new IllegalStateException("unexpected page for " + request);
        }
    }

    private Page<SourceIpMapping> page(PageRequest request) {
        return store.page(account, request).toCompletableFuture().join();
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
