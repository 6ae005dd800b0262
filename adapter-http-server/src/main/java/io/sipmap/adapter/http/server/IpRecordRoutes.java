package io.sipmap.adapter.http.server;

import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.IpRecords;
import io.sipmap.api.UpdateIpRecord;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpPrefix;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** {@code /v1/IpRecords}: Twilio's form fields in, the {@link IpRecords} api, JSON out. */
final class IpRecordRoutes extends ResourceRoutes<IpRecordSid, IpRecord> {

    private final IpRecords ipRecords;
    private final SipmapServerOptions.AddressFamilies families;

    IpRecordRoutes(IpRecords ipRecords, Optional<String> publicBaseUrl, SipmapServerOptions.AddressFamilies families) {
        super(IpRecordJson.RESOURCE, publicBaseUrl, ipRecords::fetch, ipRecords::list, ipRecords::delete);
        this.ipRecords = ipRecords;
        this.families = families;
    }

    @Override
    CompletionStage<IpRecord> create(AccountSid account, RoutingContext ctx) {
        IpAddress address = families.parse(Exchanges.requiredForm(ctx, "IpAddress"), "IpAddress");
        int length = IpPrefix.parseLength(Exchanges.form(ctx, "CidrPrefixLength"), address);
        return ipRecords.create(account, new CreateIpRecord(address, Exchanges.form(ctx, "FriendlyName"), length));
    }

    @Override
    CompletionStage<IpRecord> update(AccountSid account, IpRecordSid sid, RoutingContext ctx) {
        return ipRecords.update(account, sid, new UpdateIpRecord(Exchanges.form(ctx, "FriendlyName")));
    }
}
