package io.sipmap.server;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.vertx.pgclient.PgConnectOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What the server is started with, one small immutable value per concern, so that a new setting widens only its own;
 * {@link ServerCommand} reads them from flags and the environment.
 *
 * @param http       the HTTP adapter's own options (where to listen, limits, timeouts, TLS, CORS, the feed), with no
 *                   credentials: those are {@code accounts}', joined at start with the credentials file's
 * @param accounts   whom the server accepts
 * @param management the health and metrics endpoints
 * @param store      where records are kept
 * @param logFormat  how log records are written to standard output
 */
record Settings(SipmapServerOptions http, Accounts accounts, Management management, Store store,
                LogFormat logFormat) {

    static final String DEFAULT_DATA_DIR = "sipmap-data";

    /**
     * The accounts accepted: one from the environment, and those of a credentials file.
     *
     * @param account         the account given in the environment; null when there are only the file's
     * @param authToken       its auth token
     * @param apiKey          optionally, an {@code SK...} API key of the account, with its {@code apiSecret}
     * @param generated       whether the account and token were made up at this start, so are printed
     * @param credentialsFile accounts and API keys with the digests of their secrets ({@link CredentialsFile}),
     *                        re-read when it changes
     * @param keptIn          the file that keeps made-up credentials for later starts ({@link KeptCredentials})
     */
    record Accounts(AccountSid account, String authToken, Optional<ApiKeySid> apiKey, Optional<String> apiSecret,
                    boolean generated, Optional<Path> credentialsFile, Optional<Path> keptIn) {

        /** These made-up accounts as kept in {@code file}: made up now ({@code madeNow}), or at an earlier start. */
        Accounts kept(AccountSid keptAccount, String keptToken, Path file, boolean madeNow) {
            return new Accounts(keptAccount, keptToken, apiKey, apiSecret, madeNow, credentialsFile, Optional.of(file));
        }

        /** The credentials given in the environment (none when there are only those of the credentials file). */
        Credentials credentials() {
            if (account == null) {
                return Credentials.none();
            }
            Credentials credentials = Credentials.of(account, authToken);
            return apiKey.map(key -> credentials.withApiKey(key, apiSecret.orElseThrow(), account)).orElse(credentials);
        }

        /** Without the token and the secret, so that settings can be logged. */
        @Override
        public String toString() {
            return "Accounts[account=" + account + ", apiKey=" + apiKey + ", generated=" + generated
                    + ", credentialsFile=" + credentialsFile + ", keptIn=" + keptIn + "]";
        }
    }

    /** The health and metrics endpoints, never on the API's port: {@code port} 0 for any free one, -1 for none. */
    record Management(String host, int port, boolean metrics) {
        static final String DEFAULT_HOST = "127.0.0.1";
        static final int DEFAULT_PORT = 8081;
    }

    /**
     * @param dataDir  the directory of the embedded PostgreSQL's data, for {@link Storage.Kind#EMBEDDED}
     * @param database the PostgreSQL to use, for {@link Storage.Kind#POSTGRES}
     */
    record Store(Storage.Kind kind, Path dataDir, Optional<PgConnectOptions> database) {

        static final Store MEMORY = new Store(Storage.Kind.MEMORY, Path.of(DEFAULT_DATA_DIR), Optional.empty());

        static Store embedded(Path directory) {
            return new Store(Storage.Kind.EMBEDDED, directory, Optional.empty());
        }

        static Store postgres(PgConnectOptions connect) {
            return new Store(Storage.Kind.POSTGRES, Path.of(DEFAULT_DATA_DIR), Optional.of(connect));
        }

        /** Never the database's password. */
        @Override
        public String toString() {
            return "Store[" + kind.label() + ", dataDir=" + dataDir + ", database=" + database.map(Storage::describe)
                    + "]";
        }
    }

    /** How log records are written: one line of text each, or one JSON object a line. */
    enum LogFormat {
        TEXT, JSON;

        static LogFormat parse(String value) {
            return Arrays.stream(values()).filter(format -> format.name().equalsIgnoreCase(value)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("text or json, got " + value));
        }
    }

    /**
     * The address families of {@code --address-families}: {@code ipv4,ipv6} (either order) or {@code ipv4}, in any
     * case. IPv6 alone is no choice: Twilio's clients send IPv4.
     */
    static SipmapServerOptions.AddressFamilies addressFamilies(String value) {
        String families = value == null ? "" : value.strip().toLowerCase(Locale.ROOT).replace(" ", "");
        if (families.equals("ipv4")) {
            return SipmapServerOptions.AddressFamilies.IPV4;
        }
        if (families.equals("ipv4,ipv6") || families.equals("ipv6,ipv4")) {
            return SipmapServerOptions.AddressFamilies.IPV4_AND_IPV6;
        }
        throw new IllegalArgumentException("ipv4 or ipv4,ipv6, got " + value);
    }

    /** The defaults of everything but where to listen and whom to accept: memory, management on any free port. */
    static Settings of(String host, int port, AccountSid account, String authToken) {
        return new Settings(http(SipmapServerOptions.DEFAULT_IDLE_TIMEOUT).withHost(host).withPort(port),
                new Accounts(account, authToken, Optional.empty(), Optional.empty(), false, Optional.empty(),
                        Optional.empty()),
                new Management(Management.DEFAULT_HOST, 0, true), Store.MEMORY,
                LogFormat.TEXT);
    }

    /** The adapter's defaults with the request log on and the feed's keep-alive fitted to {@code idleTimeout}. */
    static SipmapServerOptions http(Duration idleTimeout) {
        return SipmapServerOptions.of(Credentials.none()).withRequestLog(true).withRateLimit(0, 0, Clock.systemUTC())
                .withIdleTimeout(idleTimeout)
                .withFeed(new SipmapServerOptions.Feed(keepAlive(idleTimeout),
                        SipmapServerOptions.Feed.DEFAULT_BUFFERED_EVENTS));
    }

    Settings with(SipmapServerOptions value) {
        return new Settings(value, accounts, management, store, logFormat);
    }

    Settings with(Accounts value) {
        return new Settings(http, value, management, store, logFormat);
    }

    Settings with(Management value) {
        return new Settings(http, accounts, value, store, logFormat);
    }

    Settings with(Store value) {
        return new Settings(http, accounts, management, value, logFormat);
    }

    /** Whether the API listens on a loopback address only (127.0.0.0/8, ::1, localhost). */
    boolean loopbackOnly() {
        try {
            return InetAddress.getByName(http.host()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The HTTP adapter's options with the environment's credentials. */
    SipmapServerOptions options() {
        return http.withCredentials(accounts.credentials());
    }

    /** A third of the idle timeout (at most the default): quiet streams get a comment every 1.5 periods at most. */
    static Duration keepAlive(Duration idleTimeout) {
        Duration third = idleTimeout.dividedBy(3);
        return third.compareTo(SipmapServerOptions.Feed.DEFAULT_KEEP_ALIVE) < 0 && third.toMillis() >= 1 ? third
                : SipmapServerOptions.Feed.DEFAULT_KEEP_ALIVE;
    }
}
