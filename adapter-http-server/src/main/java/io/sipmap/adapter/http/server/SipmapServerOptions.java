package io.sipmap.adapter.http.server;

import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Ipv4Address;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link SipmapRouter} and {@link SipmapVerticle} serve. Immutable; start from {@link #of(Credentials)} and
 * change with the {@code with...} copies.
 *
 * @param credentials     who may call, for which account
 * @param publicBaseUrl   the scheme, host and optional path under which clients reach {@code /v1}, without a trailing
 *                        slash (for example {@code https://sipmap.example.com}); empty to take the scheme and
 *                        {@code Host} of each request
 * @param bodyLimit       the largest request body accepted, in bytes; larger ones get 413
 * @param rateLimit       requests per second allowed per account on average, beyond which 429 answers; 0 for no limit
 * @param rateBurst       how many requests an account may make at once before the average applies (a token bucket
 *                        of this size refilled at {@code rateLimit} per second); at least 1 when there is a limit
 * @param clock           the time the rate limit counts in
 * @param host            the address {@link SipmapVerticle} listens on
 * @param port            the port {@link SipmapVerticle} listens on, 0 for any free port
 * @param requestLog      whether to log one line per request (method, path, status, milliseconds)
 * @param shutdownTimeout how long {@link SipmapVerticle} lets in-flight requests finish when stopped
 * @param idleTimeout     how long {@link SipmapVerticle} keeps a connection on which nothing is read or written: a
 *                        client that stops sending in the middle of its headers or body, or keeps an idle connection,
 *                        is cut off after it
 * @param requestTimeout  how long {@link SipmapVerticle} gives a client to send a request's head (from the
 *                        connection's opening or the previous answer) and then its body: a client trickling bytes,
 *                        never idle, is cut off after it, with a 408 when its request had begun
 * @param corsOrigins     the web origins ({@code https://console.example.com}) whose pages may call with the
 *                        browser's stored credentials: their {@code Origin} is reflected with
 *                        {@code Access-Control-Allow-Credentials: true}. Every other origin gets
 *                        {@code Access-Control-Allow-Origin: *}, as from Twilio, with which browsers send no
 *                        credentials. Empty by default: no page of another origin can act with an operator's login.
 * @param tls             the PEM certificate chain and private key {@link SipmapVerticle} serves HTTPS with; empty
 *                        for plain HTTP
 * @param observer        told of every answered request (for metrics); empty for none
 * @param feed            how the change feed streams ({@code GET /sipmap/v1/Changes})
 * @param publicRoutes    the host's own routes, served without credentials beside the API (a web console's files);
 *                        none by default
 * @param addressFamilies whether IP records, resolve and batches take IPv6 addresses too (the default) or IPv4 only,
 *                        as Twilio does
 */
public record SipmapServerOptions(Credentials credentials, Optional<String> publicBaseUrl, long bodyLimit,
                                  int rateLimit, int rateBurst, Clock clock, String host, int port, boolean requestLog,
                                  Duration shutdownTimeout, Duration idleTimeout, Duration requestTimeout,
                                  List<String> corsOrigins, Optional<Tls> tls, Optional<RequestObserver> observer,
                                  Feed feed, List<PublicRoute> publicRoutes, AddressFamilies addressFamilies) {

    public static final long DEFAULT_BODY_LIMIT = 16 * 1024;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public SipmapServerOptions {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(observer, "observer");
        publicBaseUrl = Objects.requireNonNull(publicBaseUrl, "publicBaseUrl").map(SipmapServerOptions::checkBaseUrl);
        if (bodyLimit < 1) {
            throw new IllegalArgumentException("bodyLimit must be positive, got " + bodyLimit);
        }
        if (rateLimit < 0) {
            throw new IllegalArgumentException("rateLimit must be 0 (none) or positive, got " + rateLimit);
        }
        if (rateBurst < 0 || rateLimit > 0 && rateBurst < 1) {
            throw new IllegalArgumentException("rateBurst must be at least 1 with a rate limit, got " + rateBurst);
        }
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("idleTimeout must be at least 1 ms, got " + idleTimeout);
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("requestTimeout must be at least 1 ms, got " + requestTimeout);
        }
        corsOrigins = Objects.requireNonNull(corsOrigins, "corsOrigins").stream()
                .map(SipmapServerOptions::checkOrigin).distinct().toList();
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(feed, "feed");
        publicRoutes = List.copyOf(Objects.requireNonNull(publicRoutes, "publicRoutes"));
        Objects.requireNonNull(addressFamilies, "addressFamilies");
    }

    /** Which addresses an IP record and a resolve take. */
    public enum AddressFamilies {
        /** IPv4 only, as Twilio: an IPv6 address is refused as any invalid address is (400, 20001). */
        IPV4,
        /** IPv4 and IPv6, sipmap's extension: the default. */
        IPV4_AND_IPV6;

        /** Parses an address of the families allowed, naming {@code parameter} in the error. */
        public IpAddress parse(String text, String parameter) {
            return this == IPV4 ? Ipv4Address.parse(text, parameter) : IpAddress.parse(text, parameter);
        }
    }

    /** These options, taking addresses of {@code value} only. */
    public SipmapServerOptions withAddressFamilies(AddressFamilies value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, rateBurst, clock, host, port,
                requestLog, shutdownTimeout, idleTimeout, requestTimeout, corsOrigins, tls, observer, feed,
                publicRoutes, value);
    }

    /**
     * How {@code GET /sipmap/v1/Changes} streams.
     *
     * @param keepAlive      the period of {@code : keep-alive} comments: at each, a stream quiet for half of it or more
     *                       gets one, so none is silent for more than one and a half periods; keep that under the idle
     *                       timeout, and under proxies' read timeouts, so that a quiet stream is not cut
     * @param bufferedEvents how many changes a subscriber may be behind, queued for it while its connection does not
     *                       take them; one more and it is sent {@code reset} and closed, so that a slow subscriber
     *                       costs bounded memory and never holds writers or other subscribers back; at least 1
     */
    public record Feed(Duration keepAlive, int bufferedEvents) {

        public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(15);
        public static final int DEFAULT_BUFFERED_EVENTS = 1000;
        /** A keep-alive every 15 s, 1000 changes buffered per subscriber. */
        public static final Feed DEFAULT = new Feed(DEFAULT_KEEP_ALIVE, DEFAULT_BUFFERED_EVENTS);

        public Feed {
            Objects.requireNonNull(keepAlive, "keepAlive");
            if (keepAlive.toMillis() < 1) {
                throw new IllegalArgumentException("keepAlive must be at least 1 ms, got " + keepAlive);
            }
            if (bufferedEvents < 1) {
                throw new IllegalArgumentException("bufferedEvents must be at least 1, got " + bufferedEvents);
            }
        }
    }

    /**
     * A route of the host's own, served without credentials, before authentication, for GET and HEAD only (whatever
     * is served without credentials can only be read): the request id, the request log, the metrics and CORS apply
     * to it as to the API, and its handler answers (or fails the request, with a status answered as a Twilio error).
     * Another method on its path needs credentials, as on any path, and is then answered 405. Its path is outside
     * the API's {@code /v1} and {@code /sipmap}, which always ask for credentials (bar the OpenAPI document): a public
     * route can never shadow or open one of them.
     *
     * @param path    a Vert.x route path, such as {@code /console} or {@code /console/*}
     * @param handler what answers it, on the event loop
     */
    public record PublicRoute(String path, io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> handler) {
        public PublicRoute {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(handler, "handler");
            String lower = path.toLowerCase(Locale.ROOT);
            if (!path.matches("/[A-Za-z0-9_~-][A-Za-z0-9._~-]*(/[A-Za-z0-9._~/-]*\\*?)?") || path.contains("..")
                    || apiPath(lower, "/v1") || apiPath(lower, "/sipmap")) {
                throw new IllegalArgumentException("A public route is a path outside /v1 and /sipmap, such as"
                        + " /console/*; got " + path);
            }
        }

        private static boolean apiPath(String path, String api) {
            return path.equals(api) || path.startsWith(api + "/");
        }
    }

    /**
     * Where {@link SipmapVerticle} finds the PEM files it serves HTTPS with.
     *
     * @param certificatePath the server's certificate, then any intermediate ones, PEM
     * @param keyPath         its private key, PEM (PKCS#8 or PKCS#1)
     */
    public record Tls(String certificatePath, String keyPath) {
        public Tls {
            Objects.requireNonNull(certificatePath, "certificatePath");
            Objects.requireNonNull(keyPath, "keyPath");
        }
    }

    /**
     * The defaults: no public base URL, 16 KiB bodies, no rate limit, 127.0.0.1:8080, no request log, 10 s to finish
     * on shutdown, connections idle for 30 s closed, 30 s to send a request, no origin
     * allowed the browser's credentials, plain HTTP.
     */
    public static SipmapServerOptions of(Credentials credentials) {
        return new SipmapServerOptions(credentials, Optional.empty(), DEFAULT_BODY_LIMIT, 0, 0, Clock.systemUTC(),
                DEFAULT_HOST, DEFAULT_PORT, false, DEFAULT_SHUTDOWN_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_REQUEST_TIMEOUT, List.of(), Optional.empty(), Optional.empty(), Feed.DEFAULT, List.of(),
                AddressFamilies.IPV4_AND_IPV6);
    }

    public SipmapServerOptions withCredentials(Credentials value) {
        return new SipmapServerOptions(value, publicBaseUrl, bodyLimit, rateLimit, rateBurst, clock, host, port,
                requestLog, shutdownTimeout, idleTimeout, requestTimeout, corsOrigins, tls, observer, feed,
                publicRoutes, addressFamilies);
    }

    /** @param value an absolute http or https URL, or null for none */
    public SipmapServerOptions withPublicBaseUrl(String value) {
        return new SipmapServerOptions(credentials, Optional.ofNullable(value), bodyLimit, rateLimit, rateBurst, clock,
                host, port, requestLog, shutdownTimeout, idleTimeout, requestTimeout, corsOrigins, tls, observer,
                feed, publicRoutes, addressFamilies);
    }

    public SipmapServerOptions withBodyLimit(long value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, value, rateLimit, rateBurst, clock, host, port,
                requestLog, shutdownTimeout, idleTimeout, requestTimeout, corsOrigins, tls, observer, feed,
                publicRoutes, addressFamilies);
    }

    /** A limit of {@code perSecond} requests per second per account, with a burst of as many; 0 for none. */
    public SipmapServerOptions withRateLimit(int perSecond, Clock valueClock) {
        return withRateLimit(perSecond, perSecond, valueClock);
    }

    /**
     * A limit of {@code perSecond} requests per second per account on average, of which {@code burst} may come at
     * once; 0 and 0 for none.
     */
    public SipmapServerOptions withRateLimit(int perSecond, int burst, Clock valueClock) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, perSecond, burst, valueClock, host, port,
                requestLog, shutdownTimeout, idleTimeout, requestTimeout, corsOrigins, tls, observer, feed,
                publicRoutes, addressFamilies);
    }

    public SipmapServerOptions withHost(String value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, rateBurst, clock, value, port,
                requestLog, shutdownTimeout, idleTimeout, requestTimeout, corsOrigins, tls, observer, feed,
                publicRoutes, addressFamilies);
    }

    public SipmapServerOptions withPort(int value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, rateBurst, clock, host, value,
                requestLog, shutdownTimeout, idleTimeout, requestTimeout, corsOrigins, tls, observer, feed,
                publicRoutes, addressFamilies);
    }

    public SipmapServerOptions withRequestLog(boolean value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, rateBurst, clock, host, port,
                value, shutdownTimeout, idleTimeout, requestTimeout, corsOrigins, tls, observer, feed, publicRoutes, addressFamilies);
    }

    /** Tells {@code value} of every answered request, or no one when it is null. */
    public SipmapServerOptions withRequestObserver(RequestObserver value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, rateBurst, clock, host, port,
                requestLog, shutdownTimeout, idleTimeout, requestTimeout, corsOrigins, tls, Optional.ofNullable(value),
                feed, publicRoutes, addressFamilies);
    }

    public SipmapServerOptions withShutdownTimeout(Duration value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, rateBurst, clock, host, port,
                requestLog, value, idleTimeout, requestTimeout, corsOrigins, tls, observer, feed, publicRoutes, addressFamilies);
    }

    public SipmapServerOptions withIdleTimeout(Duration value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, rateBurst, clock, host, port,
                requestLog, shutdownTimeout, value, requestTimeout, corsOrigins, tls, observer, feed, publicRoutes, addressFamilies);
    }

    public SipmapServerOptions withRequestTimeout(Duration value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, rateBurst, clock, host, port,
                requestLog, shutdownTimeout, idleTimeout, value, corsOrigins, tls, observer, feed, publicRoutes, addressFamilies);
    }

    /**
     * These options, with the pages of {@code origins} allowed to call with the browser's credentials (see
     * {@link #corsOrigins()}); each a scheme, host and optional port, as a browser sends it in {@code Origin}.
     */
    public SipmapServerOptions withCorsOrigins(List<String> origins) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, rateBurst, clock, host, port,
                requestLog, shutdownTimeout, idleTimeout, requestTimeout, origins, tls, observer, feed, publicRoutes, addressFamilies);
    }

    /** These options serving HTTPS with {@code value}, or plain HTTP when null. */
    public SipmapServerOptions withTls(Tls value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, rateBurst, clock, host, port,
                requestLog, shutdownTimeout, idleTimeout, requestTimeout, corsOrigins, Optional.ofNullable(value),
                observer, feed, publicRoutes, addressFamilies);
    }

    /** These options, streaming the change feed as {@code value} says. */
    public SipmapServerOptions withFeed(Feed value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, rateBurst, clock, host, port,
                requestLog, shutdownTimeout, idleTimeout, requestTimeout, corsOrigins, tls, observer, value,
                publicRoutes, addressFamilies);
    }

    /** These options, with {@code route} served without credentials beside the API (see {@link PublicRoute}). */
    public SipmapServerOptions withPublicRoute(PublicRoute route) {
        var routes = new java.util.ArrayList<>(publicRoutes);
        routes.add(Objects.requireNonNull(route, "route"));
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, rateBurst, clock, host, port,
                requestLog, shutdownTimeout, idleTimeout, requestTimeout, corsOrigins, tls, observer, feed, routes, addressFamilies);
    }

    /**
     * An origin as browsers send it: http or https, a host, an optional port, nothing else; lower case. {@code *} is
     * refused: any page could then act with the operator's stored credentials.
     */
    private static String checkOrigin(String origin) {
        Objects.requireNonNull(origin, "origin");
        try {
            URI uri = new URI(origin);
            boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            boolean bare = uri.getRawPath() == null || uri.getRawPath().isEmpty();
            if (web && uri.getHost() != null && bare && uri.getRawUserInfo() == null && uri.getRawQuery() == null
                    && uri.getRawFragment() == null) {
                return origin.toLowerCase(Locale.ROOT);
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw new IllegalArgumentException("A CORS origin is a scheme, host and optional port, such as"
                + " https://console.example.com, without path or wildcard; got " + origin);
    }

    private static String checkBaseUrl(String url) {
        try {
            URI uri = new URI(url);
            boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (!web || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
                throw new IllegalArgumentException(
                        "The public base URL must be an http or https URL without query, got " + url);
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("The public base URL is not a URL: " + url, e);
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
