package io.sipmap.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.api.BatchChange;
import io.sipmap.api.BatchChange.CreateIpRecordChange;
import io.sipmap.api.BatchChange.CreateSourceIpMappingChange;
import io.sipmap.api.BatchChange.DeleteIpRecordChange;
import io.sipmap.api.BatchChange.DeleteSourceIpMappingChange;
import io.sipmap.api.BatchChange.UpdateSourceIpMappingChange;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.service.AddressPlan.Action;
import io.sipmap.service.AddressPlan.Scope;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AddressPlanTest {

    private static final AccountSid ACCOUNT = AccountSid.ofHex("a".repeat(32));
    private static final SipDomainSid A = SipDomainSid.ofHex("a".repeat(32));
    private static final SipDomainSid B = SipDomainSid.ofHex("b".repeat(32));
    private static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");

    private static IpRecord record(int n, String address, int length, String name) {
        return new IpRecord(ACCOUNT, IpRecordSid.ofHex(String.format("%032x", n)), name, Ipv4Address.parse(address),
                length, NOW, NOW);
    }

    private static SourceIpMapping mapping(IpRecord record, SipDomainSid domain) {
        return new SourceIpMapping(ACCOUNT, SourceIpMappingSid.ofHex(record.sid().value().substring(2)),
                record.sid(), domain, NOW, NOW);
    }

    private static AddressList list(String... lines) {
        return AddressList.parseCsv(AddressList.HEADER + "\n" + String.join("\n", lines) + "\n");
    }

    @Test
    void createsRemapsRemovesAndKeepsWithRemovalsFirst() {
        IpRecord kept = record(1, "192.0.2.0", 24, "a-kept");
        IpRecord moved = record(2, "198.51.100.1", 32, "a-moved");
        IpRecord gone = record(3, "203.0.113.0", 28, "a-gone");
        var plan = AddressPlan.of(List.of(kept, moved, gone),
                List.of(mapping(kept, A), mapping(moved, A), mapping(gone, A)),
                list("192.0.2.0,24," + A + ",a-kept", "198.51.100.1,," + B + ",a-moved",
                        "10.0.0.0,8," + A + ",\"a-new, quoted\""), Scope.ALL);

        assertThat(plan.counts()).isEqualTo(Map.of(Action.CREATE, 1, Action.MAP, 0, Action.REMAP, 1,
                Action.RENAME, 0, Action.REMOVE, 1, Action.KEEP, 1));
        List<BatchChange> changes = plan.batch().orElseThrow().changes();
        assertThat(changes.get(0)).isEqualTo(new DeleteSourceIpMappingChange(mapping(gone, A).sid()));
        assertThat(changes.get(1)).isEqualTo(new DeleteIpRecordChange(gone.sid()));
        assertThat(changes.get(2)).isEqualTo(new UpdateSourceIpMappingChange(mapping(moved, A).sid(), B));
        assertThat(changes.get(3)).isInstanceOfSatisfying(CreateIpRecordChange.class,
                c -> assertThat(c.command().friendlyName()).isEqualTo("a-new, quoted"));
        assertThat(changes.get(4)).isInstanceOf(CreateSourceIpMappingChange.class);
        assertThat(plan.summary()).isEqualTo("1 to create, 0 to map, 1 to re-map, 0 to rename, 1 to remove, 1 unchanged");
    }

    @Test
    void anAccountThatHoldsTheListHasNothingToDo() {
        IpRecord r = record(1, "192.0.2.0", 24, null);
        var plan = AddressPlan.of(List.of(r), List.of(mapping(r, A)), list("192.0.2.0,24," + A + ","), Scope.ALL);

        assertThat(plan.batch()).isEmpty();
        assertThat(plan.steps()).extracting(AddressPlan.Step::action).containsExactly(Action.KEEP);
    }

    @Test
    void onlyRecordsInScopeAreComparedOrRemoved() {
        IpRecord mine = record(1, "192.0.2.0", 24, "carrier-a 1");
        IpRecord theirs = record(2, "198.51.100.0", 24, "carrier-b 1");
        IpRecord otherDomain = record(3, "203.0.113.0", 24, "carrier-a 2");
        var records = List.of(mine, theirs, otherDomain);
        var mappings = List.of(mapping(mine, A), mapping(theirs, A), mapping(otherDomain, B));

        var byName = AddressPlan.of(records, mappings, list(), new Scope("carrier-a", null));
        assertThat(byName.steps()).extracting(AddressPlan.Step::action).containsExactly(Action.REMOVE, Action.REMOVE);
        var byDomain = AddressPlan.of(records, mappings, list(), new Scope("carrier-a", A));
        assertThat(byDomain.batch().orElseThrow().changes()).contains(new DeleteIpRecordChange(mine.sid()))
                .hasSize(2);
        assertThatThrownBy(() -> AddressPlan.of(records, mappings, list("10.0.0.1,32," + A + ",other"),
                new Scope("carrier-a", null))).isInstanceOfSatisfying(AddressList.Invalid.class,
                e -> assertThat(e.problems()).containsExactly(
                        "line 2: outside the scope (friendly name starting with \"carrier-a\")"));
    }

    @Test
    void aFileWithErrorsNamesEachLine() {
        assertThatThrownBy(() -> list("192.0.2.300,24," + A + ",x", "192.0.2.0,33," + A + ",x",
                "192.0.2.0,24,SDnope,x", "192.0.2.0,24," + A + ",x", "192.0.2.0,24," + B + ",again", "a,b"))
                .isInstanceOfSatisfying(AddressList.Invalid.class, e -> assertThat(e.problems()).containsExactly(
                        "line 2: bad ip_address '192.0.2.300'",
                        "line 3: bad cidr_prefix_length '33' (0 to 32)",
                        "line 4: bad sip_domain_sid 'SDnope'",
                        "line 6: duplicate of line 5 (192.0.2.0/24)",
                        "line 7: expected 4 fields (" + AddressList.HEADER + ")"));
        assertThatThrownBy(() -> AddressList.parseCsv("ip,prefix\n")).isInstanceOf(AddressList.Invalid.class);
    }

    @Test
    void readsTheSameListAsJson() {
        var list = AddressList.parseJson(List.of(Map.of("ip_address", "192.0.2.0", "cidr_prefix_length", 24,
                "sip_domain_sid", A.value(), "friendly_name", "x")));
        assertThat(list.entries()).singleElement().isEqualTo(new AddressList.Entry(1,
                list("192.0.2.0,24," + A + ",x").entries().get(0).prefix(), A, "x"));
    }

    private static IpRecord record6(int n, String address, int length, String name) {
        return new IpRecord(ACCOUNT, IpRecordSid.ofHex(String.format("%032x", n)), name, IpAddress.parse(address),
                length, NOW, NOW);
    }

    @Test
    void readsIpv6LinesInAnySpellingAsTheirCanonicalNetwork() {
        var list = list("2001:DB8:0:0::,32," + A + ",v6 edge", "2001:db8:0:5::1,," + B + ",v6 host",
                "2001:db8:0:6::,0," + B + ",", "192.0.2.0,24," + A + ",v4");

        assertThat(list.entries()).extracting(e -> e.prefix().toString())
                .containsExactly("2001:db8::/32", "2001:db8:0:5::1/128", "2001:db8:0:6::/128", "192.0.2.0/24");
        var json = AddressList.parseJson(List.of(Map.of("ip_address", "2001:0db8::", "cidr_prefix_length", 32,
                "sip_domain_sid", A.value(), "friendly_name", "v6 edge")));
        assertThat(json.entries()).singleElement().isEqualTo(new AddressList.Entry(1, list.entries().get(0).prefix(),
                A, "v6 edge"));
    }

    @Test
    void anIpv6NetworkListedTwiceInTwoSpellingsIsADuplicate() {
        assertThatThrownBy(() -> list("2001:db8::,32," + A + ",x", "2001:DB8:0:0:0:0:0:0,32," + B + ",y",
                "::ffff:192.0.2.0,24," + A + ",z", "192.0.2.0,24," + A + ",w"))
                .isInstanceOfSatisfying(AddressList.Invalid.class, e -> assertThat(e.problems()).containsExactly(
                        "line 3: duplicate of line 2 (2001:db8::/32)",
                        "line 5: duplicate of line 4 (192.0.2.0/24)"));
        assertThatThrownBy(() -> AddressList.parseJson(List.of(
                Map.of("ip_address", "2001:db8::1", "sip_domain_sid", A.value()),
                Map.of("ip_address", "2001:db8:0::1", "cidr_prefix_length", 128, "sip_domain_sid", A.value()))))
                .isInstanceOfSatisfying(AddressList.Invalid.class, e -> assertThat(e.problems())
                        .containsExactly("item 2: duplicate of item 1 (2001:db8::1/128)"));
    }

    @Test
    void badIpv6LinesAreNamedWithTheirRange() {
        assertThatThrownBy(() -> list("2001:db8::,129," + A + ",x", "fe80::1%eth0,64," + A + ",x",
                "1::2::3,64," + A + ",x"))
                .isInstanceOfSatisfying(AddressList.Invalid.class, e -> assertThat(e.problems()).containsExactly(
                        "line 2: bad cidr_prefix_length '129' (0 to 128)",
                        "line 3: bad ip_address 'fe80::1%eth0'",
                        "line 4: bad ip_address '1::2::3'"));
    }

    @Test
    void plansIpv6RecordsWhateverTheSpellingAndShowsCanonicalText() {
        IpRecord kept = record6(1, "2001:db8::", 32, "v6 kept");
        IpRecord moved = record6(2, "2001:db8:0:5::1", 128, "v6 moved");
        IpRecord gone = record6(3, "2001:db8:ff::", 48, "v6 gone");
        var plan = AddressPlan.of(List.of(kept, moved, gone),
                List.of(mapping(kept, A), mapping(moved, A), mapping(gone, A)),
                list("2001:0DB8:0000::,32," + A + ",v6 kept", "2001:DB8:0:5:0:0:0:1,0," + B + ",v6 moved",
                        "2001:DB8:AA::,48," + A + ",v6 new"), Scope.ALL);

        assertThat(plan.counts()).isEqualTo(Map.of(Action.CREATE, 1, Action.MAP, 0, Action.REMAP, 1,
                Action.RENAME, 0, Action.REMOVE, 1, Action.KEEP, 1));
        assertThat(plan.steps()).extracting(step -> step.prefix().toString()).containsExactlyInAnyOrder(
                "2001:db8::/32", "2001:db8:0:5::1/128", "2001:db8:ff::/48", "2001:db8:aa::/48");
        assertThat(plan.steps().stream().map(Object::toString)).anySatisfy(line -> assertThat(line)
                .startsWith("create  2001:db8:aa::/48"));
        List<BatchChange> changes = plan.batch().orElseThrow().changes();
        assertThat(changes).contains(new DeleteIpRecordChange(gone.sid()),
                new UpdateSourceIpMappingChange(mapping(moved, A).sid(), B));
        assertThat(changes).filteredOn(CreateIpRecordChange.class::isInstance).singleElement()
                .isInstanceOfSatisfying(CreateIpRecordChange.class, c -> {
                    assertThat(c.command().ipAddress()).hasToString("2001:db8:aa::");
                    assertThat(c.command().cidrPrefixLength()).isEqualTo(48);
                });
    }
}
