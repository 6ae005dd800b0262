package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.testsupport.CapturedLogRecords;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The exports never hold the event loop: with 100,000 mapped records over the memory store, while exports are being
 * built, a cheap request on the same server is answered within 200 ms, and Vert.x never warns of a blocked thread. A
 * poller whose tag is current gets its 304 without the server building the body again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExportOffTheEventLoopTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "e7".repeat(16));
    private static final String TOKEN = "export-test-token";
    private static final int RECORDS = 100_000;
    private static final Duration CHEAP = Duration.ofMillis(200);

    private static SipmapServer server;
    private static Logger checker;
    private static CapturedLogRecords blocked;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        checker = Logger.getLogger("io.vertx.core.impl.BlockedThreadChecker");
        blocked = new CapturedLogRecords(checker);
        server = SipmapServer.run(Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN));
        // Straight into the stores: 100,000 records and mappings through HTTP would take minutes.
        Storage stores = server.storage();
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        SipDomainSid domain = new SipDomainSid(0x5d, 1);
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            long n = i + 1;
            IpRecordSid sid = new IpRecordSid(0x1e, n);
            int prefix = 24 + i % 9;
            IpRecord record = new IpRecord(ACCOUNT, sid, "pbx " + i, new Ipv4Address(0x0a000000 + i * 7), prefix,
                    now, now);
            writes.add(stores.ipRecords.insert(record)
                    .thenCompose(r -> stores.sourceIpMappings.insert(new SourceIpMapping(ACCOUNT,
                            new SourceIpMappingSid(0x1b, n), sid, domain, now, now))).toCompletableFuture());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (blocked != null) {
            blocked.close();
        }
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((ACCOUNT.value() + ":" + TOKEN).getBytes()));
    }

    @Test
    void aCheapRequestIsAnsweredAtOnceWhileExportsAreBuilt() throws Exception {
        HttpClient other = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        other.send(get("/v1/IpRecords?PageSize=1").build(), HttpResponse.BodyHandlers.ofString()); // connected, warm
        long before = System.nanoTime();
        CompletableFuture<HttpResponse<byte[]>> json = http.sendAsync(get("/sipmap/v1/Exports/Addresses").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        CompletableFuture<HttpResponse<byte[]>> kamailio = http.sendAsync(get("/sipmap/v1/Exports/Kamailio").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        List<Long> slowest = new ArrayList<>();
        int during = 0;
        while (!(json.isDone() && kamailio.isDone())) {
            long start = System.nanoTime();
            HttpResponse<String> page = other.send(get("/v1/IpRecords?PageSize=1").build(),
                    HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - start;
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(page.body()).getJsonArray("ip_records")).hasSize(1);
            slowest.add(took);
            during++;
            Thread.sleep(20);
        }
        long exportMillis = (System.nanoTime() - before) / 1_000_000;
        System.err.printf("exports of %,d entries in %d ms; %d cheap requests meanwhile, slowest %d ms%n", RECORDS,
                exportMillis, during, slowest.stream().mapToLong(n -> n).max().orElse(0) / 1_000_000);
        assertThat(during).as("cheap requests answered while the exports were built").isGreaterThan(0);
        assertThat(slowest).allSatisfy(n -> assertThat(Duration.ofNanos(n)).isLessThan(CHEAP));

        HttpResponse<byte[]> body = json.get(30, TimeUnit.SECONDS);
        assertThat(body.statusCode()).isEqualTo(200);
        JsonObject export = new JsonObject(new String(body.body(), StandardCharsets.UTF_8));
        assertThat(export.getJsonArray("entries")).hasSize(RECORDS);
        assertThat(kamailio.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        String tag = body.headers().firstValue("ETag").orElseThrow();

        long start = System.nanoTime();
        HttpResponse<byte[]> again = http.send(get("/sipmap/v1/Exports/Addresses").header("If-None-Match", tag)
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        long notModifiedMillis = (System.nanoTime() - start) / 1_000_000;
        System.err.printf("304 for a current tag in %d ms%n", notModifiedMillis);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("ETag")).contains(tag);
        assertThat(again.headers().firstValue("Sipmap-Last-Event-Id"))
                .isEqualTo(body.headers().firstValue("Sipmap-Last-Event-Id"));
        assertThat(Duration.ofMillis(notModifiedMillis)).as("a 304 from the head alone").isLessThan(CHEAP);

        assertThat(blocked.records).as("BlockedThreadChecker warnings").isEmpty();
    }
}
