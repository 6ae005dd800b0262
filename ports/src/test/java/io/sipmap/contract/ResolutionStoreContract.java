package io.sipmap.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Ipv4Prefix;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.ResolutionStore;
import io.sipmap.spi.SidGenerator;
import io.sipmap.spi.SourceIpMappingStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ResolutionStore} promises, together with the two stores of the same backing system. Each test
 * works in a fresh account, so the suite runs on a shared system.
 */
public abstract class ResolutionStoreContract {

    /** The three stores of one backing system. */
    public record Backing(IpRecordStore ipRecords, SourceIpMappingStore sourceIpMappings, ResolutionStore resolutions) {
    }

    /** The backing system under test; may be the same for every test. */
    protected abstract Backing backing();

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final SidGenerator SIDS = SidGenerator.timeOrdered(Clock.systemUTC(), RANDOM::nextLong);
    private static final Instant T = Instant.parse("2026-03-18T23:31:36Z");

    private Backing stores;
    private AccountSid account;

    @BeforeEach
    void freshAccount() {
        stores = backing();
        account = AccountSid.ofHex(SIDS.nextHex());
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private IpRecord record(AccountSid owner, String address, int length) throws Exception {
        return await(stores.ipRecords().insert(new IpRecord(owner, SIDS.nextIpRecordSid(), null,
                Ipv4Address.parse(address), length, T, T)));
    }

    private IpRecord record(String address, int length) throws Exception {
        return record(account, address, length);
    }

    private SourceIpMapping map(IpRecord record, SipDomainSid domain) throws Exception {
        return await(stores.sourceIpMappings().insert(new SourceIpMapping(record.accountSid(),
                SIDS.nextSourceIpMappingSid(), record.sid(), domain, T, T)));
    }

    private static SipDomainSid domain() {
        return SipDomainSid.ofHex(SIDS.nextHex());
    }

    private Optional<Resolution> resolve(String address) throws Exception {
        return await(stores.resolutions().resolve(account, Ipv4Address.parse(address)));
    }

    @Test
    void resolvesToTheMappingOfTheLongestContainingPrefix() throws Exception {
        SourceIpMapping m8 = map(record("10.0.0.0", 8), domain());
        IpRecord r24 = record("10.1.2.0", 24);
        SourceIpMapping m24 = map(r24, domain());
        SourceIpMapping m32 = map(record("10.1.2.3", 32), domain());

        assertThat(resolve("10.1.2.3").orElseThrow().mappingSid()).isEqualTo(m32.sid());
        assertThat(resolve("10.1.2.4")).contains(new Resolution(m24.sipDomainSid(), m24.sid(), r24.sid(),
                new Ipv4Prefix(Ipv4Address.parse("10.1.2.0"), 24)));
        assertThat(resolve("10.9.9.9").orElseThrow().mappingSid()).isEqualTo(m8.sid());
    }

    @Test
    void noContainingMappedRecordIsAnEmptyAnswer() throws Exception {
        map(record("10.0.0.0", 8), domain());
        record("192.168.0.0", 16);
        assertThat(resolve("11.0.0.1")).isEmpty();
        assertThat(resolve("192.168.1.1")).isEmpty();
        assertThat(await(stores.resolutions().resolve(AccountSid.ofHex(SIDS.nextHex()), Ipv4Address.parse("10.0.0.1"))))
                .isEmpty();
    }

    @Test
    void unmappedRecordsTakeNoPart() throws Exception {
        SourceIpMapping m16 = map(record("10.1.0.0", 16), domain());
        record("10.1.2.0", 24);
        assertThat(resolve("10.1.2.3").orElseThrow().mappingSid()).isEqualTo(m16.sid());
    }

    @Test
    void deletingTheLongestMappingLeavesTheShorterWinning() throws Exception {
        SourceIpMapping m16 = map(record("10.1.0.0", 16), domain());
        SourceIpMapping m24 = map(record("10.1.2.0", 24), domain());
        assertThat(resolve("10.1.2.3").orElseThrow().mappingSid()).isEqualTo(m24.sid());

        assertThat(await(stores.sourceIpMappings().delete(account, m24.sid()))).isTrue();
        assertThat(resolve("10.1.2.3").orElseThrow().mappingSid()).isEqualTo(m16.sid());
        assertThat(await(stores.sourceIpMappings().delete(account, m16.sid()))).isTrue();
        assertThat(resolve("10.1.2.3")).isEmpty();
    }

    @Test
    void replacingAMappingChangesTheDomainResolvedTo() throws Exception {
        SourceIpMapping mapping = map(record("10.1.2.0", 24), domain());
        SipDomainSid other = domain();
        await(stores.sourceIpMappings().replace(mapping.withSipDomainSid(other, T.plusSeconds(1))));
        assertThat(resolve("10.1.2.3").orElseThrow().sipDomainSid()).isEqualTo(other);
    }

    @Test
    void samePrefixTwiceGoesToTheSmallestIpRecordSidWhicheverWasMappedFirst() throws Exception {
        IpRecord older = record("10.1.2.0", 24);
        IpRecord newer = record("10.1.2.77", 24);
        assertThat(older.sid()).isLessThan(newer.sid());
        map(newer, domain());
        SourceIpMapping olderMapping = map(older, domain());
        assertThat(resolve("10.1.2.3").orElseThrow().mappingSid()).isEqualTo(olderMapping.sid());

        await(stores.sourceIpMappings().delete(account, olderMapping.sid()));
        assertThat(resolve("10.1.2.3").orElseThrow().ipRecordSid()).isEqualTo(newer.sid());
    }

    @Test
    void thePrefixIsReportedAsTheRecordHoldsItHostBitsIncluded() throws Exception {
        map(record("192.168.0.5", 24), domain());
        assertThat(resolve("192.168.0.200").orElseThrow().prefix().toString()).isEqualTo("192.168.0.5/24");
    }

    @Test
    void otherAccountsRecordsTakeNoPart() throws Exception {
        AccountSid other = AccountSid.ofHex(SIDS.nextHex());
        map(record(other, "10.1.2.3", 32), domain());
        SourceIpMapping mine = map(record("10.0.0.0", 8), domain());
        assertThat(resolve("10.1.2.3").orElseThrow().mappingSid()).isEqualTo(mine.sid());
        assertThat(await(stores.resolutions().resolve(other, Ipv4Address.parse("10.9.9.9")))).isEmpty();
    }
}
