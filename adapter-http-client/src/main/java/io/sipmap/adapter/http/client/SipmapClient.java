package io.sipmap.adapter.http.client;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.SipmapException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A client for Twilio's Voice v1 Source IP Mappings and IP Records, or for a sipmap server speaking the same wire.
 *
 * <pre>{@code
 * try (SipmapClient client = SipmapClient.builder()
 *         .accountCredentials(account, authToken)      // or apiKeyCredentials(keySid, secret, account)
 *         .build()) {                                  // https://voice.twilio.com unless baseUrl(...) says otherwise
 *     IpRecord record = client.ipRecords().create(account, CreateIpRecord.of("192.0.2.10"))
 *             .toCompletableFuture().get(10, SECONDS);
 * }
 * }</pre>
 *
 * <p>The client acts for one account, the one its credentials belong to. It runs on Vert.x: on a {@link Vertx} it
 * creates (and closes) unless one is given, and stages complete on Vert.x event loops, so heavy follow-up work belongs
 * on the {@code ...Async(fn, executor)} variants. Thread-safe; build one and share it.
 */
public final class SipmapClient implements AutoCloseable {

    /** Twilio's Voice API. */
    public static final String TWILIO_BASE_URL = "https://voice.twilio.com";

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final WebClient webClient;
    private final boolean ownsWebClient;
    private final HttpIpRecords ipRecords;
    private final HttpSourceIpMappings sourceIpMappings;
    private final HttpBatches batches;
    private final HttpSipDomainResolver sipDomainResolver;
    private final AccountSid account;
    private final ClientCore core;
    private final HttpClientOptions streamOptions;
    /** The followers and live resolvers made here and not closed yet: closed with the client. */
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();

    private SipmapClient(Builder b) {
        URI base = parseBaseUrl(b.baseUrl);
        this.ownsVertx = b.vertx == null;
        this.vertx = ownsVertx ? Vertx.vertx() : b.vertx;
        this.ownsWebClient = b.webClient == null;
        String userAgent = "sipmap-java/" + version();
        this.webClient = ownsWebClient
                ? WebClient.create(vertx, new WebClientOptions()
                        .setUserAgent(userAgent)
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, b.connectTimeout.toMillis()))
                        .setVerifyHost(true)
                        .setTrustAll(false)
                        .setFollowRedirects(false))
                : b.webClient;
        Transport transport = new Transport(vertx, webClient, base, b.username, b.password, userAgent,
                b.connectTimeout, b.requestTimeout, b.retryPolicy);
        this.streamOptions = new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, b.connectTimeout.toMillis()))
                .setVerifyHost(true)
                .setTrustAll(false);
        this.core = new ClientCore(vertx, b.account, transport);
        this.ipRecords = new HttpIpRecords(core);
        this.sourceIpMappings = new HttpSourceIpMappings(core);
        this.batches = new HttpBatches(core);
        this.sipDomainResolver = new HttpSipDomainResolver(core);
        this.account = b.account;
    }

    /** A builder with Twilio's base URL, a 10 s connect and 30 s request timeout and {@link RetryPolicy#defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The account this client acts for: the account of its credentials. */
    public AccountSid account() {
        return account;
    }

    public HttpIpRecords ipRecords() {
        return ipRecords;
    }

    public HttpSourceIpMappings sourceIpMappings() {
        return sourceIpMappings;
    }

    /** The sipmap server's batch extension: many changes in one request, all or nothing. */
    public HttpBatches batches() {
        return batches;
    }

    /** The sipmap server's resolve extension; against Twilio, which has none, its calls fail with NotFound. */
    public HttpSipDomainResolver sipDomainResolver() {
        return sipDomainResolver;
    }

    /**
     * A replica of the account's resolutions in this process, kept current from the change feed (see
     * {@link LiveSipDomainResolver}, also for Twilio). It starts loading at once; wait for
     * {@link LiveSipDomainResolver#ready()} and close it (or this client) when done. Mapping writes made through this
     * client are seen by its resolutions as soon as they complete. Its stream is made as {@link #followChanges}' is.
     *
     * @throws SipmapException.InvalidParameter when {@code account} is not this client's
     */
    public LiveSipDomainResolver liveResolver(AccountSid account) {
        return liveResolver(account, LiveResolverOptions.defaults());
    }

    /** {@link #liveResolver(AccountSid)} with its back-off, stall timeout and wait bound chosen. */
    public LiveSipDomainResolver liveResolver(AccountSid account, LiveResolverOptions options) {
        Objects.requireNonNull(options, "options");
        if (!this.account.equals(account)) {
            throw new SipmapException.InvalidParameter("AccountSid", "This client acts for account " + this.account
                    + " (the account of its credentials), not for " + account);
        }
        return opened(new LiveSipDomainResolver(core, this, options));
    }

    /**
     * Follows this account's change feed, a sipmap server extension: {@code loader} loads the snapshot the changes
     * start from (an export; again after a reset or a gap), and {@code listener} gets it and then each change, in order
     * (see {@link ChangeFollower}). It starts at once; close it (or this client) when done. Its stream uses a
     * connection of its own, made with this client's connect timeout and the JDK's trust store (not the TLS settings of
     * a {@link Builder#webClient} given).
     */
    public <S extends ChangeFollower.Snapshot> ChangeFollower<S> followChanges(Supplier<Future<S>> loader,
            ChangeFollower.Listener<S> listener, FollowerOptions options) {
        Objects.requireNonNull(options, "options");
        ChangeFollower<S>[] made = new ChangeFollower[1];
        made[0] = new ChangeFollower<>(core, vertx.createHttpClient(streamOptions), options, loader, listener,
                () -> forget(made[0]));
        return opened(made[0]);
    }

    /**
     * The account's Kamailio address file, {@code GET /sipmap/v1/Exports/Kamailio?Group=group} (a sipmap server
     * extension), as the server wrote it. With {@code ifNoneMatch}, the {@code ETag} of a copy the caller holds, a copy
     * still current is answered without text. A {@code GET}, so retried as the client's {@link RetryPolicy} says;
     * completes on a Vert.x event loop; fails as the resources' calls do ({@code NotFound} against Twilio,
     * {@code Upstream} with status 401 for bad credentials), and with {@code Upstream} for an answer without a valid
     * {@code Sipmap-Last-Event-Id}.
     */
    public Future<KamailioExport> kamailioExport(int group, String ifNoneMatch) {
        Transport transport = core.transport();
        String target = "/sipmap/v1/Exports/Kamailio?Group=" + group;
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Accept", "text/plain");
        if (ifNoneMatch != null) {
            headers.add("If-None-Match", ifNoneMatch);
        }
        return transport.get(target, headers, 200, 304).compose(r -> {
            String id = r.getHeader("Sipmap-Last-Event-Id");
            try {
                ChangeId last = ChangeId.parse("Sipmap-Last-Event-Id", id == null ? "" : id);
                Optional<String> text = r.statusCode() == 304 ? Optional.empty()
                        : Optional.of(r.body() == null ? "" : r.body().toString(StandardCharsets.UTF_8));
                return Future.succeededFuture(new KamailioExport(text, r.getHeader("ETag"), last));
            } catch (SipmapException.InvalidParameter e) {
                return Future.failedFuture(new SipmapException.Upstream("GET " + transport.resolve(target) + ": "
                        + e.getMessage(), null, e));
            }
        });
    }

    private <T extends AutoCloseable> T opened(T closeable) {
        open.add(closeable);
        return closeable;
    }

    /** A follower or live resolver closed: no longer closed with the client. */
    void forget(AutoCloseable closed) {
        open.remove(closed);
    }

    /** Closes the followers made here and what this client created, not what it was given; running calls fail. */
    public CompletionStage<Void> closeAsync() {
        for (AutoCloseable closeable : open) {
            try {
                closeable.close();
            } catch (Exception e) { // neither kind throws one
                throw new IllegalStateException(e);
            }
        }
        if (ownsWebClient) {
            webClient.close();
        }
        return (ownsVertx ? vertx.close() : Future.<Void>succeededFuture()).toCompletionStage();
    }

    /** {@link #closeAsync()}, waiting for it; do not call it on a Vert.x thread when the client owns its Vertx. */
    @Override
    public void close() {
        closeAsync().toCompletableFuture().join();
    }

    /** {@code sipmap-java/<version>}'s version: the project version, filtered into a resource at build time. */
    static String version() {
        try (InputStream in = SipmapClient.class.getResourceAsStream("client.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.startsWith("${")) {
                    return v.trim();
                }
            }
        } catch (IOException ignored) {
            // fall through to the manifest
        }
        String manifest = SipmapClient.class.getPackage().getImplementationVersion();
        return manifest == null ? "unknown" : manifest;
    }

    private static URI parseBaseUrl(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("baseUrl is not a URL: " + text, e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an http or https URL with a host, got " + text);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("baseUrl must have no query, fragment or user info, got " + text);
        }
        return uri;
    }

    /** Configures a {@link SipmapClient}. Not thread-safe; {@link #build()} checks that credentials were given. */
    public static final class Builder {
        private String baseUrl = TWILIO_BASE_URL;
        private AccountSid account;
        private String username;
        private String password;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Vertx vertx;
        private WebClient webClient;

        private Builder() {
        }

        /**
         * Where the API is: {@code https://voice.twilio.com} (the default) or a sipmap server such as
         * {@code http://localhost:8080}; a path prefix is kept. With {@code https} the server's certificate and host
         * name are verified against the JDK's trust store, unless a {@link #webClient} configured otherwise is given.
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** Authenticate as the account itself: HTTP Basic with {@code AccountSid:AuthToken}. */
        public Builder accountCredentials(AccountSid account, String authToken) {
            this.account = Objects.requireNonNull(account, "account");
            this.username = account.value();
            this.password = Objects.requireNonNull(authToken, "authToken");
            return this;
        }

        /** Authenticate with an API key of {@code account}: HTTP Basic with {@code ApiKeySid:Secret}. */
        public Builder apiKeyCredentials(ApiKeySid apiKey, String secret, AccountSid account) {
            this.account = Objects.requireNonNull(account, "account");
            this.username = Objects.requireNonNull(apiKey, "apiKey").value();
            this.password = Objects.requireNonNull(secret, "secret");
            return this;
        }

        /**
         * How long opening a connection may take (default 10 s). With a shared {@link #webClient}, that client's own
         * connect timeout applies, and this one only lengthens the bound on a whole try.
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = FollowerOptions.positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long one try may go without receiving anything once connected (default 30 s); a whole try, connecting
         * included, is bounded by this plus the connect timeout.
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = FollowerOptions.positive(timeout, "requestTimeout");
            return this;
        }

        /** When to try again (default {@link RetryPolicy#defaults()}; {@link RetryPolicy#none()} never does). */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Share a {@link Vertx}: the client creates its {@link WebClient} on it and closes only that. */
        public Builder vertx(Vertx vertx) {
            this.vertx = Objects.requireNonNull(vertx, "vertx");
            return this;
        }

        /** Share a {@link WebClient} and its {@link Vertx} (for timers); the client closes neither. TLS is then its. */
        public Builder webClient(WebClient webClient, Vertx vertx) {
            this.webClient = Objects.requireNonNull(webClient, "webClient");
            this.vertx = Objects.requireNonNull(vertx, "vertx");
            return this;
        }

        /** @throws IllegalStateException when no credentials were given; IllegalArgumentException for a bad base URL */
        public SipmapClient build() {
            if (account == null) {
                throw new IllegalStateException(
                        "credentials are required: accountCredentials(...) or apiKeyCredentials(...)");
            }
            parseBaseUrl(baseUrl);
            return new SipmapClient(this);
        }
    }
}
