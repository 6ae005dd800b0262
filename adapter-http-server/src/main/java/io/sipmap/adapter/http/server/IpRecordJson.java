package io.sipmap.adapter.http.server;

import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;

/** An IP record as Twilio writes it; the wire names are pinned by the tests. */
final class IpRecordJson {

    static final String PATH = "/v1/IpRecords";
    static final String LIST_KEY = "ip_records";
    /** About the length of one record without its url and friendly name, to size buffers. */
    private static final int SIZE = 320;
    static final WireResource<IpRecordSid, IpRecord> RESOURCE =
            new WireResource<>(PATH, LIST_KEY, IpRecordSid.PREFIX, IpRecordSid::new, Writer::new);

    private IpRecordJson() {
    }

    /** Writes records whose {@code url}s begin with one prefix. */
    static final class Writer implements ResourceWriter<IpRecord> {
        private final byte[] urlPrefix;

        /** @param urlPrefix the start of every record's url, escaped */
        Writer(byte[] urlPrefix) {
            this.urlPrefix = urlPrefix;
        }

        @Override
        public int length() {
            return SIZE + urlPrefix.length;
        }

        @Override
        public void write(JsonWriter json, IpRecord record) {
            json.beginObject()
                    .name("account_sid").value(record.accountSid())
                    .name("sid").value(record.sid())
                    .name("friendly_name").value(record.friendlyName())
                    .name("ip_address").value(record.ipAddress().toString())
                    .name("cidr_prefix_length").value(record.cidrPrefixLength())
                    .name("date_created").value(record.dateCreated())
                    .name("date_updated").value(record.dateUpdated())
                    .name("url").value(urlPrefix, record.sid())
                    .endObject();
        }
    }
}
