package io.sipmap.adapter.http.server;

import io.sipmap.api.SipDomainResolver;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Resolution;
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
    /** About the length of an answer without its url, to size its writer. */
    private static final int SIZE = 256;

    private final SipDomainResolver resolver;
    private final Optional<String> publicBaseUrl;
    private final SipmapServerOptions.AddressFamilies families;

    ResolutionRoutes(SipDomainResolver resolver, Optional<String> publicBaseUrl,
                     SipmapServerOptions.AddressFamilies families) {
        this.resolver = resolver;
        this.publicBaseUrl = publicBaseUrl;
        this.families = families;
    }

    void resolve(RoutingContext ctx) {
        IpAddress address = families.parse(
                Exchanges.required("IpAddress", Exchanges.query(ctx).get("IpAddress")), "IpAddress");
        Exchanges.onResult(ctx, resolver.resolve(Exchanges.account(ctx), address), answer -> {
            String url = Exchanges.baseUrl(ctx, publicBaseUrl) + PATH + "?IpAddress="
                    + URLEncoder.encode(address.toString(), StandardCharsets.UTF_8);
            Answers.json(ctx, 200, write(new JsonWriter(SIZE + url.length()), address, answer, url));
        });
    }

    static JsonWriter write(JsonWriter json, IpAddress address, Optional<Resolution> answer, String url) {
        json.beginObject().name("ip_address").value(address.toString()).name("resolution");
        if (answer.isPresent()) {
            Resolution r = answer.get();
            json.beginObject()
                    .name("sip_domain_sid").value(r.sipDomainSid())
                    .name("source_ip_mapping_sid").value(r.mappingSid())
                    .name("ip_record_sid").value(r.ipRecordSid())
                    .name("ip_address").value(r.prefix().address().toString())
                    .name("cidr_prefix_length").value(r.prefix().length())
                    .endObject();
        } else {
            json.value((String) null);
        }
        return json.name("url").value(url).endObject();
    }
}
