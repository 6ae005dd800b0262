package io.sipmap.adapter.http.server;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * HTTP Basic authentication against {@link Credentials}, then authorization: on success the
 * {@linkplain Credentials.Principal principal} goes into the routing context for the handlers; unknown credentials are
 * refused 401 (20003); a read-only principal asking anything but a read (a method other than GET, HEAD or OPTIONS,
 * whatever the path) is refused 403 (70051), as Twilio refuses a restricted API key. Authorization comes before routing
 * and before the body is read, so a refused write is neither parsed nor validated and reaches no store: Twilio too
 * authenticates, then authorizes, then validates. Runs on the event loop; never logs what it reads.
 */
final class BasicAuthentication implements Handler<RoutingContext> {

    /** RFC 9110's safe methods that sipmap serves: what a read-only key may ask, on any route present or to come. */
    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final Credentials credentials;

    BasicAuthentication(Credentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<Credentials.Principal> principal = principal(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (principal.isEmpty()) {
            ctx.fail(new RefusedRequest(ErrorTable.authenticate()));
            return;
        }
        if (principal.get().scope() == Credentials.Scope.READ_ONLY && !READS.contains(ctx.request().method())) {
            ctx.fail(new RefusedRequest(ErrorTable.authorizationFailed()));
            return;
        }
        ctx.put(Exchanges.PRINCIPAL, principal.get());
        ctx.next();
    }

    private Optional<Credentials.Principal> principal(String header) {
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
        return credentials.principal(pair.substring(0, colon), pair.substring(colon + 1));
    }
}
