package io.sipmap.adapter.http.server;

import io.sipmap.domain.IpRecord;

/** An IP record as Twilio writes it; the wire names are pinned by the tests. */
final class IpRecordJson {

    static final String PATH = "/v1/IpRecords";
    static final String LIST_KEY = "ip_records";
    /** About the length of one record without its base URL and friendly name, to size buffers. */
    static final int SIZE = 320;

    private IpRecordJson() {
    }

    /** @param baseUrl the public base URL, without a trailing slash */
    static JsonWriter toJson(IpRecord record, String baseUrl) {
        JsonWriter json = new JsonWriter(SIZE + baseUrl.length());
        write(json, record, urlPrefix(baseUrl));
        return json;
    }

    /** The start of every record's {@code url}, escaped, to write once per response. */
    static byte[] urlPrefix(String baseUrl) {
        return JsonWriter.escape(baseUrl + PATH + "/");
    }

    static void write(JsonWriter json, IpRecord record, byte[] urlPrefix) {
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
