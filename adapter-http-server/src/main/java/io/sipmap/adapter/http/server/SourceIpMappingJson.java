package io.sipmap.adapter.http.server;

import io.sipmap.domain.SourceIpMapping;
import io.vertx.core.json.JsonObject;

/** A source IP mapping as Twilio writes it; the wire names are pinned by the tests. */
final class SourceIpMappingJson {

    static final String PATH = "/v1/SourceIpMappings";
    static final String LIST_KEY = "source_ip_mappings";

    private SourceIpMappingJson() {
    }

    /** @param baseUrl the public base URL, without a trailing slash */
    static JsonObject toJson(SourceIpMapping mapping, String baseUrl) {
        return new JsonObject()
                .put("sid", mapping.sid().value())
                .put("ip_record_sid", mapping.ipRecordSid().value())
                .put("sip_domain_sid", mapping.sipDomainSid().value())
                .put("date_created", WireDates.format(mapping.dateCreated()))
                .put("date_updated", WireDates.format(mapping.dateUpdated()))
                .put("url", baseUrl + PATH + "/" + mapping.sid().value());
    }
}
