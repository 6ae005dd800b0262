package io.sipmap.server;

import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.adapter.postgres.PgStoreOptions;
import io.sipmap.adapter.postgres.PgStores;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.PageRequest;
import io.sipmap.spi.BatchStore;
import io.sipmap.spi.ChangeStore;
import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.ResolutionStore;
import io.sipmap.spi.SourceIpMappingStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Where the server keeps its records: one backing system's stores, its description, its readiness, its stop. */
final class Storage {

    /** The stores the command line offers. */
    enum Kind {
        /** In this process only: gone when it stops. For throwaway runs and tests. */
        MEMORY,
        /** A PostgreSQL the server starts and stops itself, its data in a directory: durable, nothing to install. */
        EMBEDDED,
        /** An existing PostgreSQL server or cluster, shared by any number of instances. */
        POSTGRES;

        static Kind parse(String name) {
            return Arrays.stream(values()).filter(kind -> kind.label().equals(name)).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("expected memory, embedded or postgres, got '" + name + "'"));
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The account the readiness probe reads as: it asks the store for one page, whatever it holds. */
    private static final AccountSid PROBE_ACCOUNT = new AccountSid("AC" + "0".repeat(32));

    final IpRecordStore ipRecords;
    final SourceIpMappingStore sourceIpMappings;
    final ResolutionStore resolutions;
    /** The change feed of the stores' writes. */
    final ChangeStore changes;
    /** Batches of writes to the stores, all or nothing. */
    final BatchStore batches;
    /** For the banner: "in memory", or which PostgreSQL, never with a password. */
    final String description;
    /** How far behind the database the resolution replica may be; empty for a store without one. */
    final Optional<Supplier<Duration>> replicaLag;
    private final Supplier<CompletionStage<?>> ready;
    private final Supplier<Future<Void>> close;

    private Storage(IpRecordStore ipRecords, SourceIpMappingStore sourceIpMappings, ResolutionStore resolutions,
                    ChangeStore changes, BatchStore batches, String description, Optional<Supplier<Duration>> replicaLag, Supplier<CompletionStage<?>> ready,
                    Supplier<Future<Void>> close) {
        this.ipRecords = ipRecords;
        this.sourceIpMappings = sourceIpMappings;
        this.resolutions = resolutions;
        this.changes = changes;
        this.batches = batches;
        this.description = description;
        this.replicaLag = replicaLag;
        this.ready = ready;
        this.close = close;
    }

    /** Opens the stores the settings name: migrating a database, starting the embedded one first when it is that. */
    static Future<Storage> open(Vertx vertx, Settings.Store settings) {
        return switch (settings.kind()) {
            case MEMORY -> {
                InMemoryStores stores = InMemoryStores.create();
                yield Future.succeededFuture(new Storage(stores.ipRecords(), stores.sourceIpMappings(),
                        stores.resolutions(), stores.changes(), stores.batches(), "in memory", Optional.empty(),
                        () -> stores.ipRecords().page(PROBE_ACCOUNT, PageRequest.first(1)), Future::succeededFuture));
            }
            case POSTGRES -> {
                PgConnectOptions connect = settings.database().orElseThrow();
                yield postgres(vertx, connect, "PostgreSQL at " + describe(connect), Future::succeededFuture);
            }
            case EMBEDDED -> vertx.executeBlocking(() -> Embedded.start(settings.dataDir()), false)
                    .compose(embedded -> postgres(vertx, embedded.connect(),
                            "embedded PostgreSQL, data in " + settings.dataDir().toAbsolutePath().normalize(),
                            () -> vertx.executeBlocking(embedded::stop, false))
                            .recover(e -> vertx.executeBlocking(embedded::stop, false)
                                    .transform(stopped -> Future.failedFuture(e))));
        };
    }

    private static Future<Storage> postgres(Vertx vertx, PgConnectOptions connect, String description,
                                            Supplier<Future<Void>> afterwards) {
        return PgStores.start(vertx, PgStoreOptions.of(connect)).map(stores -> new Storage(stores.ipRecords(),
                stores.sourceIpMappings(), stores.resolutions(), stores.changes(), stores.batches(), description, Optional.of(stores::replicaLag),
                stores::ready, () -> stores.close().transform(closed -> afterwards.get())));
    }

    /** Completes when the store answers and a resolution replica has caught up; fails saying what is not. */
    CompletionStage<?> probe() {
        return ready.get();
    }

    /** Stops the stores, then the embedded PostgreSQL when there is one. */
    Future<Void> close() {
        return close.get();
    }

    /** The database named by {@code url} (a {@code postgresql://} URI), else by the {@code PG*} variables, if any. */
    static Optional<PgConnectOptions> database(String url, Map<String, String> env) {
        if (url != null) {
            return Optional.of(PgConnectOptions.fromUri(url));
        }
        if (env.keySet().stream().noneMatch(k -> k.startsWith("PG"))) {
            return Optional.empty();
        }
        PgConnectOptions options = new PgConnectOptions()
                .setHost(env.getOrDefault("PGHOST", "localhost"))
                .setPort(Integer.parseInt(env.getOrDefault("PGPORT", "5432")))
                .setUser(env.getOrDefault("PGUSER", System.getProperty("user.name")));
        options.setDatabase(env.getOrDefault("PGDATABASE", options.getUser()));
        Optional.ofNullable(env.get("PGPASSWORD")).ifPresent(options::setPassword);
        return Optional.of(options);
    }

    /** {@code user@host:port/database}: never the password. */
    static String describe(PgConnectOptions connect) {
        return connect.getUser() + "@" + connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
    }
}
