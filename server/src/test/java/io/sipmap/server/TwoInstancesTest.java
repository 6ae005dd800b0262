package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.Calls;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers over one PostgreSQL, as behind a load balancer: what one acknowledges the other reads at once, each
 * resolves from its own replica within a bound, and they race for the same IP record with one winner.
 */
class TwoInstancesTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "2b".repeat(16));
    private static final String TOKEN = "two-instances-token";

    @TempDir
    static Path dir;

    private static Embedded database;
    private static SipmapServer one;
    private static SipmapServer two;

    private final Calls calls = new Calls(ACCOUNT, TOKEN);

    @BeforeAll
    static void startTwoServersOverOneDatabase() throws Exception {
        database = Embedded.start(dir.resolve("shared"));
        Settings settings = Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN).with(Settings.Store.postgres(database.connect()));
        one = SipmapServer.run(settings);
        two = SipmapServer.run(settings);
    }

    @AfterAll
    static void stop() throws Exception {
        if (one != null) {
            one.close();
        }
        if (two != null) {
            two.close();
        }
        database.stop();
    }

    private HttpResponse<String> call(SipmapServer server, String method, String path, String form) throws Exception {
        return calls.call(method, server.baseUrl() + path, form);
    }

    private String create(SipmapServer server, String form) throws Exception {
        HttpResponse<String> created = call(server, "POST", "/v1/IpRecords", form);
        assertThat(created.statusCode()).isEqualTo(201);
        return new JsonObject(created.body()).getString("sid");
    }

    @Test
    void whatOneAcknowledgesTheOtherReadsAtOnceAndResolvesWithinABound() throws Exception {
        assertThat(one.banner()).contains("(PostgreSQL at postgres@127.0.0.1:").doesNotContain(
                database.connect().getPassword());
        String record = create(one, "IpAddress=198.51.100.0&CidrPrefixLength=24");
        HttpResponse<String> mapped = call(one, "POST", "/v1/SourceIpMappings",
                "IpRecordSid=" + record + "&SipDomainSid=SD" + "3c".repeat(16));
        assertThat(mapped.statusCode()).isEqualTo(201);
        String mapping = new JsonObject(mapped.body()).getString("sid");

        // no cache in front of the API: a fetch and a list on the other instance see the write already
        assertThat(call(two, "GET", "/v1/SourceIpMappings/" + mapping, null).statusCode()).isEqualTo(200);
        assertThat(call(two, "GET", "/v1/IpRecords?PageSize=1000", null).body()).contains(record);
        // the instance that wrote resolves it before answering the write: read your own writes
        assertThat(resolvedMapping(one, "198.51.100.9")).isEqualTo(mapping);
        // the other follows the change log
        long start = System.nanoTime();
        String seen = null;
        while (System.nanoTime() - start < Duration.ofSeconds(5).toNanos()
                && !mapping.equals(seen = resolvedMapping(two, "198.51.100.9"))) {
            Thread.sleep(5);
        }
        assertThat(seen).as("resolved on the other instance within 5 s").isEqualTo(mapping);

        assertThat(call(two, "DELETE", "/v1/SourceIpMappings/" + mapping, null).statusCode()).isEqualTo(204);
        assertThat(resolvedMapping(two, "198.51.100.9")).isNull();
        start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofSeconds(5).toNanos()
                && resolvedMapping(one, "198.51.100.9") != null) {
            Thread.sleep(5);
        }
        assertThat(resolvedMapping(one, "198.51.100.9")).as("the delete reached the first instance").isNull();
    }

    @Test
    void twoInstancesRacingToMapOneRecordHaveExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                String record = create(one, "IpAddress=203.0.113." + round);
                List<Future<Integer>> attempts = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    SipmapServer server = i % 2 == 0 ? one : two;
                    String domain = "SD" + String.format("%032x", i);
                    attempts.add(pool.submit((Callable<Integer>) () -> call(server, "POST", "/v1/SourceIpMappings",
                            "IpRecordSid=" + record + "&SipDomainSid=" + domain).statusCode()));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> attempt : attempts) {
                    statuses.add(attempt.get());
                }
                assertThat(statuses).as("round " + round).containsOnly(201, 409).filteredOn(s -> s == 201).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The mapping SID that {@code server} resolves {@code address} to, or null. */
    private String resolvedMapping(SipmapServer server, String address) throws Exception {
        HttpResponse<String> answer = call(server, "GET", "/sipmap/v1/Resolve?IpAddress=" + address, null);
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonObject resolution = new JsonObject(answer.body()).getJsonObject("resolution");
        return resolution == null ? null : resolution.getString("source_ip_mapping_sid");
    }
}
