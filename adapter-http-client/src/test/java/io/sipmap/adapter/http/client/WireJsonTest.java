package io.sipmap.adapter.http.client;

import static io.sipmap.adapter.http.client.StubServer.twilio;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.Cursor;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Ipv6Address;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WireJsonTest {

    static final AccountSid ACCOUNT = new AccountSid("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

    private static JsonObject record() {
        return new JsonObject(twilio("ip_record.json"));
    }

    private static JsonObject mapping() {
        return new JsonObject(twilio("source_ip_mapping.json"));
    }

    @Test
    void ignoresUnknownFields() {
        IpRecord record = WireJson.ipRecord(record().put("region", "us1").put("links", new JsonObject()));

        assertThat(record.sid().value()).isEqualTo("ILaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    }

    @Test
    void acceptsUpperCaseSidsAndEmitsCanonicalOnes() {
        SourceIpMapping m = WireJson.mapping(mapping().put("sid", "IBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), ACCOUNT);

        assertThat(m.sid().value()).isEqualTo("IBaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    }

    @Test
    void acceptsIsoDatesWithAnOffset() {
        SourceIpMapping m = WireJson.mapping(mapping().put("date_created", "2023-05-04T09:42:00+00:00"), ACCOUNT);

        assertThat(m.dateCreated()).isEqualTo(Instant.parse("2023-05-04T09:42:00Z"));
    }

    @Test
    void acceptsNullFriendlyName() {
        assertThat(WireJson.ipRecord(record().putNull("friendly_name")).friendlyName()).isNull();
    }

    @Test
    void rejectsSidOfWrongKindNamingTheField() {
        assertThatThrownBy(() -> WireJson.mapping(mapping().put("ip_record_sid", "SDaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                ACCOUNT))
                .isInstanceOf(SipmapException.Upstream.class)
                .hasMessageContaining("'ip_record_sid'");
    }

    @Test
    void rejectsMissingSidNamingTheField() {
        JsonObject body = mapping();
        body.remove("sid");

        assertThatThrownBy(() -> WireJson.mapping(body, ACCOUNT))
                .isInstanceOf(SipmapException.Upstream.class)
                .hasMessageContaining("'sid'").hasMessageContaining("missing");
    }

    @Test
    void rejectsRfc2822DateNamingTheField() {
        assertThatThrownBy(() -> WireJson.ipRecord(record().put("date_updated", "Wed, 18 Mar 2020 23:31:36 +0000")))
                .isInstanceOf(SipmapException.Upstream.class)
                .hasMessageContaining("'date_updated'").hasMessageContaining("ISO 8601");
    }

    @Test
    void rejectsBadAddressAndPrefixLength() {
        assertThatThrownBy(() -> WireJson.ipRecord(record().put("ip_address", "10.2.3.04")))
                .isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("'ip_address'");
        assertThatThrownBy(() -> WireJson.ipRecord(record().put("cidr_prefix_length", 33)))
                .isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("'cidr_prefix_length'");
        assertThatThrownBy(() -> WireJson.ipRecord(record().putNull("cidr_prefix_length")))
                .isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("'cidr_prefix_length'");
    }

    @Test
    void readsAPrefixLengthOfZeroAsTheWholeAddress() {
        assertThat(WireJson.ipRecord(record().put("cidr_prefix_length", 0)).cidrPrefixLength()).isEqualTo(32);
        assertThatThrownBy(() -> WireJson.ipRecord(record().put("cidr_prefix_length", -1)))
                .isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("'cidr_prefix_length'");
    }

    @Test
    void readsAnIpv6RecordInAnySpellingAndKeepsItsCanonicalText() {
        IpRecord record = WireJson.ipRecord(record().put("ip_address", "2001:DB8:0:0::0:5").put("cidr_prefix_length",
                48));
        assertThat(record.ipAddress()).isInstanceOf(Ipv6Address.class);
        assertThat(record.ipAddress().toString()).isEqualTo("2001:db8::5");
        assertThat(record.cidrPrefixLength()).isEqualTo(48);
        assertThat(WireJson.ipRecord(record().put("ip_address", "2001:db8::5").put("cidr_prefix_length", 128))
                .cidrPrefixLength()).isEqualTo(128);
        assertThat(WireJson.ipRecord(record().put("ip_address", "::1").put("cidr_prefix_length", 0))
                .cidrPrefixLength()).as("0 is the whole address, as for IPv4").isEqualTo(128);
        assertThat(WireJson.ipRecord(record().put("ip_address", "64:ff9b::192.0.2.33")).ipAddress().toString())
                .isEqualTo("64:ff9b::c000:221");
    }

    @Test
    void readsAnIpv4MappedAddressAsTheIpv4AddressItNames() {
        IpRecord record = WireJson.ipRecord(record().put("ip_address", "::ffff:192.0.2.1").put("cidr_prefix_length",
                24));
        assertThat(record.ipAddress()).isEqualTo(Ipv4Address.parse("192.0.2.1"));
        assertThat(record.cidrPrefixLength()).isEqualTo(24);
    }

    @Test
    void rejectsAnIpv6PrefixOver128AndAnIpv4PrefixOver32AsBefore() {
        assertThatThrownBy(() -> WireJson.ipRecord(record().put("ip_address", "2001:db8::").put("cidr_prefix_length",
                129))).isInstanceOf(SipmapException.Upstream.class)
                .hasMessageContaining("'cidr_prefix_length'").hasMessageContaining("from 0 to 128");
        assertThatThrownBy(() -> WireJson.ipRecord(record().put("cidr_prefix_length", 64)))
                .isInstanceOf(SipmapException.Upstream.class)
                .hasMessageContaining("'cidr_prefix_length'").hasMessageContaining("from 0 to 32");
        assertThatThrownBy(() -> WireJson.ipRecord(record().put("ip_address", "fe80::1%eth0")))
                .isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("'ip_address'");
        assertThatThrownBy(() -> WireJson.ipRecord(record().put("ip_address", "2001:db8::1::2")))
                .isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("'ip_address'");
    }

    private static JsonObject page(String next, String previous, JsonObject... items) {
        JsonObject meta = new JsonObject().put("page", 1).put("page_size", 2).put("key", "ip_records")
                .put("url", "https://h/v1/IpRecords?PageSize=2&Page=1").put("first_page_url", "https://h/v1/IpRecords?PageSize=2&Page=0")
                .put("next_page_url", next).put("previous_page_url", previous);
        return new JsonObject().put("meta", meta).put("ip_records", new JsonArray(java.util.List.of((Object[]) items)));
    }

    private static WireJson.RawPage<IpRecord> read(JsonObject body) {
        return WireJson.page(body, "ip_records", IpRecordSid.PREFIX, WireJson::ipRecord, r -> r.sid().value());
    }

    @Test
    void readsCursorsFromOurPageTokens() {
        String sid = "ILaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        WireJson.RawPage<IpRecord> raw = read(page(
                "https://h/v1/IpRecords?PageSize=2&Page=2&PageToken=PA" + sid,
                "https://h/v1/IpRecords?PageSize=2&Page=0&PageToken=PB" + sid, record()));

        assertThat(raw.page().next()).contains(new Cursor.After(sid));
        assertThat(raw.page().previous()).contains(new Cursor.Before(sid));
        assertThat(raw.nextPageUrl()).isEqualTo("https://h/v1/IpRecords?PageSize=2&Page=2&PageToken=PA" + sid);
    }

    @Test
    void opaqueTokenFallsBackToTheKeysetOfTheItemsButKeepsTheUrl() {
        String opaque = "https://h/v1/IpRecords?PageSize=2&Page=2&PageToken=b3BhcXVlLXR3aWxpby10b2tlbg%3D%3D";
        WireJson.RawPage<IpRecord> raw = read(page(opaque, null,
                record().put("sid", "IL00000000000000000000000000000001"),
                record().put("sid", "IL00000000000000000000000000000002")));

        assertThat(raw.page().next()).contains(new Cursor.After("IL00000000000000000000000000000002"));
        assertThat(raw.page().previous()).isEmpty();
        assertThat(raw.nextPageUrl()).isEqualTo(opaque);
    }

    @Test
    void pageWithoutTokenBecomesAnOffset() {
        WireJson.RawPage<IpRecord> raw = read(page("https://h/v1/IpRecords?PageSize=2&Page=3", null, record()));

        assertThat(raw.page().next()).contains(new Cursor.Offset(6));
    }

    @Test
    void namesTheItemWhoseFieldIsBad() {
        assertThatThrownBy(() -> read(page(null, null, record(), record().put("sid", "nope"))))
                .isInstanceOf(SipmapException.Upstream.class)
                .hasMessageContaining("ip_records[1]").hasMessageContaining("'sid'");
    }

    @Test
    void rejectsPageWithoutMetaOrItems() {
        assertThatThrownBy(() -> read(new JsonObject().put("ip_records", new JsonArray())))
                .isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("'meta'");
        JsonObject noItems = page(null, null);
        noItems.remove("ip_records");
        assertThatThrownBy(() -> read(noItems))
                .isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("'ip_records'");
    }

    @Test
    void findsTheParameterNamedInAnErrorMessage() {
        assertThat(RemoteErrors.parameterOf(20001, "Invalid IpAddress: expected an IPv4 address")).isEqualTo("IpAddress");
        assertThat(RemoteErrors.parameterOf(20001, "Missing required parameter SipDomainSid in the post body"))
                .isEqualTo("SipDomainSid");
        assertThat(RemoteErrors.parameterOf(20001, "Invalid CidrPrefixLength: 33")).isEqualTo("CidrPrefixLength");
        assertThat(RemoteErrors.parameterOf(20007, "Page size too large")).isEqualTo("PageSize");
        assertThat(RemoteErrors.parameterOf(21481, "Invalid token")).isEqualTo("PageToken");
        assertThat(RemoteErrors.parameterOf(20001, "Something was wrong")).isEqualTo("unknown");
    }

    @Test
    void readsRetryAfterInSecondsOrAsHttpDate() {
        assertThat(Transport.retryAfterMillis("2")).isEqualTo(2000);
        assertThat(Transport.retryAfterMillis(null)).isEqualTo(-1);
        assertThat(Transport.retryAfterMillis("soon")).isEqualTo(-1);
        assertThat(Transport.retryAfterMillis("Wed, 21 Oct 2015 07:28:00 GMT")).isZero();
    }

    @Test
    void backoffDoublesUpToItsCap() {
        RetryPolicy policy = new RetryPolicy(10, java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(1000),
                java.time.Duration.ofSeconds(10));

        assertThat(policy.backoffMillis(1)).isEqualTo(100);
        assertThat(policy.backoffMillis(2)).isEqualTo(200);
        assertThat(policy.backoffMillis(4)).isEqualTo(800);
        assertThat(policy.backoffMillis(5)).isEqualTo(1000);
        assertThat(policy.backoffMillis(60)).isEqualTo(1000);
    }

    @Test
    void mappingIdsAreTypedByKind() {
        assertThat(WireJson.mapping(mapping(), ACCOUNT).sid()).isInstanceOf(SourceIpMappingSid.class);
    }

    private static JsonObject exportEntry() {
        return new JsonObject().put("ip_address", "10.1.0.0").put("cidr_prefix_length", 16)
                .put("ip_record_sid", "IL" + "c".repeat(32)).put("ip_record_address", "10.1.2.3")
                .put("source_ip_mapping_sid", "IB" + "b".repeat(32)).put("sip_domain_sid", "SD" + "a".repeat(32));
    }

    @Test
    void readsTheAddressExportWithTheRecordsOwnAddressAndItsOpaqueEventId() {
        WireJson.AddressExport export = WireJson.addressExport(new JsonObject().put("last_event_id", "42-0a1b2c3d")
                .put("entries", new JsonArray().add(exportEntry())));
        assertThat(export.lastEventId()).isEqualTo(ChangeId.of(42, 0x0a1b2c3d));
        assertThat(export.entries()).singleElement().satisfies(e -> {
            assertThat(e.prefix().toString()).isEqualTo("10.1.2.3/16");
            assertThat(e.ipRecordSid().value()).isEqualTo("IL" + "c".repeat(32));
            assertThat(e.mappingSid().value()).isEqualTo("IB" + "b".repeat(32));
            assertThat(e.sipDomainSid().value()).isEqualTo("SD" + "a".repeat(32));
        });
        assertThat(WireJson.addressExport(new JsonObject().put("last_event_id", "0").put("entries", new JsonArray()))
                .lastEventId().seq()).isZero();
    }

    @Test
    void refusesAnAddressExportThatDoesNotRead() {
        assertThatThrownBy(() -> WireJson.addressExport(new JsonObject().put("last_event_id", "-1")
                .put("entries", new JsonArray()))).isInstanceOf(SipmapException.Upstream.class)
                .hasMessageContaining("last_event_id");
        assertThatThrownBy(() -> WireJson.addressExport(new JsonObject().put("last_event_id", "5-h1")
                .put("entries", new JsonArray()))).isInstanceOf(SipmapException.Upstream.class)
                .hasMessageContaining("last_event_id");
        assertThatThrownBy(() -> WireJson.addressExport(new JsonObject().put("last_event_id", "1")))
                .isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("entries");
        assertThatThrownBy(() -> WireJson.addressExport(new JsonObject().put("last_event_id", "1")
                .put("entries", new JsonArray().add(exportEntry().put("cidr_prefix_length", 33)))))
                .isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("entries[0]")
                .hasMessageContaining("cidr_prefix_length");
        // an export from before ip_record_address: old servers are not supported
        JsonObject networkOnly = exportEntry();
        networkOnly.remove("ip_record_address");
        assertThatThrownBy(() -> WireJson.addressExport(new JsonObject().put("last_event_id", "1")
                .put("entries", new JsonArray().add(networkOnly)))).isInstanceOf(SipmapException.Upstream.class)
                .hasMessageContaining("ip_record_address");
    }

    @Test
    void readsAMappingsEventWithItsRecordsPrefixAndAnIpRecordsEventAsTheRecord() {
        ChangeId id = ChangeId.parse("id", "5-0a1b2c3d");
        Change mapped = WireJson.change(id, "source_ip_mapping.created", mapping()
                .put("ip_record_address", "198.51.100.7").put("cidr_prefix_length", 24).encode(), ACCOUNT);
        assertThat(mapped.kind()).isEqualTo(Change.Kind.SOURCE_IP_MAPPING_CREATED);
        assertThat(mapped.id()).isEqualTo(id);
        assertThat(mapped.ipRecordPrefix().toString()).isEqualTo("198.51.100.7/24");

        Change recorded = WireJson.change(id, "ip_record.deleted", record().encode(), ACCOUNT);
        assertThat(recorded.kind()).isEqualTo(Change.Kind.IP_RECORD_DELETED);
        assertThat(recorded.ipRecordPrefix()).isNull();
    }

    @Test
    void readsIpv6InTheExportTheEventsAndAResolution() {
        WireJson.AddressExport export = WireJson.addressExport(new JsonObject().put("last_event_id", "3-0a1b2c3d")
                .put("entries", new JsonArray().add(exportEntry().put("ip_address", "2001:db8:a::")
                        .put("ip_record_address", "2001:DB8:A::7").put("cidr_prefix_length", 48))
                        .add(exportEntry())));
        assertThat(export.entries()).extracting(e -> e.prefix().toString())
                .containsExactly("2001:db8:a::7/48", "10.1.2.3/16");

        Change mapped = WireJson.change(ChangeId.parse("id", "4-0a1b2c3d"), "source_ip_mapping.updated", mapping()
                .put("ip_record_address", "2001:db8::0:1").put("cidr_prefix_length", 127).encode(), ACCOUNT);
        assertThat(mapped.ipRecordPrefix().toString()).isEqualTo("2001:db8::1/127");

        JsonObject resolution = new JsonObject().put("resolution", new JsonObject()
                .put("sip_domain_sid", "SD" + "a".repeat(32)).put("source_ip_mapping_sid", "IB" + "b".repeat(32))
                .put("ip_record_sid", "IL" + "c".repeat(32)).put("ip_address", "2001:db8::")
                .put("cidr_prefix_length", 32));
        assertThat(WireJson.resolution(resolution).orElseThrow().prefix().toString()).isEqualTo("2001:db8::/32");
        assertThatThrownBy(() -> WireJson.addressExport(new JsonObject().put("last_event_id", "1")
                .put("entries", new JsonArray().add(exportEntry().put("ip_record_address", "2001:db8::")
                        .put("cidr_prefix_length", 129))))).isInstanceOf(SipmapException.Upstream.class)
                .hasMessageContaining("entries[0]").hasMessageContaining("cidr_prefix_length");
    }

    @Test
    void refusesAnEventOfUnknownTypeOrAMappingsEventWithoutItsRecordsAddress() {
        ChangeId id = ChangeId.parse("id", "5");
        assertThatThrownBy(() -> WireJson.change(id, "sip_domain.created", "{}", ACCOUNT))
                .isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("sip_domain.created");
        assertThatThrownBy(() -> WireJson.change(id, "source_ip_mapping.updated", mapping().encode(), ACCOUNT))
                .isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("ip_record_address");
        assertThatThrownBy(() -> WireJson.change(id, "ip_record.created", "{not json", ACCOUNT))
                .isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("data");
    }
}
