package io.sipmap.benchmarks;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What {@code bench/http.sh} needs besides the server it measures, which is the real one ({@code SipmapServer} from
 * the server module, started by the script with the flags it ships with, its request log off):
 *
 * <ul>
 *   <li>{@code load BASE_URL DIR}: fills that server over HTTP, through the client, with 10,000 IP records mapped
 *   once each and 1,000 unmapped ones (32 requests in flight), then writes into DIR what the wrk scripts cycle
 *   through: {@code list.paths} (every page of PageSize=50, the first by {@code Page=0}, the others by the
 *   {@code PageToken} of the walk), {@code fetch.paths} (every mapping, shuffled) and {@code pool.sids} (the unmapped
 *   IP records, for create and delete).</li>
 *   <li>{@code ceiling DIR FILE}: the least a Vert.x server can do for the same request: answer anything with FILE's
 *   bytes (a list page fetched from the real server) from one constant buffer, with a JSON content type, on one
 *   event loop; it writes its port into {@code DIR/ceiling.port} once listening.</li>
 *   <li>{@code vacuum DATA_DIR}: {@code VACUUM ANALYZE} on the embedded PostgreSQL of the server whose
 *   {@code --data-dir} that is, once loaded: the state autovacuum leaves the tables in within a minute or two of the
 *   load (statistics, and the visibility map that lets pages be read from the primary key's index alone), reached
 *   at once rather than at a moment of the measurement.</li>
 *   <li>{@code accounts DIR N}: N accounts of the token {@link Population#AUTH_TOKEN} for the create load over
 *   many accounts: {@code DIR/credentials}, the server's {@code --credentials-file} (digests only), and
 *   {@code DIR/auths}, their {@code Authorization} values, one a line, which {@code bench/creates.lua} cycles
 *   through.</li>
 *   <li>{@code waits DATA_DIR SECONDS SAMPLES}: samples {@code pg_stat_activity} of that embedded PostgreSQL
 *   SAMPLES times over SECONDS while a load runs, and prints how many backends were seen running and, by
 *   {@code wait_event_type:wait_event}, how many were waiting, with the lock waits (type {@code Lock}) summed: whether
 *   the writes of different accounts wait for each other.</li>
 * </ul>
 * Usage: {@code java -cp benchmarks.jar io.sipmap.benchmarks.HttpBenchServer load URL DIR | ceiling DIR FILE |
 * vacuum DATA_DIR | accounts DIR N | waits DATA_DIR SECONDS SAMPLES}.
 */
public final class HttpBenchServer {

    static final int MAPPED = 10_000;
    static final int POOL = 1_000;
    static final int PAGE_SIZE = 50;
    static final int IN_FLIGHT = 32;

    private HttpBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("load")) {
            load(args[1], Path.of(args[2]));
            return;
        }
        if (args.length == 2 && args[0].equals("vacuum")) {
            vacuum(Path.of(args[1]));
            return;
        }
        if (args.length == 3 && args[0].equals("accounts")) {
            accounts(Path.of(args[1]), Integer.parseInt(args[2]));
            return;
        }
        if (args.length == 4 && args[0].equals("waits")) {
            waits(Path.of(args[1]), Double.parseDouble(args[2]), Integer.parseInt(args[3]));
            return;
        }
        if (args.length != 3 || !args[0].equals("ceiling")) {
            System.err.println("usage: HttpBenchServer load BASE_URL DIR | ceiling DIR BODY_FILE | vacuum DATA_DIR"
                    + " | accounts DIR N | waits DATA_DIR SECONDS SAMPLES");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        Vertx vertx = Vertx.vertx();
        Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(args[2])));
        var verticle = new Ceiling(body);
        vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
        int port = verticle.server.actualPort();
        System.out.printf("ceiling: %,d bytes from a constant buffer; listening on %d%n", body.length(), port);
        Files.writeString(dir.resolve("ceiling.port"), port + "\n");
    }

    /** VACUUM ANALYZE on the embedded PostgreSQL of the server whose data directory is {@code dataDir}. */
    private static void vacuum(Path dataDir) throws Exception {
        long start = System.nanoTime();
        try (Connection connection = superuser(dataDir); Statement statement = connection.createStatement()) {
            statement.execute("VACUUM ANALYZE");
        }
        System.err.printf("vacuum: VACUUM ANALYZE in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    /** A connection to the embedded PostgreSQL of the server whose data directory is {@code dataDir}. */
    private static Connection superuser(Path dataDir) throws Exception {
        // the postmaster's port is the fourth line of its pid file; the superuser's password is the server's
        String port = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(3).strip();
        String password = Files.readString(dataDir.resolve("db-password"), StandardCharsets.UTF_8).strip();
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", password);
    }

    /** The credentials file and Authorization values of {@code n} accounts sharing the bench's token. */
    private static void accounts(Path dir, int n) throws Exception {
        List<String> credentials = new ArrayList<>();
        List<String> auths = new ArrayList<>();
        String digest = "sha256:" + HexFormat.of().formatHex(Credentials.digest(Population.AUTH_TOKEN));
        for (int i = 0; i < n; i++) {
            String account = String.format("AC%032x", 0xbe100 + i);
            credentials.add(account + " " + digest);
            auths.add("Basic " + Base64.getEncoder().encodeToString(
                    (account + ":" + Population.AUTH_TOKEN).getBytes(StandardCharsets.US_ASCII)));
        }
        Files.write(dir.resolve("credentials"), credentials, StandardCharsets.US_ASCII);
        Files.write(dir.resolve("auths"), auths, StandardCharsets.US_ASCII);
    }

    /** Counts what the backends of the database were doing, sample by sample, and prints the totals. */
    private static void waits(Path dataDir, double seconds, int samples) throws Exception {
        Map<String, Integer> waiting = new TreeMap<>();
        int active = 0;
        int locks = 0;
        long period = (long) (seconds * 1000 / samples);
        try (Connection connection = superuser(dataDir);
             PreparedStatement statement = connection.prepareStatement("SELECT wait_event_type, wait_event"
                     + " FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()"
                     + " AND backend_type = 'client backend'")) {
            for (int i = 0; i < samples; i++) {
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        active++;
                        String type = rows.getString(1);
                        if (type != null) {
                            waiting.merge(type + ":" + rows.getString(2), 1, Integer::sum);
                            locks += type.equals("Lock") ? 1 : 0;
                        }
                    }
                }
                Thread.sleep(period);
            }
        }
        System.out.printf("%d samples over %.0f s: %d backends running, %d waiting on a lock; waits %s%n", samples,
                seconds, active, locks, waiting);
    }

    /** Fills the server at {@code base} as {@link Population} fills stores, and writes the scripts' input. */
    private static void load(String base, Path dir) throws Exception {
        long start = System.nanoTime();
        try (SipmapClient client = SipmapClient.builder().baseUrl(base)
                .accountCredentials(Population.ACCOUNT, Population.AUTH_TOKEN).build()) {
            Semaphore inFlight = new Semaphore(IN_FLIGHT);
            List<CompletableFuture<SourceIpMapping>> mapped = new ArrayList<>();
            List<CompletableFuture<IpRecord>> unmapped = new ArrayList<>();
            for (int i = 0; i < MAPPED + POOL; i++) {
                inFlight.acquire();
                // an odd multiplier is a bijection of the 32-bit ints: distinct, scattered addresses
                String address = new Ipv4Address((i + 1) * 0x9E3779B1).toString();
                CompletableFuture<IpRecord> record = client.ipRecords()
                        .create(Population.ACCOUNT, CreateIpRecord.of(address)).toCompletableFuture();
                if (i < MAPPED) {
                    SipDomainSid domain = new SipDomainSid(String.format("SD%032x", i % Population.DOMAINS + 1));
                    mapped.add(record.thenCompose(r -> client.sourceIpMappings().create(Population.ACCOUNT,
                            new CreateSourceIpMapping(r.sid(), domain))).toCompletableFuture()
                            .whenComplete((m, e) -> inFlight.release()));
                } else {
                    unmapped.add(record.whenComplete((r, e) -> inFlight.release()));
                }
            }
            List<String> fetch = new ArrayList<>();
            for (CompletableFuture<SourceIpMapping> m : mapped) {
                fetch.add("/v1/SourceIpMappings/" + m.get(60, TimeUnit.SECONDS).sid().value());
            }
            Collections.shuffle(fetch, new Random(1));
            List<String> pool = new ArrayList<>();
            for (CompletableFuture<IpRecord> r : unmapped) {
                pool.add(r.get(60, TimeUnit.SECONDS).sid().value());
            }
            List<String> list = new ArrayList<>();
            list.add("/v1/SourceIpMappings?PageSize=" + PAGE_SIZE + "&Page=0");
            PageRequest request = PageRequest.first(PAGE_SIZE);
            for (int page = 1; ; page++) {
                Page<SourceIpMapping> p = client.sourceIpMappings().list(Population.ACCOUNT, request)
                        .toCompletableFuture().get(60, TimeUnit.SECONDS);
                if (p.next().isEmpty()) {
                    break;
                }
                list.add("/v1/SourceIpMappings?PageSize=" + PAGE_SIZE + "&Page=" + page + "&PageToken="
                        + p.next().get().token());
                request = request.at(p.next().get());
            }
            Files.write(dir.resolve("list.paths"), list, StandardCharsets.US_ASCII);
            Files.write(dir.resolve("fetch.paths"), fetch, StandardCharsets.US_ASCII);
            Files.write(dir.resolve("pool.sids"), pool, StandardCharsets.US_ASCII);
        }
        System.out.printf("load: %,d mapped and %,d unmapped IP records created over HTTP in %d ms%n", MAPPED, POOL,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** Answers every request with the same bytes. */
    private static final class Ceiling extends VerticleBase {
        private final Buffer body;
        private volatile HttpServer server;

        Ceiling(Buffer body) {
            this.body = body;
        }

        @Override
        public Future<?> start() {
            server = vertx.createHttpServer().requestHandler(request -> request.response()
                    .putHeader("Content-Type", "application/json")
                    .end(body));
            return server.listen(0, "127.0.0.1");
        }
    }
}
