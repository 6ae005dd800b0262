package io.sipmap.adapter.http.client;

import io.sipmap.api.SipDomainResolver;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Resolution;
import io.vertx.core.http.HttpMethod;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@link SipDomainResolver} over HTTP: the sipmap server's extension {@code GET /sipmap/v1/Resolve?IpAddress=...}.
 * Twilio has no such operation, so against Twilio every call fails with {@code NotFound}. Acts for the account of the
 * client's credentials only, like the resources; stages complete on a Vert.x event loop; a GET, so retried as the
 * client's {@link RetryPolicy} says. Thread-safe.
 */
public final class HttpSipDomainResolver implements SipDomainResolver {

    static final String PATH = "/sipmap/v1/Resolve";

    private final ClientCore core;

    HttpSipDomainResolver(ClientCore core) {
        this.core = core;
    }

    @Override
    public CompletionStage<Optional<Resolution>> resolve(AccountSid account, IpAddress address) {
        return core.call(account, () -> core.transport().read(HttpMethod.GET, PATH + "?IpAddress=" + address, null,
                WireJson::resolution, 200));
    }
}
