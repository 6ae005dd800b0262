package io.sipmap.server;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.api.SipDomainResolver;
import io.sipmap.console.Console;
import io.sipmap.service.ChangeFeedService;
import io.sipmap.service.Import;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.ResolutionStore;
import io.sipmap.spi.SidGenerator;
import io.sipmap.spi.SourceIpMappingStore;
import io.vertx.core.Vertx;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.net.BindException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The runnable Twilio-compatible server: the HTTP adapter, the services and the stores wired by plain constructors,
 * and the web console ({@link Console}) beside the API, at {@code /console/}.
 * Settings come from flags, else the environment, else defaults ({@link ServerCommand}; {@code --help} lists them).
 *
 * <pre>mvn -B -q -pl server -am package -DskipTests &amp;&amp; java -jar server/target/sipmap-server.jar</pre>
 */
public final class SipmapServer implements AutoCloseable {

    private final Vertx vertx;
    private final SipmapVerticle verticle;
    private final Storage storage;
    private final Settings settings;
    private final int managementPort;

    /** How often the credentials file is checked for changes. */
    static final long CREDENTIALS_FILE_CHECK_MILLIS = 1000;

    /** Held here: java.util.logging forgets a logger's level when nothing holds the logger. */
    private static final Logger[] QUIETED = {Logger.getLogger("io.zonky"), Logger.getLogger("org.flywaydb")};

    /** How long opening the store may take: creating an embedded cluster, migrating, loading the replica. */
    static final long STORE_START_SECONDS = 300;

    private SipmapServer(Vertx vertx, SipmapVerticle verticle, Storage storage, Settings settings,
                         int managementPort) {
        this.vertx = vertx;
        this.verticle = verticle;
        this.storage = storage;
        this.settings = settings;
        this.managementPort = managementPort;
    }

    public static void main(String[] args) {
        Integer status = start(args, System.getenv(), System.in, System.out, System.err);
        if (status != null) {
            System.exit(status);
        }
    }

    /**
     * Starts a server: in-memory stores, services with the system clock and time-ordered SIDs, the HTTP verticle, and
     * the management endpoints, on Vert.x threads of their own.
     *
     * @throws IllegalStateException with a message for the user when it cannot listen (the port is taken, say)
     */
    static SipmapServer run(Settings settings) {
        SipmapServerOptions options;
        Credentials base = settings.credentials();
        Credentials shared;
        try {
            shared = settings.credentialsFile().isEmpty() ? base
                    : base.withAll(CredentialsFile.read(settings.credentialsFile().get()));
            options = Console.load(Instant.now()).mountedOn(settings.options().withCredentials(shared));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new IllegalStateException("sipmap: " + e.getMessage(), e);
        }
        Metrics metrics = settings.metrics() ? Metrics.create() : null;
        Vertx vertx = metrics == null ? Vertx.vertx()
                : Vertx.builder().with(metrics.vertxOptions())
                        .withMetrics(new MicrometerMetricsFactory(metrics.registry())).build();
        Storage storage;
        try {
            storage = Storage.open(vertx, settings).await(STORE_START_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("sipmap: cannot open the " + settings.store().label() + " store: "
                    + firstLine(e), e);
        }
        IpRecordStore ipRecordStore = storage.ipRecords;
        SourceIpMappingStore mappingStore = storage.sourceIpMappings;
        ResolutionStore resolutionStore = storage.resolutions;
        if (metrics != null) {
            storage.replicaLag.ifPresent(metrics::replicaLag);
            ipRecordStore = metrics.storeTimed(IpRecordStore.class, ipRecordStore, "ip_records");
            mappingStore = metrics.storeTimed(SourceIpMappingStore.class, mappingStore, "source_ip_mappings");
            resolutionStore = metrics.storeTimed(ResolutionStore.class, resolutionStore, "resolutions");
        }
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        SipDomainResolver resolver = new ResolutionService(resolutionStore);
        var verticle = new SipmapVerticle(new SourceIpMappingService(mappingStore, clock, sids),
                new IpRecordService(ipRecordStore, clock, sids),
                metrics == null ? resolver : metrics.counted(resolver),
                new ChangeFeedService(storage.changes),
                metrics == null ? options : options.withRequestObserver(metrics.requests()));
        if (metrics != null) {
            metrics.changeFeedSubscribers(verticle::changeSubscribers);
        }
        String where = settings.host() + ":" + settings.port();
        String choose = "--port or SIPMAP_PORT";
        int managementPort = -1;
        try {
            vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
            if (settings.managementPort() >= 0) {
                where = settings.managementHost() + ":" + settings.managementPort();
                choose = "--management-port or SIPMAP_MANAGEMENT_PORT";
                // the store itself, not its timed view: probes are not traffic
                managementPort = Management.start(vertx, settings.managementHost(), settings.managementPort(),
                        metrics == null ? null : metrics.registry(), storage::probe)
                        .await(30, TimeUnit.SECONDS).actualPort();
            }
        } catch (Exception e) {
            closeQuietly(vertx, storage);
            throw new IllegalStateException(e instanceof BindException
                    ? "sipmap: cannot listen on " + where + ": " + e.getMessage()
                            + ". Is another server running? Choose another port with " + choose + "."
                    : "sipmap: cannot start on " + where + ": " + e, e);
        }
        if (settings.tls().isEmpty() && !settings.loopbackOnly()) {
            System.getLogger(SipmapServer.class.getName()).log(System.Logger.Level.WARNING, "Listening on "
                    + settings.host() + " over plain HTTP: Basic credentials cross the network in clear. Serve HTTPS"
                    + " with --tls-cert and --tls-key, or listen on a loopback address behind a TLS proxy.");
        }
        settings.credentialsFile().ifPresent(file -> CredentialsFile.watch(vertx, file, base, shared,
                CREDENTIALS_FILE_CHECK_MILLIS, System.getLogger(SipmapServer.class.getName())));
        return new SipmapServer(vertx, verticle, storage, settings, managementPort);
    }

    private static void closeQuietly(Vertx vertx, Storage storage) {
        try {
            storage.close().await(STORE_START_SECONDS, TimeUnit.SECONDS);
            vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already failing: the first failure is the one to report
        }
    }

    private static String firstLine(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage()).lines().findFirst().orElse(cause.getClass().getSimpleName());
    }

    /**
     * Runs {@code sipmap-server import}: opens the store of {@code settings}, copies the account from {@code from}
     * through the client, prints each change and a summary.
     *
     * @return 0 when everything was copied, 1 when there were conflicts or the import failed
     */
    static int importInto(Settings settings, String from, boolean dryRun, PrintWriter out, PrintWriter err) {
        Vertx vertx = Vertx.vertx();
        Storage storage = null;
        try {
            storage = Storage.open(vertx, settings).await(STORE_START_SECONDS, TimeUnit.SECONDS);
            SipmapClient.Builder builder = SipmapClient.builder().baseUrl(from).vertx(vertx);
            builder = settings.apiKey().isPresent()
                    ? builder.apiKeyCredentials(settings.apiKey().get(), settings.apiSecret().orElseThrow(),
                            settings.account())
                    : builder.accountCredentials(settings.account(), settings.authToken());
            out.println("import: from " + from + " into the " + storage.description + ", account "
                    + settings.account() + (dryRun ? " (dry run)" : ""));
            try (SipmapClient client = builder.build()) {
                Import.Report report = Import.run(settings.account(), client.ipRecords(), client.sourceIpMappings(),
                        storage.ipRecords, storage.sourceIpMappings, dryRun, out::println)
                        .toCompletableFuture().get(1, TimeUnit.HOURS);
                out.println(report.summary());
                return report.conflicts().isEmpty() ? 0 : 1;
            }
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                    ? e.getCause() : e;
            err.println("sipmap: import failed: " + firstLine(cause));
            return 1;
        } finally {
            out.flush();
            err.flush();
            if (storage != null) {
                closeQuietly(vertx, storage);
            } else {
                vertx.close();
            }
        }
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
        return settings.publicBaseUrl().orElse(scheme() + "://" + settings.host() + ":" + port());
    }

    /** Where a browser opens the web console: {@code /console/} under {@link #baseUrl()}. */
    String consoleUrl() {
        return baseUrl() + Console.PATH + "/";
    }

    private String scheme() {
        return settings.tls().isPresent() ? "https" : "http";
    }

    /**
     * Stops accepting connections, lets in-flight requests finish, closes the store (and stops the embedded
     * PostgreSQL), and releases every thread.
     */
    @Override
    public void close() {
        try {
            // Each step awaited here, off Vert.x's threads: a continuation of the last one would be handed to an
            // event loop that the close has stopped.
            vertx.undeploy(verticle.deploymentID()).transform(undeployed -> storage.close())
                    .await(settings.shutdownTimeout().toSeconds() + 60, TimeUnit.SECONDS);
            vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("sipmap: did not stop cleanly: " + e, e);
        }
    }

    /**
     * What {@code main} does: parse, start, print where and how to call it, stop gracefully on SIGTERM or Ctrl-C.
     *
     * @return the exit status when the program is done at once (0 after {@code --help}, 2 on a bad setting, 1 when it
     *         cannot listen), or null while the server runs on Vert.x's threads
     */
    static Integer start(String[] args, Map<String, String> env, java.io.InputStream in, PrintStream out,
                         PrintStream err) {
        logOneLinePerRecord(out, Settings.LogFormat.TEXT);
        SipmapServer[] started = new SipmapServer[1];
        Integer status;
        try {
            status = ServerCommand.execute(args, env, new java.io.BufferedReader(new java.io.InputStreamReader(in,
                    Charset.defaultCharset())), writer(out), writer(err), settings -> {
                        logOneLinePerRecord(out, settings.logFormat());
                        started[0] = run(settings);
                    });
        } catch (IllegalStateException e) {
            err.println(e.getMessage());
            return 1;
        }
        if (status != null || started[0] == null) {
            return status; // done, or kamailio-bridge running on its own threads until SIGTERM
        }
        SipmapServer server = started[0];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("sipmap: stopping, letting requests in flight finish");
            server.close();
            out.println("sipmap: stopped");
        }, "sipmap-shutdown"));
        out.println(server.banner());
        return null;
    }

    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new java.io.OutputStreamWriter(stream, Charset.defaultCharset()), true);
    }

    String banner() {
        Settings s = settings;
        String list = baseUrl() + "/v1/IpRecords";
        StringBuilder text = new StringBuilder()
                .append("sipmap: Twilio Voice v1 IpRecords and SourceIpMappings on ").append(scheme()).append("://")
                .append(s.host()).append(':').append(port()).append(" (").append(storage.description).append(")\n");
        text.append("sipmap: web console at ").append(consoleUrl()).append('\n');
        if (managementPort >= 0) {
            String management = "http://" + s.managementHost() + ":" + managementPort;
            text.append("sipmap: health at ").append(management).append("/health/live and /health/ready")
                    .append(s.metrics() ? ", metrics at " + management + "/metrics" : ", metrics off").append('\n');
        }
        if (s.rateLimit() > 0) {
            text.append("sipmap: at most ").append(s.rateLimit()).append(" requests per second per account, ")
                    .append(s.rateBurst()).append(" at once; 429 beyond\n");
        }
        if (s.generated()) {
            text.append("sipmap: no TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN given, so made up these:\n")
                    .append("  TWILIO_ACCOUNT_SID=").append(s.account()).append('\n')
                    .append("  TWILIO_AUTH_TOKEN=").append(s.authToken()).append('\n')
                    .append("sipmap: try\n  curl -u ").append(s.account()).append(':').append(s.authToken())
                    .append(' ').append(list);
        } else {
            if (s.account() != null) {
                text.append("sipmap: accepting account ").append(s.account())
                        .append(s.apiKey().map(k -> " and API key " + k).orElse("")).append('\n');
            }
            s.credentialsFile().ifPresent(file -> text.append("sipmap: accepting the accounts and API keys of ")
                    .append(file).append(", re-read when it changes\n"));
            text.append("sipmap: try\n  curl -u \"$TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN\" ").append(list);
        }
        return text.toString();
    }

    static String stackTrace(Throwable thrown) {
        var text = new java.io.StringWriter();
        thrown.printStackTrace(new java.io.PrintWriter(text));
        return text.toString().stripTrailing();
    }

    /**
     * The log, one record a line on {@code out}: time, level, message as text (JUL's default takes two lines per
     * record), or one JSON object ({@link JsonLogFormatter}).
     */
    static void logOneLinePerRecord(PrintStream out, Settings.LogFormat format) {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Formatter formatter = format == Settings.LogFormat.JSON ? new JsonLogFormatter() : new Formatter() {
            @Override
            public String format(LogRecord record) {
                return record.getInstant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + " "
                        + record.getLevel() + " " + formatMessage(record)
                        + (record.getThrown() == null ? "" : "\n" + stackTrace(record.getThrown()))
                        + System.lineSeparator();
            }
        };
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    out.print(formatter.format(record));
                }
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                flush();
            }
        };
        handler.setLevel(Level.INFO);
        root.addHandler(handler);
        // The embedded PostgreSQL's and Flyway's progress (initdb's output, each migration step) is not the server's
        // news; their warnings and errors are. The store's description in the banner says where the data is.
        for (Logger chatty : QUIETED) {
            chatty.setLevel(Level.WARNING);
        }
    }
}
