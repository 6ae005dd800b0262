package io.sipmap.junit;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.service.ChangeFeedService;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One test class's server: the stores, the services over them, and the {@link FaultingVerticle} serving them on the
 * shared {@link Vertx}; started by {@link #start}, stopped by {@link #close()}. Its methods block, with time-outs, and
 * run on JUnit's thread; the server itself runs on its event loop.
 */
final class RunningServer implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** PostgreSQL's first start unpacks and initialises a cluster. */
    private static final Duration EMBEDDED_TIMEOUT = Duration.ofMinutes(2);

    private final Settings settings;
    private final Vertx vertx;
    private final Backend backend;
    private final List<RecordsFile> records;
    private final SipmapFaults faults = new SipmapFaults();
    private String deployment;
    private SipmapServerInfo info;

    private RunningServer(Settings settings, Vertx vertx, Backend backend, List<RecordsFile> records) {
        this.settings = settings;
        this.vertx = vertx;
        this.backend = backend;
        this.records = records;
    }

    /**
     * Opens the stores, deploys the server and, for {@link State#PER_CLASS}, loads the records files.
     *
     * @param loader where {@code classpath:} records files are found: the test class's
     */
    static RunningServer start(Settings settings, Vertx vertx, ClassLoader loader) throws Exception {
        List<RecordsFile> files = new ArrayList<>();
        for (String location : settings.records()) {
            files.add(RecordsFile.read(location, settings.account(), loader));
        }
        // EmbeddedPostgresBackend is named on this branch only, so that it and the PostgreSQL classes it names are
        // loaded only when a test asks for them
        Backend backend = settings.store() == Store.EMBEDDED
                ? EmbeddedPostgresBackend.start(vertx, EMBEDDED_TIMEOUT) : Backend.memory();
        RunningServer server = new RunningServer(settings, vertx, backend, files);
        try {
            server.deploy();
            if (settings.state() == State.PER_CLASS) {
                server.load();
            }
            return server;
        } catch (Exception | Error e) {
            try {
                server.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private void deploy() throws Exception {
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        Credentials credentials = Credentials.of(settings.account(), settings.authToken());
        if (settings.apiKey() != null) {
            credentials = credentials.withApiKey(settings.apiKey(), settings.apiKeySecret(), settings.account());
        }
        SipmapServerOptions options = SipmapServerOptions.of(credentials)
                .withHost(SipmapServerOptions.DEFAULT_HOST)
                .withPort(settings.port());
        FaultingVerticle verticle = new FaultingVerticle(
                new SourceIpMappingService(backend.sourceIpMappings(), clock, sids),
                new IpRecordService(backend.ipRecords(), clock, sids),
                new ResolutionService(backend.resolutions()),
                new ChangeFeedService(backend.changes()),
                options, faults);
        deployment = vertx.deployVerticle(verticle).await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        info = new SipmapServerInfo("http://" + SipmapServerOptions.DEFAULT_HOST + ":" + verticle.actualPort(),
                settings.account(), settings.authToken(), settings.apiKey(), settings.apiKeySecret());
    }

    SipmapServerInfo info() {
        return info;
    }

    SipmapFaults faults() {
        return faults;
    }

    Vertx vertx() {
        return vertx;
    }

    /** Before each test: for {@link State#PER_TEST}, the account emptied and the records files loaded again. */
    void beforeEach() throws Exception {
        if (settings.state() == State.PER_TEST) {
            wipe();
            load();
        }
    }

    /** After each test: every fault disarmed. */
    void afterEach() {
        faults.clear();
    }

    /** Deletes the account's mappings, then its IP records (a mapped record cannot be deleted), through the stores. */
    private void wipe() throws Exception {
        AccountSid account = settings.account();
        for (Page<SourceIpMapping> page = firstPageOfMappings(); !page.items().isEmpty();
             page = firstPageOfMappings()) {
            for (SourceIpMapping mapping : page.items()) {
                get(backend.sourceIpMappings().delete(account, mapping.sid()));
            }
        }
        for (Page<IpRecord> page = firstPageOfRecords(); !page.items().isEmpty(); page = firstPageOfRecords()) {
            for (IpRecord record : page.items()) {
                get(backend.ipRecords().delete(account, record.sid()));
            }
        }
    }

    private Page<SourceIpMapping> firstPageOfMappings() throws Exception {
        return get(backend.sourceIpMappings().page(settings.account(), PageRequest.first(PageRequest.MAX_SIZE)));
    }

    private Page<IpRecord> firstPageOfRecords() throws Exception {
        return get(backend.ipRecords().page(settings.account(), PageRequest.first(PageRequest.MAX_SIZE)));
    }

    /**
     * Puts the records files' records in the stores as they are, SIDs and dates kept (as the server's import does,
     * through the stores rather than the api, which would make new ones): every file's IP records, then every file's
     * mappings, whose IP records must be there first.
     */
    private void load() throws Exception {
        for (RecordsFile file : records) {
            for (IpRecord record : file.ipRecords()) {
                get(backend.ipRecords().insert(record), file);
            }
        }
        for (RecordsFile file : records) {
            for (SourceIpMapping mapping : file.mappings()) {
                get(backend.sourceIpMappings().insert(mapping), file);
            }
        }
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** A store's refusal of a file's record (a mapping of a record no file has, a SID twice) names the file. */
    private static <T> T get(CompletionStage<T> stage, RecordsFile file) throws Exception {
        try {
            return get(stage);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("records: " + file.location() + " cannot be loaded: "
                    + e.getMessage(), e);
        }
    }

    /** Undeploys the server, then lets the stores go. */
    @Override
    public void close() throws Exception {
        try {
            if (deployment != null) {
                vertx.undeploy(deployment).await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            backend.close(TIMEOUT);
        }
    }
}
