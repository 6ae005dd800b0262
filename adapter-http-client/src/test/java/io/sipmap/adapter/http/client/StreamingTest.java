package io.sipmap.adapter.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.SipmapException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Streaming a long list from a stub that makes its pages on demand and counts them. */
@ExtendWith(VertxExtension.class)
class StreamingTest {

    static final AccountSid ACCOUNT = TwilioExamplesTest.ACCOUNT;
    static final int TOTAL = 10_000;

    private final AtomicInteger pagesServed = new AtomicInteger();
    private StubServer stub;
    private SipmapClient client;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        stub = StubServer.start(vertx, router -> router.get("/v1/IpRecords").handler(this::page));
        client = SipmapClient.builder().baseUrl(stub.baseUrl()).accountCredentials(ACCOUNT, "token").vertx(vertx)
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        stub.close();
    }

    static String sid(int index) {
        return String.format("IL%032x", index);
    }

    /** Keyset paging over records 0..TOTAL-1, as WIRE.md describes it. */
    private void page(RoutingContext ctx) {
        pagesServed.incrementAndGet();
        int size = Integer.parseInt(ctx.request().getParam("PageSize", "50"));
        int page = Integer.parseInt(ctx.request().getParam("Page", "0"));
        String token = ctx.request().getParam("PageToken");
        int from = token == null ? 0 : Integer.parseInt(token.substring(4), 16) + 1;
        int to = Math.min(TOTAL, from + size);
        JsonArray items = new JsonArray();
        for (int i = from; i < to; i++) {
            items.add(new JsonObject().put("account_sid", ACCOUNT.value()).put("sid", sid(i)).putNull("friendly_name")
                    .put("ip_address", "10.0." + (i / 256 % 256) + "." + (i % 256)).put("cidr_prefix_length", 32)
                    .put("date_created", "2020-03-18T23:31:36Z").put("date_updated", "2020-03-18T23:31:36Z")
                    .put("url", stub.baseUrl() + "/v1/IpRecords/" + sid(i)));
        }
        String base = stub.baseUrl() + "/v1/IpRecords?PageSize=" + size;
        JsonObject meta = new JsonObject().put("page", page).put("page_size", size).put("key", "ip_records")
                .put("url", base + "&Page=" + page).put("first_page_url", base + "&Page=0")
                .put("previous_page_url", from == 0 ? null : base + "&Page=" + (page - 1) + "&PageToken=PB" + sid(from))
                .put("next_page_url", to >= TOTAL ? null : base + "&Page=" + (page + 1) + "&PageToken=PA" + sid(to - 1));
        ctx.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("meta", meta).put("ip_records", items).encode());
    }

    @Test
    void streamsEveryRecordOnceInOrderReadingAtMostOnePageAhead() throws Exception {
        AtomicInteger maxAhead = new AtomicInteger();
        Collecting<IpRecord> consumer = new Collecting<>(1, (c, item) -> {
            int pagesNeeded = (c.items.size() - 1) / 1000 + 1;
            maxAhead.accumulateAndGet(pagesServed.get() - pagesNeeded, Math::max);
            c.subscription.request(1);
        });

        client.ipRecords().stream(ACCOUNT, 1000, Long.MAX_VALUE).subscribe(consumer);
        List<IpRecord> all = consumer.done.get(30, TimeUnit.SECONDS);

        assertThat(all).hasSize(TOTAL);
        assertThat(all.get(0).sid().value()).isEqualTo(sid(0));
        assertThat(all.get(TOTAL - 1).sid().value()).isEqualTo(sid(TOTAL - 1));
        assertThat(all).extracting(r -> r.sid().value()).isSorted().doesNotHaveDuplicates();
        assertThat(pagesServed).hasValue(10);
        assertThat(maxAhead.get()).isLessThanOrEqualTo(1);
    }

    @Test
    void unboundedDemandStillReadsPageByPage() throws Exception {
        Collecting<IpRecord> consumer = new Collecting<>(Long.MAX_VALUE, (c, item) -> { });

        client.ipRecords().stream(ACCOUNT).subscribe(consumer);

        assertThat(consumer.done.get(30, TimeUnit.SECONDS)).hasSize(TOTAL);
        assertThat(pagesServed).hasValue(10);
    }

    @Test
    void stopsRequestingPagesWhenTheConsumerCancels() throws Exception {
        Collecting<IpRecord> consumer = new Collecting<>(100, (c, item) -> {
            if (c.items.size() == 2500) {
                c.subscription.cancel();
            } else if (c.items.size() % 100 == 0) {
                c.subscription.request(100);
            }
        });

        client.ipRecords().stream(ACCOUNT, 1000, Long.MAX_VALUE).subscribe(consumer);
        awaitSize(consumer.items, 2500);
        Thread.sleep(300); // time for a wrongly requested page or item to show

        assertThat(consumer.items).hasSize(2500);
        assertThat(consumer.done).isNotDone();
        assertThat(pagesServed).hasValue(3);
    }

    @Test
    void stopsAtTheLimit() throws Exception {
        Collecting<IpRecord> consumer = Collecting.oneByOne();

        client.ipRecords().stream(ACCOUNT, 1000, 1500).subscribe(consumer);

        assertThat(consumer.done.get(10, TimeUnit.SECONDS)).hasSize(1500);
        assertThat(pagesServed).hasValue(2);
    }

    @Test
    void requestsNothingBeforeDemand() throws Exception {
        Collecting<IpRecord> consumer = new Collecting<>(0, (c, item) -> { });

        client.ipRecords().stream(ACCOUNT).subscribe(consumer);
        Thread.sleep(200);

        assertThat(pagesServed).hasValue(0);
        consumer.subscription.request(1);
        awaitSize(consumer.items, 1);
        Thread.sleep(200); // time for a wrongly requested item to show
        assertThat(consumer.items).hasSize(1);
        assertThat(pagesServed).hasValue(1);
        consumer.subscription.cancel();
    }

    @Test
    void forEachVisitsEveryRecordAndCounts() throws Exception {
        AtomicInteger seen = new AtomicInteger();

        long count = client.ipRecords().stream(ACCOUNT).forEach(r -> seen.incrementAndGet())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(count).isEqualTo(TOTAL);
        assertThat(seen).hasValue(TOTAL);
    }

    @Test
    void forEachStopsWhenTheActionThrows() throws Exception {
        var stage = client.ipRecords().stream(ACCOUNT, 100, Long.MAX_VALUE).forEach(r -> {
            if (r.sid().value().equals(sid(150))) {
                throw new IllegalStateException("enough");
            }
        });

        assertThatThrownBy(() -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().hasMessage("enough");
        Thread.sleep(200);
        assertThat(pagesServed).hasValue(2);
    }

    @Test
    void refusesAnotherAccountWithoutARequest() throws Exception {
        Collecting<IpRecord> consumer = Collecting.oneByOne();

        client.ipRecords().stream(new AccountSid("ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")).subscribe(consumer);

        assertThatThrownBy(() -> consumer.done.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("AccountSid"));
        assertThat(stub.count()).isZero();
    }

    /** Waits, up to 10 s, until {@code items} holds {@code size} items: how long depends on the machine's load. */
    private static void awaitSize(java.util.List<?> items, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (items.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
