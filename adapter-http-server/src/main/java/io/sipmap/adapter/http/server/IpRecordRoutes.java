package io.sipmap.adapter.http.server;

import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.IpRecords;
import io.sipmap.api.UpdateIpRecord;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Ipv4Prefix;
import io.sipmap.domain.Sid;
import io.sipmap.domain.SipmapException;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** The handlers of {@code /v1/IpRecords}: Twilio's form fields in, the {@link IpRecords} api, JSON out. */
final class IpRecordRoutes {

    private final IpRecords ipRecords;
    private final Optional<String> publicBaseUrl;

    IpRecordRoutes(IpRecords ipRecords, Optional<String> publicBaseUrl) {
        this.ipRecords = ipRecords;
        this.publicBaseUrl = publicBaseUrl;
    }

    void create(RoutingContext ctx) {
        Ipv4Address address = Ipv4Address.parse(Exchanges.requiredForm(ctx, "IpAddress"), "IpAddress");
        String prefix = Exchanges.form(ctx, "CidrPrefixLength");
        int length = prefix == null ? IpRecord.DEFAULT_CIDR_PREFIX_LENGTH : Ipv4Prefix.parseLength(prefix);
        var command = new CreateIpRecord(address, Exchanges.form(ctx, "FriendlyName"), length);
        Exchanges.onResult(ctx, ipRecords.create(Exchanges.account(ctx), command),
                record -> Answers.json(ctx, 201, IpRecordJson.toJson(record, baseUrl(ctx))));
    }

    void list(RoutingContext ctx) {
        PageQuery query = PageQuery.parse(Exchanges.query(ctx), IpRecordSid.PREFIX);
        Exchanges.onResult(ctx, ipRecords.list(Exchanges.account(ctx), query.request()), page -> {
            String base = baseUrl(ctx);
            byte[] urlPrefix = IpRecordJson.urlPrefix(base);
            Answers.json(ctx, 200, PageJson.toJson(page, query, base + IpRecordJson.PATH, IpRecordJson.LIST_KEY,
                    IpRecordJson.SIZE + urlPrefix.length,
                    (json, record) -> IpRecordJson.write(json, record, urlPrefix)));
        });
    }

    void fetch(RoutingContext ctx) {
        Exchanges.onResult(ctx, ipRecords.fetch(Exchanges.account(ctx), sid(ctx)),
                record -> Answers.json(ctx, 200, IpRecordJson.toJson(record, baseUrl(ctx))));
    }

    void update(RoutingContext ctx) {
        IpRecordSid sid = sid(ctx);
        var command = new UpdateIpRecord(Exchanges.form(ctx, "FriendlyName"));
        Exchanges.onResult(ctx, ipRecords.update(Exchanges.account(ctx), sid, command),
                record -> Answers.json(ctx, 200, IpRecordJson.toJson(record, baseUrl(ctx))));
    }

    void delete(RoutingContext ctx) {
        Exchanges.onResult(ctx, ipRecords.delete(Exchanges.account(ctx), sid(ctx)), done -> Answers.noContent(ctx));
    }

    /** The SID in the path; a malformed one names no resource, so 404 rather than 400. */
    private static IpRecordSid sid(RoutingContext ctx) {
        String sid = ctx.pathParam("sid");
        if (!Sid.isWellFormed(IpRecordSid.PREFIX, sid)) {
            throw new SipmapException.NotFound("No IP record " + sid);
        }
        return new IpRecordSid(sid);
    }

    private String baseUrl(RoutingContext ctx) {
        return Exchanges.baseUrl(ctx, publicBaseUrl);
    }
}
