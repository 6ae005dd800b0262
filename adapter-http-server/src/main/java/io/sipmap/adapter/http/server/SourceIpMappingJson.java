package io.sipmap.adapter.http.server;

import io.sipmap.domain.SourceIpMapping;
import io.vertx.core.buffer.Buffer;

/** A source IP mapping as Twilio writes it; the wire names are pinned by the tests. */
final class SourceIpMappingJson {

    static final String PATH = "/v1/SourceIpMappings";
    static final String LIST_KEY = "source_ip_mappings";
    /** About the length of one mapping without its base URL, to size buffers. */
    static final int SIZE = 300;

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
        json.beginObject()
                .name("sid").value(mapping.sid().value())
                .name("ip_record_sid").value(mapping.ipRecordSid().value())
                .name("sip_domain_sid").value(mapping.sipDomainSid().value())
                .name("date_created").value(mapping.dateCreated())
                .name("date_updated").value(mapping.dateUpdated())
                .name("url").value(urlPrefix, mapping.sid().value())
                .endObject();
    }
}
