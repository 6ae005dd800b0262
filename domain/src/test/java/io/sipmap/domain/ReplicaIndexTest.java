package io.sipmap.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.domain.ReplicaIndex.Outcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaIndexTest {

    static final AccountSid ACCOUNT = new AccountSid("AC" + "ab".repeat(16));
    static final Instant T = Instant.parse("2026-12-01T16:00:00Z");
    static final SipDomainSid OFFICE = SipDomainSid.ofHex("0".repeat(31) + "a");
    static final SipDomainSid PBX = SipDomainSid.ofHex("0".repeat(31) + "b");

    static IpRecordSid record(int n) {
        return IpRecordSid.ofHex(String.format("%032x", n));
    }

    static SourceIpMappingSid mapping(int n) {
        return SourceIpMappingSid.ofHex(String.format("%032x", n));
    }

    static IpPrefix prefix(String text) {
        String[] parts = text.split("/");
        return new IpPrefix(Ipv4Address.parse(parts[0]), Integer.parseInt(parts[1]));
    }

    static ChangeId id(long seq) {
        return ChangeId.of(seq, (int) seq * 7919);
    }

    static Change mapped(long seq, Change.Kind kind, int mapping, int record, SipDomainSid domain, String prefix) {
        return new Change(id(seq), kind, new SourceIpMapping(ACCOUNT, mapping(mapping), record(record), domain, T, T),
                prefix(prefix));
    }

    static Change recordChange(long seq, Change.Kind kind, int record, String prefix) {
        IpPrefix p = prefix(prefix);
        return new Change(id(seq), kind, new IpRecord(ACCOUNT, record(record), null, p.address(), p.length(), T, T),
                null);
    }

    private static SipDomainSid at(ReplicaIndex index, String address) {
        Resolution r = index.lookup(Ipv4Address.parse(address).bits());
        return r == null ? null : r.sipDomainSid();
    }

    private final ReplicaIndex index = new ReplicaIndex(0, List.of());

    @Test
    void appliesTheNextChangeAndKeepsTheRecordsOwnAddress() {
        assertThat(index.apply(recordChange(1, Change.Kind.IP_RECORD_CREATED, 1, "198.51.100.5/24")))
                .isEqualTo(Outcome.APPLIED);
        assertThat(index.size()).isZero();
        assertThat(index.apply(mapped(2, Change.Kind.SOURCE_IP_MAPPING_CREATED, 1, 1, OFFICE, "198.51.100.5/24")))
                .isEqualTo(Outcome.APPLIED);

        Resolution r = index.lookup(Ipv4Address.parse("198.51.100.200").bits());
        assertThat(r).isEqualTo(new Resolution(OFFICE, mapping(1), record(1), prefix("198.51.100.5/24")));
        assertThat(index.seq()).isEqualTo(2);
        assertThat(index.ofMapping(mapping(1))).contains(r);
    }

    @Test
    void anOlderChangeIsAlreadySeenAndANewerOneIsAGapBothChangingNothing() {
        index.apply(mapped(1, Change.Kind.SOURCE_IP_MAPPING_CREATED, 1, 1, OFFICE, "10.0.0.0/8"));

        assertThat(index.apply(mapped(1, Change.Kind.SOURCE_IP_MAPPING_UPDATED, 1, 1, PBX, "10.0.0.0/8")))
                .isEqualTo(Outcome.ALREADY_SEEN);
        assertThat(index.apply(mapped(3, Change.Kind.SOURCE_IP_MAPPING_DELETED, 1, 1, OFFICE, "10.0.0.0/8")))
                .isEqualTo(Outcome.GAP);
        assertThat(at(index, "10.1.2.3")).isEqualTo(OFFICE);
        assertThat(index.seq()).isEqualTo(1);
    }

    @Test
    void anUpdateMovesTheRecordToItsNewDomainAndADeletionUnmapsIt() {
        index.apply(mapped(1, Change.Kind.SOURCE_IP_MAPPING_CREATED, 1, 1, OFFICE, "10.0.0.0/8"));
        index.apply(mapped(2, Change.Kind.SOURCE_IP_MAPPING_UPDATED, 1, 1, PBX, "10.0.0.0/8"));
        assertThat(at(index, "10.9.9.9")).isEqualTo(PBX);

        index.apply(mapped(3, Change.Kind.SOURCE_IP_MAPPING_DELETED, 1, 1, PBX, "10.0.0.0/8"));
        assertThat(at(index, "10.9.9.9")).isNull();
        assertThat(index.ofMapping(mapping(1))).isEmpty();
        assertThat(index.size()).isZero();
    }

    @Test
    void theDeletionOfAnOlderMappingLeavesTheRecordsNewerMappingAlone() {
        // a snapshot can already hold the record's new mapping when the old one's deletion is replayed after it
        ReplicaIndex loaded = new ReplicaIndex(4, List.of(
                new Resolution(PBX, mapping(2), record(1), prefix("10.0.0.0/8"))));
        assertThat(loaded.apply(mapped(5, Change.Kind.SOURCE_IP_MAPPING_DELETED, 1, 1, OFFICE, "10.0.0.0/8")))
                .isEqualTo(Outcome.APPLIED);
        assertThat(at(loaded, "10.0.0.1")).isEqualTo(PBX);
    }

    @Test
    void aSnapshotAnswersLongestPrefixThenOldestRecord() {
        ReplicaIndex loaded = new ReplicaIndex(7, List.of(
                new Resolution(OFFICE, mapping(1), record(2), prefix("192.0.2.0/24")),
                new Resolution(PBX, mapping(2), record(1), prefix("192.0.2.9/24")),
                new Resolution(OFFICE, mapping(3), record(3), prefix("192.0.2.7/32"))));
        assertThat(loaded.seq()).isEqualTo(7);
        assertThat(at(loaded, "192.0.2.1")).as("the older record of one network").isEqualTo(PBX);
        assertThat(at(loaded, "192.0.2.7")).isEqualTo(OFFICE);
        assertThat(loaded.size()).isEqualTo(3);
    }

    @Test
    void aSnapshotNamingARecordOrMappingTwiceIsRefused() {
        assertThatThrownBy(() -> new ReplicaIndex(1, List.of(
                new Resolution(OFFICE, mapping(1), record(1), prefix("10.0.0.0/8")),
                new Resolution(PBX, mapping(2), record(1), prefix("10.0.0.0/8")))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplicaIndex(-1, List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
