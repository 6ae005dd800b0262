package io.sipmap.adapter.http.server;

import io.sipmap.domain.AccountSid;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * HTTP Basic authentication against {@link Credentials}: on success the account goes into the routing context for
 * the handlers; otherwise 401 (20003). Runs on the event loop; never logs what it reads.
 */
final class BasicAuthentication implements Handler<RoutingContext> {

    private final Credentials credentials;

    BasicAuthentication(Credentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<AccountSid> account = account(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (account.isEmpty()) {
            ctx.fail(new RefusedRequest(ErrorTable.authenticate()));
            return;
        }
        ctx.put(Exchanges.ACCOUNT, account.get());
        ctx.next();
    }

    private Optional<AccountSid> account(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = pair.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        return credentials.authenticate(pair.substring(0, colon), pair.substring(colon + 1));
    }
}
