package io.sipmap.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.http.Outcome;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sipmap.adapter.http.server.RequestObserver;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.api.SipDomainResolver;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.ResolutionStore;
import io.sipmap.spi.SourceIpMappingStore;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The server's metrics, in one Prometheus registry: Micrometer's JVM and process binders (memory, GC, threads, classes,
 * CPU, file descriptors, uptime), under the names that stock JVM dashboards read; requests as
 * {@code http_server_requests_seconds}, Spring Boot's name and tags; Vert.x's own (the database pool and clients,
 * worker pools); and sipmap's (store operations by store, operation and outcome, with latency histograms; resolutions
 * with and without a match; the replica's lag; the change feed's open streams and resets). Labels are never raw paths
 * or SIDs: a route template such as {@code /v1/IpRecords/:sid} stands for every SID, and an unknown path has none.
 */
final class Metrics implements AutoCloseable {

    /** Spring Boot's name for answered requests, which dashboards made for it read. */
    private static final String REQUESTS = "http.server.requests";

    /** Latency buckets, from a fast in-memory answer to the request timeout. */
    private static final Duration[] BUCKETS = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
        Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry;
    /** Listens to the JVM's GC notifications until closed. */
    private final JvmGcMetrics gc;

    private Metrics(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
        this.registry = registry;
        this.gc = gc;
    }

    /** A new registry, with the histogram buckets set before any meter is made. */
    static Metrics create() {
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                boolean latency = id.getType() == Meter.Type.TIMER
                        && (id.getName().startsWith("sipmap.") || id.getName().equals(REQUESTS));
                return latency ? DistributionStatisticConfig.builder().serviceLevelObjectives(
                        Arrays.stream(BUCKETS).mapToDouble(Duration::toNanos).toArray())
                        .build().merge(config) : config;
            }
        });
        JvmGcMetrics gc = new JvmGcMetrics();
        for (MeterBinder binder : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new JvmInfoMetrics(), new ProcessorMetrics(), new FileDescriptorMetrics(), new UptimeMetrics())) {
            binder.bindTo(registry);
        }
        return new Metrics(registry, gc);
    }

    /** Stops listening to the JVM's collections: another server in this JVM has a registry of its own. */
    @Override
    public void close() {
        gc.close();
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Vert.x options that report to this registry, with the labels above and no others. */
    VertxOptions vertxOptions() {
        return new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
                .setEnabled(true)
                .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER) // see requests()
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
                // the database client's connections are counted by its pool's series; its net client's gauges
                // would be registered twice (the pool's and the change feed's connections), with a warning
                .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
                .setLabels(EnumSet.of(Label.POOL_TYPE, Label.POOL_NAME, Label.NAMESPACE)));
    }

    /**
     * The store with every operation timed: {@code sipmap_store_operations_seconds} with labels {@code store},
     * {@code operation} (the method) and {@code outcome} ({@code ok}, or the failure's {@link SipmapException}
     * variant, or {@code error}). Plain decorators: a call costs a clock read and a record, no reflection.
     */
    IpRecordStore timed(IpRecordStore store) {
        String name = "ip_records";
        Operation insert = new Operation(name, "insert");
        Operation find = new Operation(name, "find");
        Operation page = new Operation(name, "page");
        Operation replace = new Operation(name, "replace");
        Operation delete = new Operation(name, "delete");
        return new IpRecordStore() {
            @Override
            public CompletionStage<IpRecord> insert(IpRecord record) {
                return insert.time(() -> store.insert(record));
            }

            @Override
            public CompletionStage<Optional<IpRecord>> find(AccountSid account, IpRecordSid sid) {
                return find.time(() -> store.find(account, sid));
            }

            @Override
            public CompletionStage<Page<IpRecord>> page(AccountSid account, PageRequest request) {
                return page.time(() -> store.page(account, request));
            }

            @Override
            public CompletionStage<Optional<IpRecord>> replace(IpRecord record) {
                return replace.time(() -> store.replace(record));
            }

            @Override
            public CompletionStage<Boolean> delete(AccountSid account, IpRecordSid sid) {
                return delete.time(() -> store.delete(account, sid));
            }
        };
    }

    /** {@link #timed(IpRecordStore)}, for the mappings. */
    SourceIpMappingStore timed(SourceIpMappingStore store) {
        String name = "source_ip_mappings";
        Operation insert = new Operation(name, "insert");
        Operation find = new Operation(name, "find");
        Operation page = new Operation(name, "page");
        Operation replace = new Operation(name, "replace");
        Operation delete = new Operation(name, "delete");
        return new SourceIpMappingStore() {
            @Override
            public CompletionStage<SourceIpMapping> insert(SourceIpMapping mapping) {
                return insert.time(() -> store.insert(mapping));
            }

            @Override
            public CompletionStage<Optional<SourceIpMapping>> find(AccountSid account, SourceIpMappingSid sid) {
                return find.time(() -> store.find(account, sid));
            }

            @Override
            public CompletionStage<Page<SourceIpMapping>> page(AccountSid account, PageRequest request) {
                return page.time(() -> store.page(account, request));
            }

            @Override
            public CompletionStage<Optional<SourceIpMapping>> replace(SourceIpMapping mapping) {
                return replace.time(() -> store.replace(mapping));
            }

            @Override
            public CompletionStage<Boolean> delete(AccountSid account, SourceIpMappingSid sid) {
                return delete.time(() -> store.delete(account, sid));
            }
        };
    }

    /** {@link #timed(IpRecordStore)}, for the resolutions. */
    ResolutionStore timed(ResolutionStore store) {
        Operation resolve = new Operation("resolutions", "resolve");
        return (account, address) -> resolve.time(() -> store.resolve(account, address));
    }

    /** One operation of one store: its timer of successes made up front, so that it is listed before any call. */
    private final class Operation {
        private final String store;
        private final String name;
        private final Timer ok;

        Operation(String store, String name) {
            this.store = store;
            this.name = name;
            this.ok = storeTimer(store, name, "ok");
        }

        <T> CompletionStage<T> time(Supplier<CompletionStage<T>> call) {
            long start = System.nanoTime();
            return call.get().whenComplete((value, failure) -> {
                Timer timer = failure == null ? ok : storeTimer(store, name, outcome(failure));
                timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            });
        }
    }

    private Timer storeTimer(String store, String operation, String outcome) {
        return Timer.builder("sipmap.store.operations")
                .description("Calls of the stores, by store, operation and outcome")
                .tags("store", store, "operation", operation, "outcome", outcome)
                .register(registry);
    }

    private static String outcome(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof SipmapException ? cause.getClass().getSimpleName().toLowerCase(Locale.ROOT) : "error";
    }

    /**
     * {@code http_server_requests_seconds} (a histogram, with {@code _count}, {@code _sum} and {@code _max}): every
     * answered request, tagged as Spring Boot tags it, which stock dashboards read: {@code uri} (the route template;
     * {@code NOT_FOUND}, {@code REDIRECTION} or {@code UNKNOWN} when none answered), {@code method}, {@code status},
     * {@code outcome} ({@code SUCCESS}, {@code CLIENT_ERROR}, {@code SERVER_ERROR}...) and {@code exception} (the
     * failure's class behind a 5xx, else {@code None}). Kept here rather than by Vert.x's HTTP server metrics, which
     * build and sort the tags of each request anew: one map lookup and one record per request instead.
     */
    RequestObserver requests() {
        Map<RequestKey, Timer> timers = new ConcurrentHashMap<>();
        return new RequestObserver() {
            @Override
            public void answered(String route, String method, int status, long nanos) {
                answered(route, method, status, null, nanos);
            }

            @Override
            public void answered(String route, String method, int status, Throwable failure, long nanos) {
                RequestKey key = new RequestKey(route, method, status);
                Timer timer = failure == null ? timers.computeIfAbsent(key, k -> requestTimer(k, "None"))
                        : requestTimer(key, failure.getClass().getSimpleName()); // rare: the registry's own lookup
                timer.record(nanos, TimeUnit.NANOSECONDS);
            }
        };
    }

    private Timer requestTimer(RequestKey key, String exception) {
        String uri = !key.route.isEmpty() ? key.route
                : key.status == 404 ? "NOT_FOUND" : key.status / 100 == 3 ? "REDIRECTION" : "UNKNOWN";
        return Timer.builder(REQUESTS)
                .description("Answered requests by route template, method and status")
                .tags("uri", uri, "method", key.method, "status", Integer.toString(key.status),
                        "outcome", Outcome.forStatus(key.status).name(), "exception", exception)
                .register(registry);
    }

    private record RequestKey(String route, String method, int status) {
    }

    /** {@code sipmap_resolution_replica_lag_seconds}: how far behind the database the resolution replica may be. */
    void replicaLag(Supplier<Duration> lag) {
        Gauge.builder("sipmap.resolution.replica.lag", () -> lag.get().toNanos() / 1e9)
                .description("Time since the resolution replica last found itself holding every committed change")
                .baseUnit("seconds")
                .register(registry);
    }

    /**
     * {@code sipmap_change_feed_subscribers}: how many {@code /sipmap/v1/Changes} streams are open now, over all
     * accounts, each costing a connection, a bounded queue and a timer; {@code sipmap_change_feed_resets_total}: how
     * many were sent {@code reset}, each a follower reloading everything.
     */
    void changeFeed(SipmapVerticle verticle) {
        Gauge.builder("sipmap.change.feed.subscribers", verticle::changeSubscribers)
                .description("Open change feed streams (GET /sipmap/v1/Changes)")
                .register(registry);
        FunctionCounter.builder("sipmap.change.feed.resets", verticle, SipmapVerticle::changeResets)
                .description("Change feed streams sent reset: too slow a reader, or a position the log no longer has")
                .register(registry);
    }

    /** {@code resolver}, counting its answers: {@code sipmap_resolutions_total} with {@code result} match or none. */
    SipDomainResolver counted(SipDomainResolver resolver) {
        Counter match = resolutions("match");
        Counter none = resolutions("none");
        return new SipDomainResolver() {
            @Override
            public CompletionStage<Optional<Resolution>> resolve(AccountSid account, IpAddress address) {
                return resolver.resolve(account, address).whenComplete((answer, failure) -> {
                    if (answer != null) {
                        (answer.isPresent() ? match : none).increment();
                    }
                });
            }
        };
    }

    private Counter resolutions(String result) {
        return Counter.builder("sipmap.resolutions")
                .description("Source addresses resolved, with and without a matching mapping")
                .tag("result", result)
                .register(registry);
    }
}
