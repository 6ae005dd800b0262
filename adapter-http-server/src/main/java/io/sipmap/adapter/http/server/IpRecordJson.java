package io.sipmap.adapter.http.server;

import io.sipmap.domain.IpRecord;
import io.vertx.core.json.JsonObject;

/** An IP record as Twilio writes it; the wire names are pinned by the tests. */
final class IpRecordJson {

    static final String PATH = "/v1/IpRecords";
    static final String LIST_KEY = "ip_records";

    private IpRecordJson() {
    }

    /** @param baseUrl the public base URL, without a trailing slash */
    static JsonObject toJson(IpRecord record, String baseUrl) {
        return new JsonObject()
                .put("account_sid", record.accountSid().value())
                .put("sid", record.sid().value())
                .put("friendly_name", record.friendlyName())
                .put("ip_address", record.ipAddress().toString())
                .put("cidr_prefix_length", record.cidrPrefixLength())
                .put("date_created", WireDates.format(record.dateCreated()))
                .put("date_updated", WireDates.format(record.dateUpdated()))
                .put("url", baseUrl + PATH + "/" + record.sid().value());
    }
}
