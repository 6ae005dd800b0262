package io.sipmap.contract;

import static io.sipmap.contract.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.SipDomainResolver;
import io.sipmap.api.UpdateSourceIpMapping;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SipDomainResolver} promises, driven through the Twilio-shaped use cases of the same system.
 * Each test asks for fresh tenants, so the suite runs on a shared system.
 */
public abstract class SipDomainResolverContract {

    /**
     * A fresh account on the system under test, with a resolver; two calls in one test give two accounts of the same
     * system.
     */
    protected abstract Tenant newTenant();

    private static SipDomainSid domain() {
        return Fixtures.sipDomain();
    }

    private static IpRecord record(Tenant t, String address, int length) {
        return await(t.ipRecords().create(t.account(), CreateIpRecord.of(address).withCidrPrefixLength(length)));
    }

    private static SourceIpMapping map(Tenant t, IpRecord record, SipDomainSid domain) {
        return await(t.sourceIpMappings().create(t.account(), new CreateSourceIpMapping(record.sid(), domain)));
    }

    private static Optional<Resolution> resolve(Tenant t, String address) {
        return await(t.resolver().resolve(t.account(), Ipv4Address.parse(address)));
    }

    @Test
    void namesTheDomainMappingRecordAndPrefixOfTheMostSpecificMappedRecord() {
        Tenant t = newTenant();
        IpRecord office = record(t, "198.51.100.0", 24);
        IpRecord pbx = record(t, "198.51.100.7", 32);
        SourceIpMapping officeMapping = map(t, office, domain());
        SourceIpMapping pbxMapping = map(t, pbx, domain());

        assertThat(resolve(t, "198.51.100.7")).contains(Resolution.of(pbxMapping, pbx));
        assertThat(resolve(t, "198.51.100.8")).contains(Resolution.of(officeMapping, office));
        assertThat(resolve(t, "198.51.101.8")).isEmpty();
    }

    @Test
    void followsUpdatesAndDeletesOfMappings() {
        Tenant t = newTenant();
        IpRecord wide = record(t, "10.0.0.0", 8);
        IpRecord narrow = record(t, "10.20.0.0", 16);
        SourceIpMapping wideMapping = map(t, wide, domain());
        SourceIpMapping narrowMapping = map(t, narrow, domain());

        SipDomainSid moved = domain();
        await(t.sourceIpMappings().update(t.account(), narrowMapping.sid(), new UpdateSourceIpMapping(moved)));
        assertThat(resolve(t, "10.20.30.40").orElseThrow().sipDomainSid()).isEqualTo(moved);

        await(t.sourceIpMappings().delete(t.account(), narrowMapping.sid()));
        assertThat(resolve(t, "10.20.30.40")).contains(Resolution.of(wideMapping, wide));

        await(t.sourceIpMappings().delete(t.account(), wideMapping.sid()));
        await(t.ipRecords().delete(t.account(), wide.sid()));
        assertThat(resolve(t, "10.20.30.40")).isEmpty();
    }

    @Test
    void samePrefixTwiceGoesToTheOlderRecord() {
        Tenant t = newTenant();
        IpRecord older = record(t, "203.0.113.0", 24);
        IpRecord newer = record(t, "203.0.113.0", 24);
        map(t, newer, domain());
        SourceIpMapping olderMapping = map(t, older, domain());
        assertThat(resolve(t, "203.0.113.9")).contains(Resolution.of(olderMapping, older));
    }

    @Test
    void accountsResolveOnlyTheirOwnRecords() {
        Tenant mine = newTenant();
        Tenant theirs = newTenant();
        map(theirs, record(theirs, "10.1.2.3", 32), domain());
        assertThat(resolve(mine, "10.1.2.3")).isEmpty();
        assertThat(resolve(theirs, "10.1.2.3")).isPresent();
    }

    /**
     * One writer creates, updates and deletes the mappings of nested and tied records containing one address, while
     * readers resolve that address. Each write gets a version: the answer expected once it completed. A resolution
     * that started after version c completed and ended before version b began must give the answer of one version in
     * c..b: never a state no write produced (half applied), never one older than a write completed before it began.
     */
    @Test
    void resolutionsDuringWritesSeeCompletedWritesAndNoHalfAppliedState() throws InterruptedException {
        Tenant t = newTenant();
        String address = "10.1.2.3";
        List<IpRecord> records = List.of(record(t, "10.0.0.0", 8), record(t, "10.1.0.0", 16),
                record(t, "10.1.2.0", 24), record(t, "10.1.2.0", 24), record(t, "10.1.2.3", 32));
        int writes = 600;
        Resolution none = new Resolution(domain(), SourceIpMappingSid.ofHex("0".repeat(32)),
                records.get(0).sid(), records.get(0).prefix());
        ConcurrentHashMap<Integer, Resolution> expected = new ConcurrentHashMap<>();
        expected.put(0, none);
        AtomicInteger begun = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();

        int readers = 2;
        List<List<Object[]>> seen = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            List<Object[]> mine = new ArrayList<>();
            seen.add(mine);
            Thread reader = new Thread(() -> {
                try {
                    while (!done.get() && mine.size() < 200_000) {
                        int from = completed.get();
                        Optional<Resolution> answer = t.resolver().resolve(t.account(), Ipv4Address.parse(address))
                                .toCompletableFuture().get(Fixtures.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        int to = begun.get();
                        mine.add(new Object[] {from, to, answer.orElse(none)});
                    }
                } catch (Exception | AssertionError e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "resolver-" + r);
            threads.add(reader);
            reader.start();
        }

        Random random = new Random(7);
        SourceIpMapping[] mappings = new SourceIpMapping[records.size()];
        for (int version = 1; version <= writes; version++) {
            int i = random.nextInt(records.size());
            begun.set(version);
            if (mappings[i] == null) {
                mappings[i] = map(t, records.get(i), domain());
            } else if (random.nextBoolean()) {
                mappings[i] = await(t.sourceIpMappings().update(t.account(), mappings[i].sid(),
                        new UpdateSourceIpMapping(domain())));
            } else {
                await(t.sourceIpMappings().delete(t.account(), mappings[i].sid()));
                mappings[i] = null;
            }
            Resolution winner = none;
            for (int k = 0; k < records.size(); k++) {
                if (mappings[k] != null) {
                    Resolution candidate = Resolution.of(mappings[k], records.get(k));
                    if (winner == none || candidate.beats(winner)) {
                        winner = candidate;
                    }
                }
            }
            expected.put(version, winner);
            assertThat(resolve(t, address).orElse(none)).as("right after write %d", version).isEqualTo(winner);
            completed.set(version);
        }
        done.set(true);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(failures).isEmpty();

        int checked = 0;
        for (List<Object[]> observations : seen) {
            for (Object[] o : observations) {
                int from = (Integer) o[0];
                int to = (Integer) o[1];
                Resolution answer = (Resolution) o[2];
                boolean explained = false;
                for (int v = from; v <= to && !explained; v++) {
                    explained = answer.equals(expected.get(v));
                }
                assertThat(explained).as("answer %s seen between versions %d and %d", answer, from, to).isTrue();
                checked++;
            }
        }
        assertThat(checked).isPositive();
    }
}
