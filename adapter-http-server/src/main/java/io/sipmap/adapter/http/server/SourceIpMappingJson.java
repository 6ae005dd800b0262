package io.sipmap.adapter.http.server;

import io.sipmap.domain.SourceIpMapping;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** A source IP mapping as Twilio writes it; the wire names are pinned by the tests. */
final class SourceIpMappingJson {

    static final String PATH = "/v1/SourceIpMappings";
    static final String LIST_KEY = "source_ip_mappings";
    /** About the length of one mapping without its base URL, to size buffers. */
    static final int SIZE = 300;

    // A mapping is fixed text around three SIDs and two dates, which never need escaping (a SID is checked to be
    // a prefix and 32 hex digits): written as such, without a check per piece, as a list writes thousands.
    private static final byte[] SID = ascii("{\"sid\":\"");
    private static final byte[] IP_RECORD_SID = ascii("\",\"ip_record_sid\":\"");
    private static final byte[] SIP_DOMAIN_SID = ascii("\",\"sip_domain_sid\":\"");
    private static final byte[] DATE_CREATED = ascii("\",\"date_created\":\"");
    private static final byte[] DATE_UPDATED = ascii("\",\"date_updated\":\"");
    private static final byte[] URL = ascii("\",\"url\":\"");
    private static final byte[] END = ascii("\"}");
    private static final int FIXED = SID.length + IP_RECORD_SID.length + SIP_DOMAIN_SID.length + DATE_CREATED.length
            + DATE_UPDATED.length + URL.length + END.length + 4 * 34 + 2 * WireDates.LENGTH;

    private SourceIpMappingJson() {
    }

    /** @param baseUrl the public base URL, without a trailing slash */
    static Buffer toJson(SourceIpMapping mapping, String baseUrl) {
        JsonWriter json = new JsonWriter(SIZE + baseUrl.length());
        write(json, mapping, urlPrefix(baseUrl));
        return json.toBuffer();
    }

    /** The start of every mapping's {@code url}, escaped, to write once per response. */
    static byte[] urlPrefix(String baseUrl) {
        return JsonWriter.escape(baseUrl + PATH + "/");
    }

    static void write(JsonWriter json, SourceIpMapping mapping, byte[] urlPrefix) {
        if (WireDates.byHand(mapping.dateCreated()) && WireDates.byHand(mapping.dateUpdated())) {
            json.beginRaw(FIXED + urlPrefix.length)
                    .raw(SID).raw(mapping.sid().value())
                    .raw(IP_RECORD_SID).raw(mapping.ipRecordSid().value())
                    .raw(SIP_DOMAIN_SID).raw(mapping.sipDomainSid().value())
                    .raw(DATE_CREATED).raw(mapping.dateCreated())
                    .raw(DATE_UPDATED).raw(mapping.dateUpdated())
                    .raw(URL).raw(urlPrefix).raw(mapping.sid().value())
                    .raw(END);
            return;
        }
        json.beginObject()
                .name("sid").value(mapping.sid().value())
                .name("ip_record_sid").value(mapping.ipRecordSid().value())
                .name("sip_domain_sid").value(mapping.sipDomainSid().value())
                .name("date_created").value(mapping.dateCreated())
                .name("date_updated").value(mapping.dateUpdated())
                .name("url").value(urlPrefix, mapping.sid().value())
                .endObject();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
