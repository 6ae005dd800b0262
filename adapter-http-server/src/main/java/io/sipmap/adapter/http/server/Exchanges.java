package io.sipmap.adapter.http.server;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.SipmapException;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What every handler reads from a request (who asks, the form and query, the base URL) and how it continues once the
 * api answers; the answer itself is {@link Answers}'.
 */
final class Exchanges {

    static final String PRINCIPAL = "sipmap.principal";

    private Exchanges() {
    }

    /** Who the request authenticated as, put there by the authentication handler. */
    static Credentials.Principal principal(RoutingContext ctx) {
        return ctx.get(PRINCIPAL);
    }

    /** The account the request acts for. */
    static AccountSid account(RoutingContext ctx) {
        return principal(ctx).account();
    }

    /**
     * A form field, or null; the first value when repeated. Names are matched exactly, as Twilio and the query string
     * match them: Vert.x's form map ignores case, which took {@code ipaddress} for {@code IpAddress}.
     */
    static String form(RoutingContext ctx, String name) {
        MultiMap attributes = ctx.request().formAttributes();
        if (attributes == null) {
            return null;
        }
        for (Map.Entry<String, String> field : attributes) {
            if (field.getKey().equals(name)) {
                return field.getValue();
            }
        }
        return null;
    }

    /** A form field that must be present and non-empty. */
    static String requiredForm(RoutingContext ctx, String name) {
        return required(name, form(ctx, name));
    }

    /** {@code value} of the parameter {@code name}, which must be present and non-empty. */
    static String required(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new SipmapException.InvalidParameter(name, "Missing required parameter " + name);
        }
        return value;
    }

    /**
     * The query parameters, first value of each. Decoded here rather than by Vert.x, whose decoder throws an
     * unchecked exception (a 500) on a malformed percent-escape; that is bad input, a 400.
     */
    static Map<String, String> query(RoutingContext ctx) {
        String raw = ctx.request().query();
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SipmapException.InvalidParameter("query", "Invalid query string: malformed percent-encoding");
        }
    }

    /** The URL that {@code /v1} lives under: configured, or the request's scheme and Host plus the mount point. */
    static String baseUrl(RoutingContext ctx, Optional<String> configured) {
        if (configured.isPresent()) {
            return configured.get();
        }
        HttpServerRequest request = ctx.request();
        String mount = ctx.mountPoint() == null ? "" : stripSlash(ctx.mountPoint());
        return request.scheme() + "://" + authority(request) + mount;
    }

    private static String authority(HttpServerRequest request) {
        HostAndPort authority = request.authority();
        if (authority != null) {
            return authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port();
        }
        SocketAddress local = request.localAddress();
        return local.host() + ":" + local.port();
    }

    private static String stripSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /**
     * Continues on the request's context once the api's stage completes: {@code onSuccess} answers, a failure goes to
     * the failure handler. A stage already complete (an in-memory store's) or completed on the request's own event
     * loop is continued at once, without a hop through the context's task queue; any other is continued there.
     */
    static <T> void onResult(RoutingContext ctx, CompletionStage<T> stage, Consumer<T> onSuccess) {
        Context context = ctx.vertx().getOrCreateContext();
        stage.whenComplete((value, failure) -> {
            if (Vertx.currentContext() == context) {
                settle(ctx, value, failure, onSuccess);
            } else {
                context.runOnContext(v -> settle(ctx, value, failure, onSuccess));
            }
        });
    }

    private static <T> void settle(RoutingContext ctx, T value, Throwable failure, Consumer<T> onSuccess) {
        if (failure != null) {
            ctx.fail(failure);
            return;
        }
        try {
            onSuccess.accept(value);
        } catch (RuntimeException e) {
            ctx.fail(e);
        }
    }
}
