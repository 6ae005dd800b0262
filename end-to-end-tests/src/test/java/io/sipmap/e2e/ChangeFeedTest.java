package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.domain.AccountSid;
import io.sipmap.service.ChangeFeedService;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /sipmap/v1/Changes} on a real socket, over the services and the in-memory stores: writes made through
 * the REST API arrive as events with the right numbers and the resources' JSON; a client that reconnects with
 * Last-Event-ID gets exactly what it missed; one too far behind gets reset; accounts never see each other's changes;
 * bad credentials are refused in Twilio's shape before any stream; a subscriber that does not read never holds writers
 * back; the stream ends cleanly when the server stops.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChangeFeedTest {

    static final AccountSid ACCOUNT = new AccountSid("AC" + "a1".repeat(16));
    static final String TOKEN = "token-a";
    static final AccountSid OTHER = new AccountSid("AC" + "b2".repeat(16));
    static final String OTHER_TOKEN = "token-b";
    static final int LOG_CAPACITY = 64;
    static final int BUFFERED_EVENTS = 16;
    static final String NAME_255 = "n".repeat(255);

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private SipmapVerticle verticle;
    private String base;
    private final List<SseClient> streams = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        InMemoryStores stores = InMemoryStores.create(LOG_CAPACITY);
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        verticle = new SipmapVerticle(new SourceIpMappingService(stores.sourceIpMappings(), clock, sids),
                new IpRecordService(stores.ipRecords(), clock, sids), new ResolutionService(stores.resolutions()),
                new ChangeFeedService(stores.changes()),
                SipmapServerOptions.of(Credentials.of(ACCOUNT, TOKEN).withAccount(OTHER, OTHER_TOKEN)).withPort(0)
                        .withShutdownTimeout(Duration.ofSeconds(10))
                        .withFeed(new SipmapServerOptions.Feed(Duration.ofMillis(300), BUFFERED_EVENTS)));
        vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + verticle.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        for (SseClient stream : streams) {
            stream.close();
        }
        vertx.close().await(20, TimeUnit.SECONDS);
    }

    private SseClient subscribe(Map<String, String> headers) throws Exception {
        return subscribe("", ACCOUNT, TOKEN, headers);
    }

    private SseClient subscribe(String query, AccountSid account, String token, Map<String, String> headers)
            throws Exception {
        SseClient stream = SseClient.open(http, base + "/sipmap/v1/Changes" + query, account.value(), token,
                headers);
        streams.add(stream);
        return stream;
    }

    private HttpResponse<String> call(String method, String path, AccountSid account, String token, String form)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (account.value() + ":" + token).getBytes(StandardCharsets.UTF_8)));
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        request.method(method, form == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(form));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return status == 204 ? null : new JsonObject(response.body());
    }

    private JsonObject createRecord(AccountSid account, String token, String address, int length) throws Exception {
        return ok(call("POST", "/v1/IpRecords", account, token, "IpAddress=" + address + "&CidrPrefixLength="
                + length), 201);
    }

    private JsonObject createRecord(String address, int length) throws Exception {
        return createRecord(ACCOUNT, TOKEN, address, length);
    }

    private JsonObject map(String recordSid, String domain) throws Exception {
        return ok(call("POST", "/v1/SourceIpMappings", ACCOUNT, TOKEN, "IpRecordSid=" + recordSid + "&SipDomainSid="
                + domain), 201);
    }

    private JsonObject rename(String recordSid, String name) throws Exception {
        return ok(call("POST", "/v1/IpRecords/" + recordSid, ACCOUNT, TOKEN, "FriendlyName=" + URLEncoder.encode(name,
                StandardCharsets.UTF_8)), 200);
    }

    private static String domain(int n) {
        return String.format("SD%032x", n);
    }

    /** A change's event id: its number and its tag, 8 lower-case hex digits. */
    private static String idOf(long seq) {
        return seq + "-[0-9a-f]{8}";
    }

    /** The number of an event id. */
    private static long number(SseClient.Frame frame) {
        return Long.parseLong(frame.id().substring(0, frame.id().indexOf('-')));
    }

    /** A mapping's event data: the mapping as a GET answers it, then its record's own address and prefix length. */
    private static JsonObject withRecord(JsonObject mapping, JsonObject record) {
        return mapping.copy().put("ip_record_address", record.getString("ip_address"))
                .put("cidr_prefix_length", record.getInteger("cidr_prefix_length"));
    }

    private static void assertEvent(SseClient.Frame frame, long id, String event, JsonObject resource) {
        assertThat(frame.id()).as("id of " + frame).matches(idOf(id));
        assertThat(frame.event()).isEqualTo(event);
        assertThat(new JsonObject(frame.data())).isEqualTo(resource);
        assertThat(frame.data()).isEqualTo(resource.encode());
    }

    @Test
    void writesThroughTheApiArriveAsNumberedEventsWithTheResourcesAsGetAnswersThem() throws Exception {
        SseClient stream = subscribe(Map.of());
        assertThat(stream.response.statusCode()).isEqualTo(200);
        assertThat(stream.response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        assertThat(stream.response.headers().firstValue("Cache-Control")).hasValue("no-store");

        JsonObject record = createRecord("10.1.2.3", 16); // host bits set: the events name the address as given
        String recordSid = record.getString("sid");
        JsonObject mapping = map(recordSid, domain(1));
        JsonObject renamed = rename(recordSid, "office \"north\" ✓");
        JsonObject moved = ok(call("POST", "/v1/SourceIpMappings/" + mapping.getString("sid"), ACCOUNT, TOKEN,
                "SipDomainSid=" + domain(2)), 200);
        ok(call("DELETE", "/v1/SourceIpMappings/" + mapping.getString("sid"), ACCOUNT, TOKEN, null), 204);
        ok(call("DELETE", "/v1/IpRecords/" + recordSid, ACCOUNT, TOKEN, null), 204);

        List<SseClient.Frame> events = stream.next(6);
        assertEvent(events.get(0), 1, "ip_record.created", record);
        assertEvent(events.get(1), 2, "source_ip_mapping.created", withRecord(mapping, record));
        assertEvent(events.get(2), 3, "ip_record.updated", renamed);
        assertEvent(events.get(3), 4, "source_ip_mapping.updated", withRecord(moved, record));
        assertEvent(events.get(4), 5, "source_ip_mapping.deleted", withRecord(moved, record));
        assertThat(events.get(1).data()).as("Twilio's fields first, as a GET writes them")
                .startsWith(mapping.encode().substring(0, mapping.encode().length() - 1) + ",\"ip_record_address\":");
        assertEvent(events.get(5), 6, "ip_record.deleted", renamed);
        assertThat(stream.quietFor(Duration.ofMillis(300))).isTrue();
    }

    @Test
    void withoutLastEventIdTheStreamStartsAtTheHeadAndKeepsAliveWhenQuiet() throws Exception {
        createRecord("10.2.0.0", 16);
        createRecord("10.3.0.0", 16);
        SseClient stream = subscribe(Map.of());
        SseClient.Frame first = stream.poll(Duration.ofSeconds(5));
        assertThat(first.event()).as("the retry advice first").isEqualTo("retry");
        assertThat(first.data()).isEqualTo("1000");
        SseClient.Frame quiet = stream.poll(Duration.ofSeconds(5));
        assertThat(quiet.comment()).isEqualTo("keep-alive");

        JsonObject third = createRecord("10.4.0.0", 16);
        assertEvent(stream.next(), 3, "ip_record.created", third);
    }

    @Test
    void aClientThatReconnectsWithLastEventIdGetsExactlyWhatItMissed() throws Exception {
        SseClient first = subscribe(Map.of());
        List<JsonObject> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            records.add(createRecord("10.5." + i + ".0", 24));
        }
        List<SseClient.Frame> seen = first.next(3);
        assertThat(seen).extracting(ChangeFeedTest::number).containsExactly(1L, 2L, 3L);
        first.close();
        streams.remove(first);

        for (int i = 3; i < 7; i++) {
            records.add(createRecord("10.5." + i + ".0", 24));
        }
        SseClient resumed = subscribe(Map.of("Last-Event-ID", seen.get(2).id()));
        List<SseClient.Frame> missed = resumed.next(4);
        for (int i = 0; i < 4; i++) {
            assertEvent(missed.get(i), 4 + i, "ip_record.created", records.get(3 + i));
        }
        JsonObject live = createRecord("10.5.7.0", 24);
        SseClient.Frame liveFrame = resumed.next();
        assertEvent(liveFrame, 8, "ip_record.created", live);
        assertThat(resumed.quietFor(Duration.ofMillis(300))).isTrue();

        SseClient byQuery = subscribe("?LastEventId=6", ACCOUNT, TOKEN, Map.of());
        assertThat(byQuery.next(2)).extracting(ChangeFeedTest::number).containsExactly(7L, 8L);
        SseClient headerWins = subscribe("?LastEventId=1", ACCOUNT, TOKEN, Map.of("Last-Event-ID", "7"));
        assertEvent(headerWins.next(), 8, "ip_record.created", live);
        SseClient taggedQuery = subscribe("?LastEventId=" + missed.get(2).id(), ACCOUNT, TOKEN, Map.of());
        assertEvent(taggedQuery.next(), 7, "ip_record.created", records.get(6));
        assertEvent(taggedQuery.next(), 8, "ip_record.created", live);
        SseClient atTheHead = subscribe(Map.of("Last-Event-ID", liveFrame.id()));
        assertThat(atTheHead.quietFor(Duration.ofMillis(300))).as("nothing to replay, no reset").isTrue();
    }

    @Test
    void aClientFurtherBehindThanTheLogOrAheadOfItIsToldToReset() throws Exception {
        JsonObject record = createRecord("10.6.0.0", 16);
        for (int i = 0; i < LOG_CAPACITY + 5; i++) {
            rename(record.getString("sid"), "name " + i);
        }
        long head = LOG_CAPACITY + 6;

        SseClient behind = subscribe(Map.of("Last-Event-ID", "1"));
        SseClient.Frame reset = behind.next();
        assertThat(reset.event()).isEqualTo("reset");
        assertThat(reset.id()).isNull();
        String headId = new JsonObject(reset.data()).getString("last_event_id");
        assertThat(headId).matches(idOf(head));
        assertThat(reset.data()).isEqualTo(new JsonObject().put("last_event_id", headId).encode());
        assertThat(behind.next()).isSameAs(SseClient.END);

        // the head named with its own tag replays nothing; with another, the history is not the client's
        SseClient current = subscribe(Map.of("Last-Event-ID", headId));
        assertThat(current.quietFor(Duration.ofMillis(300))).isTrue();
        String otherTag = head + "-" + (headId.endsWith("0") ? "00000001" : "00000000");
        SseClient foreign = subscribe(Map.of("Last-Event-ID", otherTag));
        assertThat(foreign.next().data()).isEqualTo("{\"last_event_id\":\"" + headId + "\"}");
        assertThat(foreign.next()).isSameAs(SseClient.END);
        SseClient foreignByQuery = subscribe("?LastEventId=" + otherTag, ACCOUNT, TOKEN, Map.of());
        assertThat(foreignByQuery.next().event()).isEqualTo("reset");

        SseClient ahead = subscribe(Map.of("Last-Event-ID", Long.toString(head + 1)));
        assertThat(ahead.next().event()).isEqualTo("reset");
        assertThat(ahead.next()).isSameAs(SseClient.END);

        SseClient oldestKept = subscribe(Map.of("Last-Event-ID", Long.toString(head - LOG_CAPACITY)));
        List<SseClient.Frame> kept = oldestKept.next(LOG_CAPACITY);
        assertThat(kept).extracting(SseClient.Frame::event).containsOnly("ip_record.updated");
        // with its tag, the oldest change kept is known; a change dropped from the log no longer is, tag or not
        SseClient oldestTagged = subscribe(Map.of("Last-Event-ID", kept.get(0).id()));
        assertThat(oldestTagged.next(LOG_CAPACITY - 1)).extracting(SseClient.Frame::id)
                .isEqualTo(kept.subList(1, LOG_CAPACITY).stream().map(SseClient.Frame::id).toList());
        SseClient droppedTagged = subscribe(Map.of("Last-Event-ID", (head - LOG_CAPACITY) + "-00000000"));
        assertThat(droppedTagged.next().event()).isEqualTo("reset");
    }

    @Test
    void anotherAccountsChangesNeverAppear() throws Exception {
        SseClient mine = subscribe(Map.of());
        SseClient theirs = subscribe("", OTHER, OTHER_TOKEN, Map.of());
        createRecord(OTHER, OTHER_TOKEN, "10.7.0.0", 16);
        createRecord(OTHER, OTHER_TOKEN, "10.8.0.0", 16);
        JsonObject own = createRecord("10.7.0.0", 16);

        assertEvent(mine.next(), 1, "ip_record.created", own);
        assertThat(mine.quietFor(Duration.ofMillis(300))).isTrue();
        assertThat(theirs.next(2)).extracting(f -> new JsonObject(f.data()).getString("account_sid"))
                .containsOnly(OTHER.value());
        assertThat(theirs.quietFor(Duration.ofMillis(300))).isTrue();

        SseClient replayed = subscribe("", OTHER, OTHER_TOKEN, Map.of("Last-Event-ID", "0"));
        assertThat(replayed.next(2)).extracting(f -> new JsonObject(f.data()).getString("account_sid"))
                .containsOnly(OTHER.value());
        assertThat(replayed.quietFor(Duration.ofMillis(300))).isTrue();
    }

    @Test
    void wrongCredentialsAndBadNumbersAreRefusedInTwiliosShapeBeforeAnyStream() throws Exception {
        SseClient wrong = subscribe("", ACCOUNT, "not-the-token", Map.of());
        assertThat(wrong.response.statusCode()).isEqualTo(401);
        assertThat(wrong.response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(wrong.response.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Twilio API\"");
        assertThat(new JsonObject(wrong.errorBody))
                .isEqualTo(new JsonObject().put("code", 20003).put("message", "Authenticate")
                        .put("more_info", "https://www.twilio.com/docs/errors/20003").put("status", 401));

        for (String bad : new String[] {"-1", "abc", "1.5", "9".repeat(19), "", "1-", "1-0a1b2c3", "1-0a1b2c3d4",
            "1-0a1b2c3g", "0-0a1b2c3d", "1-0a1b2c3d-1"}) {
            SseClient refused = subscribe(Map.of("Last-Event-ID", bad));
            assertThat(refused.response.statusCode()).as(bad).isEqualTo(400);
            JsonObject error = new JsonObject(refused.errorBody);
            assertThat(error.getInteger("code")).isEqualTo(20001);
            assertThat(error.getString("message")).startsWith("Invalid Last-Event-ID");
        }
        SseClient badQuery = subscribe("?LastEventId=x", ACCOUNT, TOKEN, Map.of());
        assertThat(badQuery.response.statusCode()).isEqualTo(400);
        assertThat(verticle.changeSubscribers()).isZero();
    }

    @Test
    void aSubscriberThatDoesNotReadNeverHoldsWritersOrOtherSubscribersBack() throws Exception {
        SseClient fast = subscribe(Map.of());
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(2048);
            slow.connect(new InetSocketAddress("127.0.0.1", verticle.actualPort()), 5000);
            OutputStream out = slow.getOutputStream();
            out.write(("GET /sipmap/v1/Changes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic "
                    + Base64.getEncoder().encodeToString((ACCOUNT.value() + ":" + TOKEN)
                            .getBytes(StandardCharsets.UTF_8)) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = slow.getInputStream();
            byte[] head = new byte[12];
            assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            awaitSubscribers(2);

            JsonObject record = createRecord("10.9.0.0", 16);
            String sid = record.getString("sid");
            long slowest = 0;
            int writes = 1;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // the slow subscriber's socket fills, then its queue of BUFFERED_EVENTS, then it is dropped
            while (verticle.changeSubscribers() > 1 && System.nanoTime() < deadline) {
                long start = System.nanoTime();
                rename(sid, NAME_255.substring(0, 200) + writes);
                slowest = Math.max(slowest, System.nanoTime() - start);
                writes++;
            }
            assertThat(verticle.changeSubscribers()).as("the slow subscriber dropped after " + writes + " writes")
                    .isEqualTo(1);
            assertThat(Duration.ofNanos(slowest)).as("the slowest of " + writes + " writes")
                    .isLessThan(Duration.ofSeconds(1));
            for (int i = 1; i <= writes; i++) {
                assertThat(fast.next().id()).matches(idOf(i));
            }
            System.out.printf("slow subscriber dropped after %d writes; slowest write %.1f ms%n", writes,
                    slowest / 1e6);

            // what the slow one gets once it reads: the events its socket held, then reset, then the end
            slow.setSoTimeout(10_000);
            String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).contains("event: reset\ndata: {\"last_event_id\":\"");
        }
    }

    private void awaitSubscribers(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (verticle.changeSubscribers() != count) {
            assertThat(System.nanoTime()).as("subscribers " + verticle.changeSubscribers()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void manyIdleSubscribersShareOneSubscriptionAndAllGetEachChange() throws Exception {
        List<SseClient> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(subscribe(Map.of()));
        }
        awaitSubscribers(50);
        JsonObject record = createRecord("10.10.0.0", 16);
        for (SseClient stream : many) {
            assertEvent(stream.next(), 1, "ip_record.created", record);
        }
        for (SseClient stream : many) {
            stream.close();
            streams.remove(stream);
        }
        awaitSubscribers(0);
    }

    @Test
    void theStreamEndsCleanlyWhenTheServerStops() throws Exception {
        SseClient stream = subscribe(Map.of());
        awaitSubscribers(1);
        AtomicBoolean stopped = new AtomicBoolean();
        long start = System.nanoTime();
        vertx.undeploy(verticle.deploymentID()).onComplete(done -> stopped.set(true));
        assertThat(stream.next()).isSameAs(SseClient.END);
        long took = System.nanoTime() - start;
        assertThat(Duration.ofNanos(took)).as("well before the shutdown timeout").isLessThan(Duration.ofSeconds(5));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!stopped.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(stopped).isTrue();
    }
}
