package io.sipmap.adapter.http.server;

import io.sipmap.api.BatchChange;
import io.sipmap.api.BatchChange.CreateIpRecordChange;
import io.sipmap.api.BatchChange.CreateSourceIpMappingChange;
import io.sipmap.api.BatchChange.DeleteIpRecordChange;
import io.sipmap.api.BatchChange.DeleteSourceIpMappingChange;
import io.sipmap.api.BatchChange.UpdateIpRecordChange;
import io.sipmap.api.BatchChange.UpdateSourceIpMappingChange;
import io.sipmap.api.IpRecords;
import io.sipmap.api.SourceIpMappings;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.service.AddressList;
import io.sipmap.service.AddressPlan;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The sipmap extension {@code POST /sipmap/v1/Plans}: what it takes for the account to hold exactly a list
 * ({@link AddressPlan}, the planner the {@code apply} command uses), read from the body as CSV, or as a JSON array
 * when sent as {@code application/json}; scoped by {@code FriendlyNamePrefix} and {@code SipDomainSid}. Writes
 * nothing: the answer's {@code changes} are the body of the {@code POST /sipmap/v1/Batches} that applies the plan,
 * which is how the web console applies a list. Handlers run on the event loop.
 */
final class PlanRoutes {

    static final String PATH = "/sipmap/v1/Plans";

    private final IpRecords ipRecords;
    private final SourceIpMappings mappings;

    PlanRoutes(IpRecords ipRecords, SourceIpMappings mappings) {
        this.ipRecords = ipRecords;
        this.mappings = mappings;
    }

    void plan(RoutingContext ctx) {
        Map<String, String> query = Exchanges.query(ctx);
        String domain = query.get("SipDomainSid");
        String prefix = query.get("FriendlyNamePrefix");
        AddressPlan.Scope scope = new AddressPlan.Scope(prefix == null || prefix.isEmpty() ? null : prefix,
                domain == null || domain.isEmpty() ? null : SipDomainSid.parse(domain, "SipDomainSid"));
        AddressList list = read(ctx);
        var stage = AddressPlan.of(ipRecords, mappings, Exchanges.account(ctx), list, scope)
                .exceptionallyCompose(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    return CompletableFuture.failedStage(
                            cause instanceof AddressList.Invalid invalid ? invalid(invalid) : cause);
                });
        Exchanges.onResult(ctx, stage, plan -> Answers.json(ctx, 200, write(plan)));
    }

    private static AddressList read(RoutingContext ctx) {
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        try {
            if (type != null && type.startsWith("application/json")) {
                if (!(JsonReader.parse(body) instanceof List<?> items)) {
                    throw JsonReader.invalid("a list is an array of objects");
                }
                return AddressList.parseJson(items);
            }
            return AddressList.parseCsv(new String(body, StandardCharsets.UTF_8));
        } catch (AddressList.Invalid e) {
            throw invalid(e);
        }
    }

    private static SipmapException.InvalidParameter invalid(AddressList.Invalid e) {
        return new SipmapException.InvalidParameter("body", "Invalid list: " + String.join("; ", e.problems()));
    }

    static JsonWriter write(AddressPlan plan) {
        JsonWriter json = new JsonWriter(256 + plan.steps().size() * 160);
        json.beginObject().name("summary").value(plan.summary()).name("counts").beginObject();
        plan.counts().forEach((action, count) -> json.name(action.name().toLowerCase(Locale.ROOT))
                .value(count));
        json.endObject().name("steps").beginArray();
        for (AddressPlan.Step step : plan.steps()) {
            json.beginObject().name("action").value(step.action().name().toLowerCase(Locale.ROOT))
                    .name("network").value(step.prefix().toString()).name("detail").value(step.detail())
                    .endObject();
        }
        json.endArray().name("changes").beginArray();
        for (BatchChange change : plan.batch().map(b -> b.changes()).orElse(List.of())) {
            writeChange(json, change);
        }
        return json.endArray().endObject();
    }

    /** A change as a batch request carries it. */
    private static void writeChange(JsonWriter json, BatchChange change) {
        json.beginObject().name("op").value(change.op());
        if (change instanceof CreateIpRecordChange c) {
            json.name("ref").value(c.ref()).name("ip_address").value(c.command().ipAddress().toString())
                    .name("cidr_prefix_length").value(c.command().cidrPrefixLength())
                    .name("friendly_name").value(c.command().friendlyName());
        } else if (change instanceof CreateSourceIpMappingChange c) {
            json.name("ip_record").value(c.ipRecordSid() != null ? c.ipRecordSid().value() : c.ipRecordRef())
                    .name("sip_domain_sid").value(c.sipDomainSid());
        } else if (change instanceof UpdateIpRecordChange c) {
            json.name("sid").value(c.sid()).name("friendly_name").value(c.command().friendlyName());
        } else if (change instanceof UpdateSourceIpMappingChange c) {
            json.name("sid").value(c.sid()).name("sip_domain_sid").value(c.sipDomainSid());
        } else if (change instanceof DeleteSourceIpMappingChange c) {
            json.name("sid").value(c.sid());
        } else {
            json.name("sid").value(((DeleteIpRecordChange) change).sid());
        }
        json.endObject();
    }
}
