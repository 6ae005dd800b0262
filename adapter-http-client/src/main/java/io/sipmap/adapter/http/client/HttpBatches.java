package io.sipmap.adapter.http.client;

import io.sipmap.api.Batch;
import io.sipmap.api.BatchChange;
import io.sipmap.api.BatchChange.CreateIpRecordChange;
import io.sipmap.api.BatchChange.CreateSourceIpMappingChange;
import io.sipmap.api.BatchChange.DeleteIpRecordChange;
import io.sipmap.api.BatchChange.DeleteSourceIpMappingChange;
import io.sipmap.api.BatchChange.UpdateIpRecordChange;
import io.sipmap.api.BatchChange.UpdateSourceIpMappingChange;
import io.sipmap.api.Batches;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.SipmapException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * {@link Batches} over HTTP: the sipmap extension {@code POST /sipmap/v1/Batches} (Twilio has none: against it every
 * call fails with {@code NotFound}). A refused batch fails with {@link SipmapException.BatchRefused}, its failures
 * by index as the server listed them. Never retried: a batch is a write. Made by {@link SipmapClient}; it acts for
 * the account of the client's credentials only. Stages complete on a Vert.x event loop. Thread-safe.
 */
public final class HttpBatches implements Batches {

    static final String PATH = "/sipmap/v1/Batches";

    private final ClientCore core;

    HttpBatches(ClientCore core) {
        this.core = core;
    }

    @Override
    public CompletionStage<List<Object>> apply(AccountSid account, Batch batch) {
        return send(account, batch, PATH);
    }

    @Override
    public CompletionStage<List<Object>> check(AccountSid account, Batch batch) {
        return send(account, batch, PATH + "?DryRun=true");
    }

    private CompletionStage<List<Object>> send(AccountSid account, Batch batch, String target) {
        return core.call(account, () -> core.transport().read(HttpMethod.POST, target, body(batch),
                answer -> results(answer, account), 200));
    }

    /** The request body: {@code {"changes": [...]}}, each change by its wire names. */
    static JsonObject body(Batch batch) {
        JsonArray changes = new JsonArray();
        for (BatchChange change : batch.changes()) {
            JsonObject o = new JsonObject().put("op", change.op());
            if (change instanceof CreateIpRecordChange c) {
                if (c.ref() != null) {
                    o.put("ref", c.ref());
                }
                o.put("ip_address", c.command().ipAddress().toString())
                        .put("cidr_prefix_length", c.command().cidrPrefixLength());
                if (c.command().friendlyName() != null) {
                    o.put("friendly_name", c.command().friendlyName());
                }
            } else if (change instanceof CreateSourceIpMappingChange c) {
                o.put("ip_record", c.ipRecordSid() != null ? c.ipRecordSid().value() : c.ipRecordRef())
                        .put("sip_domain_sid", c.sipDomainSid().value());
            } else if (change instanceof UpdateIpRecordChange c) {
                o.put("sid", c.sid().value());
                if (c.command().friendlyName() != null) {
                    o.put("friendly_name", c.command().friendlyName());
                }
            } else if (change instanceof UpdateSourceIpMappingChange c) {
                o.put("sid", c.sid().value()).put("sip_domain_sid", c.sipDomainSid().value());
            } else if (change instanceof DeleteSourceIpMappingChange c) {
                o.put("sid", c.sid().value());
            } else {
                o.put("sid", ((DeleteIpRecordChange) change).sid().value());
            }
            changes.add(o);
        }
        return new JsonObject().put("changes", changes);
    }

    private static List<Object> results(JsonObject answer, AccountSid account) {
        JsonArray changes = answer.getJsonArray("changes");
        if (changes == null) {
            throw new SipmapException.Upstream("no \"changes\" in the answer", null, null);
        }
        List<Object> results = new ArrayList<>(changes.size());
        for (int i = 0; i < changes.size(); i++) {
            JsonObject change = changes.getJsonObject(i);
            JsonObject record = change.getJsonObject("ip_record");
            results.add(record != null ? WireJson.ipRecord(record)
                    : WireJson.mapping(change.getJsonObject("source_ip_mapping"), account));
        }
        return results;
    }
}
