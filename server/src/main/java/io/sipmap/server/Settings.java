package io.sipmap.server;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the server is started with; {@link ServerCommand} reads it from flags and the environment.
 *
 * @param host            the address to listen on
 * @param port            the port, 0 for any free one
 * @param publicBaseUrl   where clients reach {@code /v1}, for the urls in answers; default the request's Host
 * @param account         the account the server accepts
 * @param authToken       its auth token
 * @param apiKey          optionally, an {@code SK...} API key of the account
 * @param apiSecret       that key's secret
 * @param generated       whether the account and token were made up at start, so are printed
 * @param rateLimit       requests per second per account on average, answered 429 beyond; 0 for no limit
 * @param rateBurst       how many of them may come at once
 * @param idleTimeout     a connection on which nothing moves for this long is closed
 * @param requestTimeout  a client that takes longer to send a request is answered 408 and cut off
 * @param shutdownTimeout how long requests in flight may take to finish when the server stops
 * @param bodyLimit       the largest request body accepted, in bytes
 * @param managementHost  the address of the management endpoints (health, metrics)
 * @param managementPort  their port, 0 for any free one, -1 for none
 * @param metrics         whether metrics are collected and served
 * @param credentialsFile accounts and API keys with the digests of their secrets ({@link CredentialsFile}), re-read
 *                        when it changes; with it, {@code account} and {@code authToken} may be null
 * @param store           where records are kept
 * @param dataDir         the directory of the embedded PostgreSQL's data, for {@link Storage.Kind#EMBEDDED}
 * @param database        the PostgreSQL to use, for {@link Storage.Kind#POSTGRES}
 * @param requestLog      whether each request is logged, one line each
 * @param corsOrigins     the web origins allowed to call with a browser's stored credentials; every other one gets
 *                        {@code Access-Control-Allow-Origin: *}
 * @param tls             the PEM certificate and key to serve HTTPS with; empty for plain HTTP
 * @param logFormat       how log records are written to standard output
 */
record Settings(String host, int port, Optional<String> publicBaseUrl, AccountSid account, String authToken,
                Optional<ApiKeySid> apiKey, Optional<String> apiSecret, boolean generated, int rateLimit,
                int rateBurst, Duration idleTimeout, Duration requestTimeout, Duration shutdownTimeout,
                long bodyLimit, String managementHost, int managementPort, boolean metrics,
                Optional<Path> credentialsFile, Storage.Kind store, Path dataDir,
                Optional<PgConnectOptions> database, boolean requestLog, List<String> corsOrigins,
                Optional<SipmapServerOptions.Tls> tls, LogFormat logFormat) {

    static final String DEFAULT_DATA_DIR = "sipmap-data";

    /** How log records are written: one line of text each, or one JSON object a line. */
    enum LogFormat {
        TEXT, JSON;

        static LogFormat parse(String value) {
            for (LogFormat format : values()) {
                if (format.name().equalsIgnoreCase(value)) {
                    return format;
                }
            }
            throw new IllegalArgumentException("text or json, got " + value);
        }
    }

    static final String DEFAULT_MANAGEMENT_HOST = "127.0.0.1";
    static final int DEFAULT_MANAGEMENT_PORT = 8081;

    /** The defaults of everything but where to listen and whom to accept; management on any free port. */
    Settings(String host, int port, AccountSid account, String authToken) {
        this(host, port, Optional.empty(), account, authToken, Optional.empty(), Optional.empty(), false, 0, 0,
                SipmapServerOptions.DEFAULT_IDLE_TIMEOUT, SipmapServerOptions.DEFAULT_REQUEST_TIMEOUT,
                SipmapServerOptions.DEFAULT_SHUTDOWN_TIMEOUT, SipmapServerOptions.DEFAULT_BODY_LIMIT,
                DEFAULT_MANAGEMENT_HOST, 0, true, Optional.empty(), Storage.Kind.MEMORY, Path.of(DEFAULT_DATA_DIR),
                Optional.empty(), true, List.of(), Optional.empty(), LogFormat.TEXT);
    }

    Settings withRateLimit(int perSecond, int burst) {
        return new Settings(host, port, publicBaseUrl, account, authToken, apiKey, apiSecret, generated, perSecond,
                burst, idleTimeout, requestTimeout, shutdownTimeout, bodyLimit, managementHost, managementPort,
                metrics, credentialsFile, store, dataDir, database, requestLog, corsOrigins, tls,
                logFormat);
    }

    Settings withManagement(int newPort, boolean newMetrics) {
        return new Settings(host, port, publicBaseUrl, account, authToken, apiKey, apiSecret, generated, rateLimit,
                rateBurst, idleTimeout, requestTimeout, shutdownTimeout, bodyLimit, managementHost, newPort,
                newMetrics, credentialsFile, store, dataDir, database, requestLog, corsOrigins, tls,
                logFormat);
    }

    /** These settings over the embedded PostgreSQL with its data in {@code directory}. */
    Settings withEmbeddedStore(Path directory) {
        return new Settings(host, port, publicBaseUrl, account, authToken, apiKey, apiSecret, generated, rateLimit,
                rateBurst, idleTimeout, requestTimeout, shutdownTimeout, bodyLimit, managementHost, managementPort,
                metrics, credentialsFile, Storage.Kind.EMBEDDED, directory, Optional.empty(), requestLog, corsOrigins,
                tls, logFormat);
    }

    /** These settings over an existing PostgreSQL. */
    Settings withPostgresStore(PgConnectOptions connect) {
        return new Settings(host, port, publicBaseUrl, account, authToken, apiKey, apiSecret, generated, rateLimit,
                rateBurst, idleTimeout, requestTimeout, shutdownTimeout, bodyLimit, managementHost, managementPort,
                metrics, credentialsFile, Storage.Kind.POSTGRES, dataDir, Optional.of(connect), requestLog,
                corsOrigins, tls, logFormat);
    }

    /** These settings, serving HTTPS with {@code value}, or plain HTTP when null. */
    Settings withTls(SipmapServerOptions.Tls value) {
        return new Settings(host, port, publicBaseUrl, account, authToken, apiKey, apiSecret, generated, rateLimit,
                rateBurst, idleTimeout, requestTimeout, shutdownTimeout, bodyLimit, managementHost, managementPort,
                metrics, credentialsFile, store, dataDir, database, requestLog, corsOrigins,
                Optional.ofNullable(value), logFormat);
    }

    /** Whether the API listens on a loopback address only (127.0.0.0/8, ::1, localhost). */
    boolean loopbackOnly() {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The credentials given in the environment (none when there are only those of the credentials file). */
    Credentials credentials() {
        if (account == null) {
            return Credentials.none();
        }
        Credentials credentials = Credentials.of(account, authToken);
        if (apiKey.isPresent()) {
            credentials = credentials.withApiKey(apiKey.get(), apiSecret.orElseThrow(), account);
        }
        return credentials;
    }

    /** The HTTP adapter's options for these settings, with the environment's credentials. */
    SipmapServerOptions options() {
        return SipmapServerOptions.of(credentials())
                .withHost(host)
                .withPort(port)
                .withPublicBaseUrl(publicBaseUrl.orElse(null))
                .withRequestLog(requestLog)
                .withRateLimit(rateLimit, rateBurst, Clock.systemUTC())
                .withIdleTimeout(idleTimeout)
                .withRequestTimeout(requestTimeout)
                .withShutdownTimeout(shutdownTimeout)
                .withBodyLimit(bodyLimit)
                .withCorsOrigins(corsOrigins)
                .withTls(tls.orElse(null))
                .withFeed(new SipmapServerOptions.Feed(keepAlive(idleTimeout),
                        SipmapServerOptions.Feed.DEFAULT_BUFFERED_EVENTS));
    }

    /**
     * The change feed's keep-alive period for an idle timeout: a quiet stream gets a comment at least every one and a
     * half periods, so a third of the idle timeout (at most the default) keeps every quiet stream open.
     */
    static Duration keepAlive(Duration idleTimeout) {
        Duration third = idleTimeout.dividedBy(3);
        return third.compareTo(SipmapServerOptions.Feed.DEFAULT_KEEP_ALIVE) < 0 && third.toMillis() >= 1 ? third
                : SipmapServerOptions.Feed.DEFAULT_KEEP_ALIVE;
    }

    /** Without the token and the secret, so that settings can be logged. */
    @Override
    public String toString() {
        return "Settings[host=" + host + ", port=" + port + ", publicBaseUrl=" + publicBaseUrl + ", account="
                + account + ", apiKey=" + apiKey + ", generated=" + generated + ", rateLimit=" + rateLimit
                + ", rateBurst=" + rateBurst + ", idleTimeout=" + idleTimeout + ", requestTimeout=" + requestTimeout
                + ", shutdownTimeout=" + shutdownTimeout + ", bodyLimit=" + bodyLimit + ", managementHost="
                + managementHost + ", managementPort=" + managementPort + ", metrics=" + metrics + ", credentialsFile="
                + credentialsFile + ", store=" + store.label() + ", dataDir=" + dataDir + ", database="
                + database.map(Storage::describe) + ", requestLog=" + requestLog + ", corsOrigins=" + corsOrigins
                + ", tls=" + tls + ", logFormat=" + logFormat + "]";
    }
}
