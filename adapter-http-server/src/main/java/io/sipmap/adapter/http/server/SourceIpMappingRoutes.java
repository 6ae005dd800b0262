package io.sipmap.adapter.http.server;

import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.SourceIpMappings;
import io.sipmap.api.UpdateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** {@code /v1/SourceIpMappings}: Twilio's form fields in, the {@link SourceIpMappings} api, JSON out. */
final class SourceIpMappingRoutes extends ResourceRoutes<SourceIpMappingSid, SourceIpMapping> {

    private final SourceIpMappings mappings;

    SourceIpMappingRoutes(SourceIpMappings mappings, Optional<String> publicBaseUrl) {
        super(SourceIpMappingJson.RESOURCE, publicBaseUrl, mappings::fetch, mappings::list, mappings::delete);
        this.mappings = mappings;
    }

    @Override
    CompletionStage<SourceIpMapping> create(AccountSid account, RoutingContext ctx) {
        return mappings.create(account, new CreateSourceIpMapping(
                IpRecordSid.parse(Exchanges.requiredForm(ctx, "IpRecordSid"), "IpRecordSid"),
                SipDomainSid.parse(Exchanges.requiredForm(ctx, "SipDomainSid"), "SipDomainSid")));
    }

    @Override
    CompletionStage<SourceIpMapping> update(AccountSid account, SourceIpMappingSid sid, RoutingContext ctx) {
        return mappings.update(account, sid, new UpdateSourceIpMapping(
                SipDomainSid.parse(Exchanges.requiredForm(ctx, "SipDomainSid"), "SipDomainSid")));
    }
}
