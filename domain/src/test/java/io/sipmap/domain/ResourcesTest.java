package io.sipmap.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResourcesTest {

    private static final AccountSid ACCOUNT = AccountSid.ofHex("0".repeat(32));
    private static final IpRecordSid RECORD = IpRecordSid.ofHex("1".repeat(32));
    private static final Instant CREATED = Instant.parse("2020-03-18T23:31:36.789Z");

    @Test
    void timesAreTruncatedToSecondsAsTheWireCarriesThem() {
        var record = new IpRecord(ACCOUNT, RECORD, null, Ipv4Address.parse("10.0.0.1"), 32, CREATED, CREATED);
        assertThat(record.dateCreated()).isEqualTo(Instant.parse("2020-03-18T23:31:36Z"));
        assertThat(record.dateUpdated()).isEqualTo(Instant.parse("2020-03-18T23:31:36Z"));
    }

    @Test
    void friendlyNameIsOptionalAndAtMost255Characters() {
        var ip = Ipv4Address.parse("10.0.0.1");
        assertThat(new IpRecord(ACCOUNT, RECORD, null, ip, 32, CREATED, CREATED).friendlyName()).isNull();
        assertThat(new IpRecord(ACCOUNT, RECORD, "x".repeat(255), ip, 32, CREATED, CREATED).friendlyName()).hasSize(255);
        // 255 characters outside the basic plane are 510 UTF-16 units, and still 255 characters
        String emoji = "\uD83D\uDE00".repeat(255);
        assertThat(new IpRecord(ACCOUNT, RECORD, emoji, ip, 32, CREATED, CREATED).friendlyName()).isEqualTo(emoji);
        assertThatThrownBy(() -> new IpRecord(ACCOUNT, RECORD, "x".repeat(256), ip, 32, CREATED, CREATED))
                .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("FriendlyName"));
    }

    @Test
    void aRecordCoversItsPrefix() {
        var record = new IpRecord(ACCOUNT, RECORD, "edge", Ipv4Address.parse("192.168.0.5"), 24, CREATED, CREATED);
        assertThat(record.prefix()).isEqualTo(new IpPrefix(Ipv4Address.parse("192.168.0.5"), 24));
        assertThat(record.prefix().contains(Ipv4Address.parse("192.168.0.77"))).isTrue();
    }

    @Test
    void withersChangeOneFieldAndTheUpdateTime() {
        var record = new IpRecord(ACCOUNT, RECORD, "a", Ipv4Address.parse("10.0.0.1"), 32, CREATED, CREATED);
        var later = CREATED.plusSeconds(60);
        var renamed = record.withFriendlyName("b", later);
        assertThat(renamed).isEqualTo(new IpRecord(ACCOUNT, RECORD, "b", record.ipAddress(), 32, CREATED, later));

        var mapping = new SourceIpMapping(ACCOUNT, SourceIpMappingSid.ofHex("2".repeat(32)), RECORD,
                SipDomainSid.ofHex("3".repeat(32)), CREATED, CREATED);
        var moved = mapping.withSipDomainSid(SipDomainSid.ofHex("4".repeat(32)), later);
        assertThat(moved.sipDomainSid()).isEqualTo(SipDomainSid.ofHex("4".repeat(32)));
        assertThat(moved.dateCreated()).isEqualTo(mapping.dateCreated());
        assertThat(moved.dateUpdated()).isEqualTo(later.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(moved.ipRecordSid()).isEqualTo(RECORD);
    }

    @Test
    void invalidPrefixLengthNeverBecomesARecord() {
        assertThatThrownBy(() -> new IpRecord(ACCOUNT, RECORD, null, Ipv4Address.parse("10.0.0.1"), 0, CREATED, CREATED))
                .isInstanceOf(SipmapException.InvalidParameter.class);
    }

    @Test
    void exceptionsAreSealedToSixVariants() {
        assertThat(SipmapException.class.getPermittedSubclasses()).extracting(Class::getSimpleName)
                .containsExactlyInAnyOrder("NotFound", "InvalidParameter", "Conflict", "Unavailable", "Upstream",
                        "BatchRefused");
    }

    @Test
    void remoteErrorIsKeptWhenGiven() {
        var remote = new SipmapException.RemoteError(404, 20404, "not found", "https://www.twilio.com/docs/errors/20404");
        assertThat(new SipmapException.NotFound("gone", remote).remote()).contains(remote);
        assertThat(new SipmapException.Conflict("x").remote()).isEmpty();
    }
}
