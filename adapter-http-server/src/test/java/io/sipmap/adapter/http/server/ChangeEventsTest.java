package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.AddressSnapshot;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The feed's frames and the JSON export, byte for byte as a JSON library writes the same values. */
class ChangeEventsTest {

    private static final String BASE = "http://h\u00e9st:8080/base";
    private static final AccountSid ACCOUNT = AccountSid.ofHex("0".repeat(31) + "1");
    private static final Instant CREATED = Instant.parse("2026-12-01T16:34:33Z");
    private static final IpRecord RECORD = new IpRecord(ACCOUNT, IpRecordSid.ofHex("1".repeat(32)), "edge \"1\"",
            Ipv4Address.parse("198.51.100.7"), 24, CREATED, CREATED.plusSeconds(5));
    private static final SourceIpMapping MAPPING = new SourceIpMapping(ACCOUNT, SourceIpMappingSid.ofHex("2".repeat(32)),
            RECORD.sid(), SipDomainSid.ofHex("3".repeat(32)), CREATED, CREATED);

    private static String frame(Change change) {
        return new String(ChangeEvents.encode(change, ChangeEvents.Writers.of(BASE)), StandardCharsets.UTF_8);
    }

    @Test
    void aRecordsEventIsItsIdItsKindAndTheRecordAsAGetAnswersIt() {
        String expected = new JsonObject().put("account_sid", ACCOUNT.value()).put("sid", RECORD.sid().value())
                .put("friendly_name", "edge \"1\"").put("ip_address", "198.51.100.7").put("cidr_prefix_length", 24)
                .put("date_created", "2026-12-01T16:34:33Z").put("date_updated", "2026-12-01T16:34:38Z")
                .put("url", BASE + "/v1/IpRecords/" + RECORD.sid().value()).encode();

        assertThat(frame(new Change(ChangeId.of(5, 0x0a1b2c3d), Change.Kind.IP_RECORD_UPDATED, RECORD, null)))
                .isEqualTo("id: 5-0a1b2c3d\nevent: ip_record.updated\ndata: " + expected + "\n\n");
    }

    @Test
    void aMappingsEventAddsItsRecordsOwnAddressAndPrefixLengthAfterTwiliosFields() {
        String twilio = new JsonObject().put("sid", MAPPING.sid().value())
                .put("ip_record_sid", RECORD.sid().value()).put("sip_domain_sid", MAPPING.sipDomainSid().value())
                .put("date_created", "2026-12-01T16:34:33Z").put("date_updated", "2026-12-01T16:34:33Z")
                .put("url", BASE + "/v1/SourceIpMappings/" + MAPPING.sid().value()).encode();
        String expected = new JsonObject(twilio).put("ip_record_address", "198.51.100.7")
                .put("cidr_prefix_length", 24).encode();

        String frame = frame(new Change(ChangeId.of(12, -1), Change.Kind.SOURCE_IP_MAPPING_DELETED, MAPPING,
                RECORD.prefix()));

        assertThat(frame).isEqualTo("id: 12-ffffffff\nevent: source_ip_mapping.deleted\ndata: " + expected + "\n\n");
        assertThat(frame).contains("data: " + twilio.substring(0, twilio.length() - 1) + ",");
        // a change recorded before nonces: the bare number
        assertThat(frame(new Change(ChangeId.of(3, null), Change.Kind.SOURCE_IP_MAPPING_CREATED, MAPPING,
                RECORD.prefix()))).isEqualTo("id: 3\nevent: source_ip_mapping.created\ndata: " + expected + "\n\n");
    }

    @Test
    void resetAndTheExportNameTheHeadByItsId() {
        assertThat(new String(ChangeEvents.reset(ChangeId.of(9, 0x00c0ffee)), StandardCharsets.US_ASCII))
                .isEqualTo("event: reset\ndata: {\"last_event_id\":\"9-00c0ffee\"}\n\n");
        Resolution entry = Resolution.of(MAPPING, RECORD);
        String export = new String(FeedRoutes.json(new AddressSnapshot(ChangeId.of(9, 0x00c0ffee), List.of(entry))),
                StandardCharsets.UTF_8);
        assertThat(export).isEqualTo(new JsonObject().put("last_event_id", "9-00c0ffee").put("entries",
                new JsonArray().add(new JsonObject().put("ip_address", "198.51.100.0").put("cidr_prefix_length", 24)
                        .put("ip_record_sid", RECORD.sid().value()).put("ip_record_address", "198.51.100.7")
                        .put("source_ip_mapping_sid", MAPPING.sid().value())
                        .put("sip_domain_sid", MAPPING.sipDomainSid().value()))).encode());
        assertThat(new String(FeedRoutes.json(new AddressSnapshot(ChangeId.ZERO, List.of())), StandardCharsets.UTF_8))
                .isEqualTo("{\"last_event_id\":\"0\",\"entries\":[]}");
    }
}
