package io.sipmap.contract;

import static io.sipmap.contract.Fixtures.CREATED;
import static io.sipmap.contract.Fixtures.LATER;
import static io.sipmap.contract.Fixtures.await;
import static io.sipmap.contract.Fixtures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.spi.ResolutionStore;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ResolutionStore} promises, together with the two stores of the same backing system. Each test
 * works in a fresh account, so the suite runs on a shared system.
 *
 * <p>Two instances of one system (two processes over one database) are held to the rest of the promise across
 * instances: a mapping write through one becomes visible to resolutions on the other within
 * {@link #convergenceBound()}, and meanwhile the other never shows part of a write nor goes back to an older state.
 * An adapter whose system lives in one process keeps the defaults, and those tests then run on one instance.
 */
public abstract class ResolutionStoreContract {

    /**
     * The stores under test, resolutions included; called before each test, and may return the same stores every
     * time.
     */
    protected abstract Stores stores();

    /**
     * Another instance of the system behind {@link #stores()}, sharing its data but not its process state (for a
     * database: a second set of stores with its own pool and replica); called before each test. By default the
     * stores themselves, for a system that lives in one process.
     */
    protected Stores secondInstance() {
        return stores();
    }

    /**
     * How long a completed mapping write through one instance may take to be resolved on the other; by default zero,
     * as for {@link #secondInstance()}'s default: a write is visible at once.
     */
    protected Duration convergenceBound() {
        return Duration.ZERO;
    }

    private Stores system;
    private Stores other;
    private AccountSid account;

    @BeforeEach
    void freshAccount() {
        system = stores();
        other = secondInstance();
        assertThat(system.resolutions()).as("the resolutions of the stores under test").isNotNull();
        assertThat(other.resolutions()).as("the resolutions of the second instance").isNotNull();
        account = Fixtures.account();
    }

    private IpRecord record(AccountSid owner, String address, int length) {
        return await(system.ipRecords().insert(new IpRecord(owner, Fixtures.sids().nextIpRecordSid(), null,
                IpAddress.parse(address), length, CREATED, CREATED)));
    }

    private IpRecord record(String address, int length) {
        return record(account, address, length);
    }

    private SourceIpMapping map(IpRecord record, SipDomainSid domain) {
        return await(system.sourceIpMappings().insert(new SourceIpMapping(record.accountSid(),
                Fixtures.sids().nextSourceIpMappingSid(), record.sid(), domain, CREATED, CREATED)));
    }

    private static SipDomainSid domain() {
        return Fixtures.sipDomain();
    }

    private Optional<Resolution> resolve(String address) {
        return await(system.resolutions().resolve(account, IpAddress.parse(address)));
    }

    @Test
    void resolvesIpv6ToTheMappingOfTheLongestContainingPrefix() {
        SourceIpMapping m32 = map(record("2001:db8::", 32), domain());
        IpRecord r48 = record("2001:db8:1::", 48);
        SourceIpMapping m48 = map(r48, domain());
        SourceIpMapping m64 = map(record("2001:db8:1:2::", 64), domain());
        SourceIpMapping m128 = map(record("2001:db8:1:2::3", 128), domain());
        SourceIpMapping m1 = map(record("8000::", 1), domain());

        assertThat(resolve("2001:db8:1:2::3").orElseThrow().mappingSid()).isEqualTo(m128.sid());
        assertThat(resolve("2001:DB8:1:2:0:0:0:4").orElseThrow().mappingSid()).isEqualTo(m64.sid());
        assertThat(resolve("2001:db8:1:3::1")).contains(new Resolution(m48.sipDomainSid(), m48.sid(), r48.sid(),
                new IpPrefix(IpAddress.parse("2001:db8:1::"), 48)));
        assertThat(resolve("2001:db8:ffff::1").orElseThrow().mappingSid()).isEqualTo(m32.sid());
        assertThat(resolve("ffff::1").orElseThrow().mappingSid()).isEqualTo(m1.sid());
        assertThat(resolve("2001:db9::1")).isEmpty();
        assertThat(resolve("::1")).isEmpty();

        assertThat(await(system.sourceIpMappings().delete(account, m64.sid()))).isTrue();
        assertThat(resolve("2001:db8:1:2::4").orElseThrow().mappingSid()).isEqualTo(m48.sid());
    }

    @Test
    void duplicateIpv6NetworksGoToTheOldestRecord() {
        IpRecord older = record("2001:db8:5::", 48);
        IpRecord newer = record("2001:db8:5::77", 48);
        assertThat(older.sid()).isLessThan(newer.sid());
        map(newer, domain());
        SourceIpMapping olderMapping = map(older, domain());
        assertThat(resolve("2001:db8:5:1::1").orElseThrow().mappingSid()).isEqualTo(olderMapping.sid());
        assertThat(resolve("2001:db8:5::9").orElseThrow().prefix().toString()).isEqualTo("2001:db8:5::/48");

        await(system.sourceIpMappings().delete(account, olderMapping.sid()));
        assertThat(resolve("2001:db8:5:1::1").orElseThrow().ipRecordSid()).isEqualTo(newer.sid());
        assertThat(resolve("2001:db8:5:1::1").orElseThrow().prefix().toString()).isEqualTo("2001:db8:5::77/48");
    }

    @Test
    void anIpv4MappedSourceResolvesAsIpv4AndTheFamiliesNeverMix() {
        SourceIpMapping v4 = map(record("192.0.2.0", 24), domain());
        // covers ::ffff:192.0.2.7 as a 128-bit number, and 10.x.x.x's bits as the top of an IPv6 address
        map(record("::", 1), domain());
        map(record("a00::", 8), domain());

        assertThat(resolve("::ffff:192.0.2.7")).isEqualTo(resolve("192.0.2.7"));
        assertThat(resolve("::FFFF:c000:0207").orElseThrow().mappingSid()).isEqualTo(v4.sid());
        assertThat(resolve("::ffff:198.51.100.1")).as("an IPv4 source matches IPv4 records only").isEmpty();
        assertThat(resolve("10.0.0.1")).as("an IPv4 source matches IPv4 records only").isEmpty();
        map(record("10.0.0.0", 8), domain());
        assertThat(resolve("10.0.0.1").orElseThrow().prefix().toString()).isEqualTo("10.0.0.0/8");
        assertThat(resolve("a00::1").orElseThrow().prefix().toString()).isEqualTo("a00::/8");
    }

    @Test
    void ipv6WritesThroughOneInstanceResolveOnTheOtherWithinTheBound() {
        IpRecord wide = record("2001:db8:7::", 48);
        IpRecord narrow = record("2001:db8:7:1::", 64);
        SourceIpMapping base = map(wide, domain());
        SourceIpMapping mapping = map(narrow, domain());
        Convergence converge = new Convergence(other, account, convergenceBound());

        converge.to("2001:db8:7:1::1", Optional.of(Resolution.of(mapping, narrow)));
        converge.to("2001:db8:7:2::1", Optional.of(Resolution.of(base, wide)));

        SourceIpMapping moved = mapping.withSipDomainSid(domain(), LATER);
        await(system.sourceIpMappings().replace(moved));
        converge.to("2001:db8:7:1::1", Optional.of(Resolution.of(moved, narrow)));

        assertThat(await(system.sourceIpMappings().delete(account, mapping.sid()))).isTrue();
        converge.to("2001:db8:7:1::1", Optional.of(Resolution.of(base, wide)));
        IpRecord renamed = wide.withFriendlyName("renamed", LATER);
        assertThat(await(system.ipRecords().replace(renamed))).contains(renamed);
        converge.to("2001:db8:7:1::1", Optional.of(Resolution.of(base, renamed)));
    }

    @Test
    void resolvesToTheMappingOfTheLongestContainingPrefix() {
        SourceIpMapping m8 = map(record("10.0.0.0", 8), domain());
        IpRecord r24 = record("10.1.2.0", 24);
        SourceIpMapping m24 = map(r24, domain());
        SourceIpMapping m32 = map(record("10.1.2.3", 32), domain());

        assertThat(resolve("10.1.2.3").orElseThrow().mappingSid()).isEqualTo(m32.sid());
        assertThat(resolve("10.1.2.4")).contains(new Resolution(m24.sipDomainSid(), m24.sid(), r24.sid(),
                new IpPrefix(Ipv4Address.parse("10.1.2.0"), 24)));
        assertThat(resolve("10.9.9.9").orElseThrow().mappingSid()).isEqualTo(m8.sid());
    }

    @Test
    void noContainingMappedRecordIsAnEmptyAnswer() {
        map(record("10.0.0.0", 8), domain());
        record("192.168.0.0", 16);
        assertThat(resolve("11.0.0.1")).isEmpty();
        assertThat(resolve("192.168.1.1")).isEmpty();
        assertThat(await(system.resolutions().resolve(Fixtures.account(), Ipv4Address.parse("10.0.0.1"))))
                .isEmpty();
    }

    @Test
    void unmappedRecordsTakeNoPart() {
        SourceIpMapping m16 = map(record("10.1.0.0", 16), domain());
        record("10.1.2.0", 24);
        assertThat(resolve("10.1.2.3").orElseThrow().mappingSid()).isEqualTo(m16.sid());
    }

    @Test
    void deletingTheLongestMappingLeavesTheShorterWinning() {
        SourceIpMapping m16 = map(record("10.1.0.0", 16), domain());
        SourceIpMapping m24 = map(record("10.1.2.0", 24), domain());
        assertThat(resolve("10.1.2.3").orElseThrow().mappingSid()).isEqualTo(m24.sid());

        assertThat(await(system.sourceIpMappings().delete(account, m24.sid()))).isTrue();
        assertThat(resolve("10.1.2.3").orElseThrow().mappingSid()).isEqualTo(m16.sid());
        assertThat(await(system.sourceIpMappings().delete(account, m16.sid()))).isTrue();
        assertThat(resolve("10.1.2.3")).isEmpty();
    }

    @Test
    void replacingAMappingChangesTheDomainResolvedTo() {
        SourceIpMapping mapping = map(record("10.1.2.0", 24), domain());
        SipDomainSid other = domain();
        await(system.sourceIpMappings().replace(mapping.withSipDomainSid(other, LATER)));
        assertThat(resolve("10.1.2.3").orElseThrow().sipDomainSid()).isEqualTo(other);
    }

    @Test
    void renamingAMappedRecordKeepsItsResolution() {
        IpRecord record = record("10.1.2.0", 24);
        SourceIpMapping mapping = map(record, domain());
        IpRecord renamed = record.withFriendlyName("renamed", LATER);

        assertThat(await(system.ipRecords().replace(renamed))).contains(renamed);

        assertThat(resolve("10.1.2.3")).contains(Resolution.of(mapping, renamed));
    }

    @Test
    void refusedReplaceOfAMappedRecordLeavesItsResolution() {
        IpRecord record = record("10.1.2.0", 24);
        SourceIpMapping mapping = map(record, domain());

        assertThat(failureOf(system.ipRecords().replace(new IpRecord(account, record.sid(), null,
                Ipv4Address.parse("10.9.9.0"), 24, CREATED, LATER)))).isInstanceOf(IllegalArgumentException.class);
        assertThat(failureOf(system.ipRecords().replace(new IpRecord(account, record.sid(), null,
                record.ipAddress(), 16, CREATED, LATER)))).isInstanceOf(IllegalArgumentException.class);

        assertThat(resolve("10.1.2.3")).contains(Resolution.of(mapping, record));
        assertThat(resolve("10.9.9.1")).isEmpty();
        assertThat(resolve("10.1.200.1")).isEmpty();
    }

    @Test
    void samePrefixTwiceGoesToTheSmallestIpRecordSidWhicheverWasMappedFirst() {
        IpRecord older = record("10.1.2.0", 24);
        IpRecord newer = record("10.1.2.77", 24);
        assertThat(older.sid()).isLessThan(newer.sid());
        map(newer, domain());
        SourceIpMapping olderMapping = map(older, domain());
        assertThat(resolve("10.1.2.3").orElseThrow().mappingSid()).isEqualTo(olderMapping.sid());

        await(system.sourceIpMappings().delete(account, olderMapping.sid()));
        assertThat(resolve("10.1.2.3").orElseThrow().ipRecordSid()).isEqualTo(newer.sid());
    }

    @Test
    void thePrefixIsReportedAsTheRecordHoldsItHostBitsIncluded() {
        map(record("192.168.0.5", 24), domain());
        assertThat(resolve("192.168.0.200").orElseThrow().prefix().toString()).isEqualTo("192.168.0.5/24");
    }

    @Test
    void otherAccountsRecordsTakeNoPart() {
        AccountSid other = Fixtures.account();
        map(record(other, "10.1.2.3", 32), domain());
        SourceIpMapping mine = map(record("10.0.0.0", 8), domain());
        assertThat(resolve("10.1.2.3").orElseThrow().mappingSid()).isEqualTo(mine.sid());
        assertThat(await(system.resolutions().resolve(other, Ipv4Address.parse("10.9.9.9")))).isEmpty();
    }

    @Test
    void writesThroughOneInstanceResolveOnTheOtherWithinTheBound() {
        IpRecord wide = record("10.7.0.0", 16);
        IpRecord narrow = record("10.7.1.0", 24);
        SourceIpMapping base = map(wide, domain());
        SourceIpMapping mapping = map(narrow, domain());
        Convergence converge = new Convergence(other, account, convergenceBound());

        converge.to("10.7.1.1", Optional.of(Resolution.of(mapping, narrow)));
        converge.to("10.7.2.1", Optional.of(Resolution.of(base, wide)));

        SourceIpMapping moved = mapping.withSipDomainSid(domain(), LATER);
        await(system.sourceIpMappings().replace(moved));
        converge.to("10.7.1.1", Optional.of(Resolution.of(moved, narrow)));

        assertThat(await(system.sourceIpMappings().delete(account, mapping.sid()))).isTrue();
        converge.to("10.7.1.1", Optional.of(Resolution.of(base, wide)));

        SourceIpMapping remapped = map(narrow, domain());
        converge.to("10.7.1.1", Optional.of(Resolution.of(remapped, narrow)));

        assertThat(await(system.sourceIpMappings().delete(account, remapped.sid()))).isTrue();
        assertThat(await(system.sourceIpMappings().delete(account, base.sid()))).isTrue();
        converge.to("10.7.1.1", Optional.empty());
    }

    @Test
    void aReaderOnTheOtherInstanceSeesWholeWritesNeverGoingBack() throws Exception {
        IpRecord wide = record("10.8.0.0", 16);
        Resolution base = Resolution.of(map(wide, domain()), wide);
        // the reader starts from the base, which reaches the other instance within the bound like any write
        new Convergence(other, account, convergenceBound()).to("10.8.200.1", Optional.of(base));
        VersionedWrites writes = new VersionedWrites(system, account, base, 4, "10.8.%d.0");
        VersionedWrites.Reader reader = writes.readerOn(other);
        Thread reading = new Thread(reader, "resolution-reader");
        reading.start();
        try {
            reader.awaitReads(0, Fixtures.TIMEOUT_SECONDS); // reading before the first write
            writes.run(240);
            reader.awaitReads(4 * 2, Fixtures.TIMEOUT_SECONDS); // and a round or two more, however quick the writes
        } finally {
            reader.stop();
            reading.join(Fixtures.TIMEOUT_SECONDS * 1000);
        }
        reader.assertSound();
        Convergence converge = new Convergence(other, account, convergenceBound());
        writes.finalStates().forEach(converge::to);
    }
}
