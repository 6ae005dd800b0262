package io.sipmap.adapter.http.server;

import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.SourceIpMappings;
import io.sipmap.api.UpdateSourceIpMapping;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Sid;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** The handlers of {@code /v1/SourceIpMappings}: Twilio's form fields in, the {@link SourceIpMappings} api, JSON out. */
final class SourceIpMappingRoutes {

    private final SourceIpMappings mappings;
    private final Optional<String> publicBaseUrl;
    private volatile Writers lastWriters;

    SourceIpMappingRoutes(SourceIpMappings mappings, Optional<String> publicBaseUrl) {
        this.mappings = mappings;
        this.publicBaseUrl = publicBaseUrl;
    }

    void create(RoutingContext ctx) {
        var command = new CreateSourceIpMapping(
                IpRecordSid.parse(Exchanges.requiredForm(ctx, "IpRecordSid"), "IpRecordSid"),
                SipDomainSid.parse(Exchanges.requiredForm(ctx, "SipDomainSid"), "SipDomainSid"));
        Exchanges.onResult(ctx, mappings.create(Exchanges.account(ctx), command),
                mapping -> Answers.json(ctx, 201, SourceIpMappingJson.toJson(mapping, writers(ctx).mapping)));
    }

    void list(RoutingContext ctx) {
        PageQuery query = PageQuery.parse(Exchanges.query(ctx), SourceIpMappingSid.PREFIX);
        Exchanges.onResult(ctx, mappings.list(Exchanges.account(ctx), query.request()), page -> {
            Writers writers = writers(ctx);
            Answers.json(ctx, 200, PageJson.toJson(page, query, writers.listUrl, SourceIpMappingJson.LIST_KEY,
                    writers.mapping.length(), writers.mapping::write));
        });
    }

    void fetch(RoutingContext ctx) {
        Exchanges.onResult(ctx, mappings.fetch(Exchanges.account(ctx), sid(ctx)),
                mapping -> Answers.json(ctx, 200, SourceIpMappingJson.toJson(mapping, writers(ctx).mapping)));
    }

    void update(RoutingContext ctx) {
        SourceIpMappingSid sid = sid(ctx);
        var command = new UpdateSourceIpMapping(
                SipDomainSid.parse(Exchanges.requiredForm(ctx, "SipDomainSid"), "SipDomainSid"));
        Exchanges.onResult(ctx, mappings.update(Exchanges.account(ctx), sid, command),
                mapping -> Answers.json(ctx, 200, SourceIpMappingJson.toJson(mapping, writers(ctx).mapping)));
    }

    void delete(RoutingContext ctx) {
        Exchanges.onResult(ctx, mappings.delete(Exchanges.account(ctx), sid(ctx)), done -> Answers.noContent(ctx));
    }

    /** The SID in the path; a malformed one names no resource, so 404 rather than 400. */
    private static SourceIpMappingSid sid(RoutingContext ctx) {
        String sid = ctx.pathParam("sid");
        if (!Sid.isWellFormed(SourceIpMappingSid.PREFIX, sid)) {
            throw new SipmapException.NotFound("No source IP mapping " + sid);
        }
        return new SourceIpMappingSid(sid);
    }

    /** What answers under one base URL write with: the list's URL and the mappings' writer. */
    private record Writers(String base, String listUrl, SourceIpMappingJson.Writer mapping) {
    }

    /**
     * The writers for the request's base URL: the last ones made, when the base URL is the same, as it is for every
     * request but the first when the server has one name; their template is read only, so threads may share it.
     */
    private Writers writers(RoutingContext ctx) {
        String base = baseUrl(ctx);
        Writers last = lastWriters;
        if (last == null || !last.base.equals(base)) {
            last = new Writers(base, base + SourceIpMappingJson.PATH,
                    new SourceIpMappingJson.Writer(SourceIpMappingJson.urlPrefix(base)));
            lastWriters = last;
        }
        return last;
    }

    private String baseUrl(RoutingContext ctx) {
        return Exchanges.baseUrl(ctx, publicBaseUrl);
    }
}
