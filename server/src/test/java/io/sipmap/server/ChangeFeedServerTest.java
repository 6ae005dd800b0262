package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.Calls;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change feed and the exports as the runnable server serves them, over memory and over PostgreSQL: two instances
 * share one database, and a subscriber of one sees, in order and numbered, what is written through the other (the
 * replica's LISTEN/NOTIFY wakes the feed); a reconnection with Last-Event-ID replays what was missed; the exports
 * answer with their tags; the open streams are a metric.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChangeFeedServerTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "f3".repeat(16));
    private static final String TOKEN = "feed-test-token";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    private static Embedded database;
    private static SipmapServer one;
    private static SipmapServer two;
    private static SipmapServer memory;

    private final Calls calls = new Calls(ACCOUNT, TOKEN);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        database = Embedded.start(dir.resolve("shared"));
        Settings settings = Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN).with(Settings.Store.postgres(database.connect()));
        one = SipmapServer.run(settings);
        two = SipmapServer.run(settings);
        memory = SipmapServer.run(Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN));
    }

    @AfterAll
    static void stop() throws Exception {
        for (SipmapServer server : new SipmapServer[] {one, two, memory}) {
            if (server != null) {
                server.close();
            }
        }
        if (database != null) {
            database.stop();
        }
    }

    /** A stream's events as "id event data" lines, read on a thread of its own. */
    private final class Stream implements AutoCloseable {
        final HttpResponse<InputStream> response;
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        Stream(SipmapServer server, String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/sipmap/v1/Changes"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (ACCOUNT.value() + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            response = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(),
                        StandardCharsets.UTF_8))) {
                    StringBuilder event = new StringBuilder();
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.isEmpty() && event.length() > 0) {
                            events.add(event.toString().strip());
                            event.setLength(0);
                        } else if (line.startsWith("id: ") || line.startsWith("event: ") || line.startsWith("data: ")) {
                            event.append(line.substring(line.indexOf(' ') + 1)).append(' ');
                        }
                    }
                } catch (Exception e) {
                    // closed
                }
            }, "feed-reader");
            reader.setDaemon(true);
            reader.start();
        }

        String next() throws InterruptedException {
            String event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(event).as("an event within " + WAIT).isNotNull();
            return event;
        }

        @Override
        public void close() throws Exception {
            response.body().close();
        }
    }

    private JsonObject post(SipmapServer server, String path, String form, int status) throws Exception {
        HttpResponse<String> answer = calls.call("POST", server.baseUrl() + path, form);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        return new JsonObject(answer.body());
    }

    @Test
    void overPostgresASubscriberOfOneInstanceFollowsTheWritesOfTheOtherAndResumes() throws Exception {
        followAndResume(one, two);
    }

    @Test
    void overMemoryTheSameServerServesTheFeed() throws Exception {
        followAndResume(memory, memory);
    }

    private void followAndResume(SipmapServer writer, SipmapServer reader) throws Exception {
        List<String> seen = new ArrayList<>();
        JsonObject record;
        try (Stream stream = new Stream(reader, null)) {
            awaitSubscribers(reader, 1);
            record = post(writer, "/v1/IpRecords", "IpAddress=198.51.100.0&CidrPrefixLength=24", 201);
            JsonObject mapping = post(writer, "/v1/SourceIpMappings", "IpRecordSid=" + record.getString("sid")
                    + "&SipDomainSid=SD" + "4d".repeat(16), 201);
            seen.add(stream.next());
            seen.add(stream.next());
            String[] first = seen.get(0).split(" ", 3);
            String[] second = seen.get(1).split(" ", 3);
            assertThat(first[1]).isEqualTo("ip_record.created");
            assertThat(new JsonObject(first[2])).isEqualTo(seenFrom(reader, record, "/v1/IpRecords/"));
            assertThat(second[1]).isEqualTo("source_ip_mapping.created");
            assertThat(new JsonObject(second[2])).isEqualTo(seenFrom(reader, mapping, "/v1/SourceIpMappings/")
                    .put("ip_record_address", "198.51.100.0").put("cidr_prefix_length", 24));
            assertThat(number(second[0])).isEqualTo(number(first[0]) + 1);
        }
        awaitSubscribers(reader, 0);
        String lastId = seen.get(1).split(" ", 2)[0];
        JsonObject renamed = post(writer, "/v1/IpRecords/" + record.getString("sid"), "FriendlyName=edge", 200);
        String headId;
        try (Stream resumed = new Stream(reader, lastId)) {
            String[] missed = resumed.next().split(" ", 3);
            assertThat(number(missed[0])).isEqualTo(number(lastId) + 1);
            headId = missed[0];
            assertThat(missed[1]).isEqualTo("ip_record.updated");
            assertThat(new JsonObject(missed[2])).isEqualTo(seenFrom(reader, renamed, "/v1/IpRecords/"));
        }

        HttpResponse<String> kamailio = calls.call("GET", reader.baseUrl() + "/sipmap/v1/Exports/Kamailio?Group=3",
                null);
        assertThat(kamailio.statusCode()).isEqualTo(200);
        assertThat(kamailio.body()).contains("3 198.51.100.0 24 0 SD" + "4d".repeat(16) + "\n");
        assertThat(kamailio.headers().firstValue("Sipmap-Last-Event-Id")).hasValue(headId);
        JsonObject addresses = new JsonObject(calls.call("GET", reader.baseUrl() + "/sipmap/v1/Exports/Addresses",
                null).body());
        assertThat(addresses.getString("last_event_id")).isEqualTo(headId);
        assertThat(addresses.getJsonArray("entries").getJsonObject(0).getString("ip_record_sid"))
                .isEqualTo(record.getString("sid"));
    }

    @Test
    void aWriteReachesASubscriberWithinMillisecondsOfItsAcknowledgement() throws Exception {
        String memoryFigures = propagation(memory, memory, "10.60.0.0");
        String sameInstance = propagation(one, one, "10.61.0.0");
        String otherInstance = propagation(one, two, "10.62.0.0");
        System.out.println("change feed propagation, write acknowledged -> event read, 200 writes each:"
                + " memory " + memoryFigures + "; PostgreSQL, same instance " + sameInstance
                + "; PostgreSQL, other instance " + otherInstance);
    }

    /**
     * Renames a record 200 times through {@code writer}, one write at a time, and times, for each, from the write's
     * answer to the event's arrival on a stream of {@code reader}: "p50 x ms, p99 y ms, max z ms". Fails when an
     * event takes a second or more.
     */
    private String propagation(SipmapServer writer, SipmapServer reader, String network) throws Exception {
        JsonObject record = post(writer, "/v1/IpRecords", "IpAddress=" + network + "&CidrPrefixLength=24", 201);
        long[] nanos = new long[200];
        try (Stream stream = new Stream(reader, null)) {
            awaitSubscribers(reader, 1);
            for (int i = 0; i < nanos.length; i++) {
                post(writer, "/v1/IpRecords/" + record.getString("sid"), "FriendlyName=n" + i, 200);
                long acknowledged = System.nanoTime();
                String event = stream.next();
                nanos[i] = System.nanoTime() - acknowledged;
                assertThat(event).contains("ip_record.updated").contains("\"friendly_name\":\"n" + i + "\"");
            }
        }
        awaitSubscribers(reader, 0);
        java.util.Arrays.sort(nanos);
        assertThat(nanos[nanos.length - 1]).as("the slowest event, ns").isLessThan(1_000_000_000L);
        return String.format(java.util.Locale.ROOT, "p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                nanos[nanos.length / 2] / 1e6, nanos[nanos.length * 99 / 100] / 1e6, nanos[nanos.length - 1] / 1e6);
    }

    @Test
    void theOpenStreamsAreAMetric() throws Exception {
        try (Stream stream = new Stream(memory, null)) {
            awaitSubscribers(memory, 1);
            assertThat(metric(memory)).contains("sipmap_change_feed_subscribers 1.0");
        }
        awaitSubscribers(memory, 0);
        assertThat(metric(memory)).contains("sipmap_change_feed_subscribers 0.0");
    }

    private String metric(SipmapServer server) throws Exception {
        return calls.anonymous("http://127.0.0.1:" + server.managementPort() + "/metrics").body();
    }

    /** The number of an event id, {@code <seq>-<tag>}. */
    private static long number(String id) {
        assertThat(id).matches("[0-9]+-[0-9a-f]{8}");
        return Long.parseLong(id.substring(0, id.indexOf('-')));
    }

    /** {@code resource} as {@code reader} renders it: its url on that server. */
    private static JsonObject seenFrom(SipmapServer reader, JsonObject resource, String path) {
        return resource.copy().put("url", reader.baseUrl() + path + resource.getString("sid"));
    }

    private static void awaitSubscribers(SipmapServer server, int count) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.changeSubscribers() != count) {
            assertThat(System.nanoTime()).as("subscribers " + server.changeSubscribers()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
