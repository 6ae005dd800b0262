package io.sipmap.adapter.http.server;

import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import java.nio.charset.StandardCharsets;

/** A source IP mapping as Twilio writes it; the wire names are pinned by the tests. */
final class SourceIpMappingJson {

    static final String PATH = "/v1/SourceIpMappings";
    static final String LIST_KEY = "source_ip_mappings";
    static final WireResource<SourceIpMappingSid, SourceIpMapping> RESOURCE =
            new WireResource<>(PATH, LIST_KEY, SourceIpMappingSid.PREFIX, SourceIpMappingSid::new, Writer::new);

    private static final byte[] SID = ascii("{\"sid\":\"");
    private static final byte[] IP_RECORD_SID = ascii("\",\"ip_record_sid\":\"");
    private static final byte[] SIP_DOMAIN_SID = ascii("\",\"sip_domain_sid\":\"");
    private static final byte[] DATE_CREATED = ascii("\",\"date_created\":\"");
    private static final byte[] DATE_UPDATED = ascii("\",\"date_updated\":\"");
    private static final byte[] URL = ascii("\",\"url\":\"");
    private static final byte[] END = ascii("\"}");

    private SourceIpMappingJson() {
    }

    /**
     * Writes mappings whose {@code url}s begin with one prefix. A mapping is fixed text around three SIDs and two dates
     * of fixed lengths, none needing an escape: the fixed text is laid out once, in a template, and each mapping is a
     * copy of it with its SIDs and dates written into their places.
     */
    static final class Writer implements ResourceWriter<SourceIpMapping> {
        private final byte[] urlPrefix;
        private final byte[] template;
        private final int ipRecordSidAt;
        private final int sipDomainSidAt;
        private final int dateCreatedAt;
        private final int dateUpdatedAt;
        private final int urlSidAt;

        /** @param urlPrefix the start of every mapping's url, escaped */
        Writer(byte[] urlPrefix) {
            this.urlPrefix = urlPrefix;
            int sid = JsonWriter.SID_LENGTH;
            int date = WireDates.LENGTH;
            ipRecordSidAt = SID.length + sid + IP_RECORD_SID.length;
            sipDomainSidAt = ipRecordSidAt + sid + SIP_DOMAIN_SID.length;
            dateCreatedAt = sipDomainSidAt + sid + DATE_CREATED.length;
            dateUpdatedAt = dateCreatedAt + date + DATE_UPDATED.length;
            urlSidAt = dateUpdatedAt + date + URL.length + urlPrefix.length;
            template = new byte[urlSidAt + sid + END.length];
            place(SID, 0);
            place(IP_RECORD_SID, ipRecordSidAt - IP_RECORD_SID.length);
            place(SIP_DOMAIN_SID, sipDomainSidAt - SIP_DOMAIN_SID.length);
            place(DATE_CREATED, dateCreatedAt - DATE_CREATED.length);
            place(DATE_UPDATED, dateUpdatedAt - DATE_UPDATED.length);
            place(URL, urlSidAt - urlPrefix.length - URL.length);
            place(urlPrefix, urlSidAt - urlPrefix.length);
            place(END, urlSidAt + sid);
        }

        private void place(byte[] fragment, int at) {
            System.arraycopy(fragment, 0, template, at, fragment.length);
        }

        /** The length of one mapping, its dates written by hand. */
        @Override
        public int length() {
            return template.length;
        }

        @Override
        public void write(JsonWriter json, SourceIpMapping mapping) {
            if (WireDates.byHand(mapping.dateCreated()) && WireDates.byHand(mapping.dateUpdated())) {
                int at = json.raw(template);
                json.sidAt(at + SID.length, mapping.sid())
                        .sidAt(at + ipRecordSidAt, mapping.ipRecordSid())
                        .sharedSidAt(at + sipDomainSidAt, mapping.sipDomainSid())
                        .dateAt(at + dateCreatedAt, mapping.dateCreated())
                        .dateAt(at + dateUpdatedAt, mapping.dateUpdated())
                        .copyWithin(at + SID.length, at + urlSidAt, JsonWriter.SID_LENGTH);
                return;
            }
            json.beginObject()
                    .name("sid").value(mapping.sid())
                    .name("ip_record_sid").value(mapping.ipRecordSid())
                    .name("sip_domain_sid").value(mapping.sipDomainSid())
                    .name("date_created").value(mapping.dateCreated())
                    .name("date_updated").value(mapping.dateUpdated())
                    .name("url").value(urlPrefix, mapping.sid())
                    .endObject();
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
