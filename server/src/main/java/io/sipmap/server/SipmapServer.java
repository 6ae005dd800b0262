package io.sipmap.server;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.api.SipDomainResolver;
import io.sipmap.console.Console;
import io.sipmap.service.BatchService;
import io.sipmap.service.ChangeFeedService;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.ResolutionStore;
import io.sipmap.spi.SidGenerator;
import io.sipmap.spi.SourceIpMappingStore;
import io.vertx.core.Vertx;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The running Twilio-compatible server: the HTTP adapter, the services and the stores wired by plain constructors,
 * the web console ({@link Console}) beside the API at {@code /console/}, and the management endpoints. It is given
 * {@link Settings}; reading them from the command line is {@link Main}'s and {@link ServerCommand}'s.
 */
public final class SipmapServer implements AutoCloseable {

    private final Vertx vertx;
    private final SipmapVerticle verticle;
    private final Storage storage;
    private final Settings settings;
    private final int managementPort;
    private final Metrics metrics;

    /** How often the credentials file is checked for changes. */
    static final long CREDENTIALS_FILE_CHECK_MILLIS = 1000;

    /** How long opening the store may take: creating an embedded cluster, migrating, loading the replica. */
    static final long STORE_START_SECONDS = 300;

    private static final System.Logger LOG = System.getLogger(SipmapServer.class.getName());

    private SipmapServer(Vertx vertx, SipmapVerticle verticle, Storage storage, Settings settings,
                         int managementPort, Metrics metrics) {
        this.metrics = metrics;
        this.vertx = vertx;
        this.verticle = verticle;
        this.storage = storage;
        this.settings = settings;
        this.managementPort = managementPort;
    }

    /**
     * Starts the stores the settings name, the services, the HTTP verticle and the management endpoints, on Vert.x
     * threads of their own. Made-up credentials over an embedded store are kept in its data directory
     * ({@link KeptCredentials}).
     *
     * @throws IllegalStateException with a message for the user when it cannot listen (the port is taken, say), or
     *                               cannot keep or trust the kept credentials
     */
    static SipmapServer run(Settings given) {
        Settings settings = given.with(KeptCredentials.resolve(given.accounts(), given.store(),
                LOG));
        SipmapServerOptions options;
        Credentials base = settings.accounts().credentials();
        Optional<Path> credentialsFile = settings.accounts().credentialsFile();
        Credentials shared;
        try {
            shared = credentialsFile.isEmpty() ? base : base.withAll(CredentialsFile.read(credentialsFile.get()));
            options = Console.load(Instant.now()).mountedOn(settings.http().withCredentials(shared));
        } catch (IllegalArgumentException | IOException e) {
            throw new IllegalStateException("sipmap: " + e.getMessage(), e);
        }
        Settings.Management management = settings.management();
        Metrics metrics = management.metrics() ? Metrics.create() : null;
        Vertx vertx = metrics == null ? Vertx.vertx()
                : Vertx.builder().with(metrics.vertxOptions())
                        .withMetrics(new MicrometerMetricsFactory(metrics.registry())).build();
        Storage storage;
        try {
            storage = Storage.open(vertx, settings.store()).await(STORE_START_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            abandon(vertx, null, metrics);
            throw new IllegalStateException("sipmap: cannot open the " + settings.store().kind().label() + " store: "
                    + firstLine(e), e);
        }
        IpRecordStore ipRecordStore = storage.ipRecords;
        SourceIpMappingStore mappingStore = storage.sourceIpMappings;
        ResolutionStore resolutionStore = storage.resolutions;
        if (metrics != null) {
            storage.replicaLag.ifPresent(metrics::replicaLag);
            ipRecordStore = metrics.timed(ipRecordStore);
            mappingStore = metrics.timed(mappingStore);
            resolutionStore = metrics.timed(resolutionStore);
        }
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        SipDomainResolver resolver = new ResolutionService(resolutionStore);
        var verticle = new SipmapVerticle(new SourceIpMappingService(mappingStore, clock, sids),
                new IpRecordService(ipRecordStore, clock, sids),
                metrics == null ? resolver : metrics.counted(resolver),
                new ChangeFeedService(storage.changes),
                new BatchService(storage.batches, clock, sids),
                metrics == null ? options : options.withRequestObserver(metrics.requests()));
        if (metrics != null) {
            metrics.changeFeed(verticle);
        }
        String where = options.host() + ":" + options.port();
        String choose = "--port or SIPMAP_PORT";
        int managementPort = -1;
        try {
            vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
            if (management.port() >= 0) {
                where = management.host() + ":" + management.port();
                choose = "--management-port or SIPMAP_MANAGEMENT_PORT";
                // the store itself, not its timed view: probes are not traffic
                managementPort = Management.start(vertx, management.host(), management.port(),
                        metrics == null ? null : metrics.registry(), storage::probe)
                        .await(30, TimeUnit.SECONDS).actualPort();
            }
        } catch (Exception e) {
            abandon(vertx, storage, metrics);
            throw new IllegalStateException(e instanceof BindException
                    ? "sipmap: cannot listen on " + where + ": " + e.getMessage()
                            + ". Is another server running? Choose another port with " + choose + "."
                    : "sipmap: cannot start on " + where + ": " + e, e);
        }
        if (options.tls().isEmpty() && !settings.loopbackOnly()) {
            LOG.log(Level.WARNING, "Listening on "
                    + options.host() + " over plain HTTP: Basic credentials cross the network in clear. Serve HTTPS"
                    + " with --tls-cert and --tls-key, or listen on a loopback address behind a TLS proxy.");
        }
        credentialsFile.ifPresent(file -> CredentialsFile.watch(vertx, file, base, shared,
                CREDENTIALS_FILE_CHECK_MILLIS, LOG));
        return new SipmapServer(vertx, verticle, storage, settings, managementPort, metrics);
    }

    /**
     * Failure cleanup of {@link #run}: closes Vert.x (and the store, when opened), then the metrics, when any.
     */
    private static void abandon(Vertx vertx, Storage storage, Metrics metrics) {
        if (storage == null) {
            vertx.close();
        } else {
            closeQuietly(vertx, storage);
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    static void closeQuietly(Vertx vertx, Storage storage) {
        try {
            storage.close().await(STORE_START_SECONDS, TimeUnit.SECONDS);
            vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already failing: the first failure is the one to report
        }
    }

    static String firstLine(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage()).lines().findFirst().orElse(cause.getClass().getSimpleName());
    }

    /** The port bound. */
    int port() {
        return verticle.actualPort();
    }

    /** How many change feed streams are open. */
    int changeSubscribers() {
        return verticle.changeSubscribers();
    }

    /** The stores served, for tests to fill directly. */
    Storage storage() {
        return storage;
    }

    /** The management port bound, -1 when there is none. */
    int managementPort() {
        return managementPort;
    }

    /** Where clients reach {@code /v1}: the public base URL, else {@code http://host:port} (https with TLS). */
    String baseUrl() {
        return settings.http().publicBaseUrl().orElse(scheme() + "://" + settings.http().host() + ":" + port());
    }

    /** Where a browser opens the web console: {@code /console/} under {@link #baseUrl()}. */
    String consoleUrl() {
        return baseUrl() + Console.PATH + "/";
    }

    private String scheme() {
        return settings.http().tls().isPresent() ? "https" : "http";
    }

    /** Stops accepting connections, lets in-flight requests finish, closes the store, and releases every thread. */
    @Override
    public void close() {
        try {
            // Each step awaited here, off Vert.x's threads: a continuation of the last one would be handed to an
            // event loop that the close has stopped.
            vertx.undeploy(verticle.deploymentID()).transform(undeployed -> storage.close())
                    .await(settings.http().shutdownTimeout().toSeconds() + 60, TimeUnit.SECONDS);
            vertx.close().await(30, TimeUnit.SECONDS);
            if (metrics != null) {
                metrics.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("sipmap: did not stop cleanly: " + e, e);
        }
    }

    String banner() {
        SipmapServerOptions http = settings.http();
        Settings.Accounts s = settings.accounts();
        String list = baseUrl() + "/v1/IpRecords";
        StringBuilder text = new StringBuilder()
                .append("sipmap: Twilio Voice v1 IpRecords and SourceIpMappings on ").append(scheme()).append("://")
                .append(http.host()).append(':').append(port()).append(" (").append(storage.description).append(")\n");
        text.append("sipmap: web console at ").append(consoleUrl()).append('\n');
        if (managementPort >= 0) {
            String management = "http://" + settings.management().host() + ":" + managementPort;
            text.append("sipmap: health at ").append(management).append("/health/live and /health/ready")
                    .append(settings.management().metrics() ? ", metrics at " + management + "/metrics" : ", metrics off").append('\n');
        }
        if (http.rateLimit() > 0) {
            text.append("sipmap: at most ").append(http.rateLimit()).append(" requests per second per account, ")
                    .append(http.rateBurst()).append(" at once; 429 beyond\n");
        }
        if (s.generated()) {
            text.append("sipmap: no TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN given, so made up these:\n")
                    .append("  TWILIO_ACCOUNT_SID=").append(s.account()).append('\n')
                    .append("  TWILIO_AUTH_TOKEN=").append(s.authToken()).append('\n');
            s.keptIn().ifPresent(file -> text.append("sipmap: kept in ").append(file)
                    .append(" for later starts without credentials\n"));
            text.append("sipmap: try\n  curl -u ").append(s.account()).append(':').append(s.authToken())
                    .append(' ').append(list);
        } else {
            if (s.keptIn().isPresent()) {
                // the token was printed at the first start, and is not again: logs and terminals get recorded
                text.append("sipmap: no TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN given, so accepting account ")
                        .append(s.account()).append(", made up at the first start and kept in ")
                        .append(s.keptIn().get())
                        .append("\nsipmap: its token: java -jar sipmap-server.jar credentials --data-dir ")
                        .append(s.keptIn().get().getParent()).append('\n');
            } else if (s.account() != null) {
                text.append("sipmap: accepting account ").append(s.account())
                        .append(s.apiKey().map(k -> " and API key " + k).orElse("")).append('\n');
            }
            s.credentialsFile().ifPresent(file -> text.append("sipmap: accepting the accounts and API keys of ")
                    .append(file).append(", re-read when it changes\n"));
            text.append("sipmap: try\n  curl -u \"$TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN\" ").append(list);
        }
        return text.toString();
    }
}
