package io.sipmap.adapter.http.server;

import io.sipmap.api.SipDomainResolver;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Resolution;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The sipmap extension {@code GET /sipmap/v1/Resolve?IpAddress=...}: which SIP domain a source address belongs to.
 * It lives outside Twilio's {@code /v1} namespace, where {@code /v1/SourceIpMappings/<anything>} is a SID, so it can
 * never collide with one of Twilio's resource paths; auth, JSON style and errors are those of the Twilio resources. No
 * match is an answer ({@code "resolution": null}), not an error.
 */
final class ResolutionRoutes {

    static final String PATH = "/sipmap/v1/Resolve";

    private final SipDomainResolver resolver;
    private final Optional<String> publicBaseUrl;

    ResolutionRoutes(SipDomainResolver resolver, Optional<String> publicBaseUrl) {
        this.resolver = resolver;
        this.publicBaseUrl = publicBaseUrl;
    }

    void resolve(RoutingContext ctx) {
        Ipv4Address address = Ipv4Address.parse(
                Exchanges.required("IpAddress", Exchanges.query(ctx).get("IpAddress")), "IpAddress");
        Exchanges.onResult(ctx, resolver.resolve(Exchanges.account(ctx), address), answer -> Exchanges.json(ctx, 200,
                toJson(address, answer, Exchanges.baseUrl(ctx, publicBaseUrl)).toBuffer()));
    }

    static JsonObject toJson(Ipv4Address address, Optional<Resolution> answer, String baseUrl) {
        return new JsonObject()
                .put("ip_address", address.toString())
                .put("resolution", answer.map(ResolutionRoutes::toJson).orElse(null))
                .put("url", baseUrl + PATH + "?IpAddress=" + URLEncoder.encode(address.toString(), StandardCharsets.UTF_8));
    }

    private static JsonObject toJson(Resolution r) {
        return new JsonObject()
                .put("sip_domain_sid", r.sipDomainSid().value())
                .put("source_ip_mapping_sid", r.mappingSid().value())
                .put("ip_record_sid", r.ipRecordSid().value())
                .put("ip_address", r.prefix().address().toString())
                .put("cidr_prefix_length", r.prefix().length());
    }
}
