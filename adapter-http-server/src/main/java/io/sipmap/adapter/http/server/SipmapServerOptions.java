package io.sipmap.adapter.http.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
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
 * @param rateLimit       requests per second allowed per account, beyond which 429 answers; 0 for no limit
 * @param clock           the time the rate limit counts in
 * @param host            the address {@link SipmapVerticle} listens on
 * @param port            the port {@link SipmapVerticle} listens on, 0 for any free port
 * @param requestLog      whether to log one line per request (method, path, status, milliseconds)
 * @param shutdownTimeout how long {@link SipmapVerticle} lets in-flight requests finish when stopped
 */
public record SipmapServerOptions(Credentials credentials, Optional<String> publicBaseUrl, long bodyLimit,
                                  int rateLimit, Clock clock, String host, int port, boolean requestLog,
                                  Duration shutdownTimeout) {

    public static final long DEFAULT_BODY_LIMIT = 16 * 1024;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    public SipmapServerOptions {
        Objects.requireNonNull(credentials, "credentials");
        publicBaseUrl = Objects.requireNonNull(publicBaseUrl, "publicBaseUrl").map(SipmapServerOptions::checkBaseUrl);
        if (bodyLimit < 1) {
            throw new IllegalArgumentException("bodyLimit must be positive, got " + bodyLimit);
        }
        if (rateLimit < 0) {
            throw new IllegalArgumentException("rateLimit must be 0 (none) or positive, got " + rateLimit);
        }
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    }

    /** The defaults: no public base URL, 16 KiB bodies, no rate limit, 127.0.0.1:8080, no request log. */
    public static SipmapServerOptions of(Credentials credentials) {
        return new SipmapServerOptions(credentials, Optional.empty(), DEFAULT_BODY_LIMIT, 0, Clock.systemUTC(),
                DEFAULT_HOST, DEFAULT_PORT, false, DEFAULT_SHUTDOWN_TIMEOUT);
    }

    public SipmapServerOptions withCredentials(Credentials value) {
        return new SipmapServerOptions(value, publicBaseUrl, bodyLimit, rateLimit, clock, host, port, requestLog,
                shutdownTimeout);
    }

    /** @param value an absolute http or https URL, or null for none */
    public SipmapServerOptions withPublicBaseUrl(String value) {
        return new SipmapServerOptions(credentials, Optional.ofNullable(value), bodyLimit, rateLimit, clock, host, port,
                requestLog, shutdownTimeout);
    }

    public SipmapServerOptions withBodyLimit(long value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, value, rateLimit, clock, host, port, requestLog,
                shutdownTimeout);
    }

    public SipmapServerOptions withRateLimit(int value, Clock valueClock) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, value, valueClock, host, port,
                requestLog, shutdownTimeout);
    }

    public SipmapServerOptions withHost(String value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, clock, value, port,
                requestLog, shutdownTimeout);
    }

    public SipmapServerOptions withPort(int value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, clock, host, value,
                requestLog, shutdownTimeout);
    }

    public SipmapServerOptions withRequestLog(boolean value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, clock, host, port, value,
                shutdownTimeout);
    }

    public SipmapServerOptions withShutdownTimeout(Duration value) {
        return new SipmapServerOptions(credentials, publicBaseUrl, bodyLimit, rateLimit, clock, host, port,
                requestLog, value);
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
