package io.sipmap.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Change;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.spi.ChangeStore;
import io.sipmap.spi.SidGenerator;
import io.vertx.pgclient.PgConnectOptions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions across instances: a subscriber of one instance gets, in order and each once, what another instance
 * writes, by LISTEN/NOTIFY within milliseconds, and by the periodic catch-up when every notification is lost.
 */
class PgChangeFollowTest {

    private static final SidGenerator SIDS = SidGenerator.timeOrdered(Clock.systemUTC(), new SecureRandom()::nextLong);
    private static final Instant T = Instant.parse("2026-03-18T23:31:36Z");
    private static final Duration CATCH_UP = Duration.ofMillis(300);
    private static PgStores writer;
    private static PgStores listening;
    private static PgStores deaf;

    @BeforeAll
    static void start() {
        PgConnectOptions database = TestDatabase.freshDatabase();
        writer = TestDatabase.start(PgStoreOptions.of(database).withPoolSize(2).withCatchUpInterval(CATCH_UP));
        listening = TestDatabase.start(PgStoreOptions.of(database).withPoolSize(2)
                .withCatchUpInterval(Duration.ofHours(1)));
        deaf = TestDatabase.start(PgStoreOptions.of(database).withPoolSize(2).withCatchUpInterval(CATCH_UP));
        deaf.replica().dropNotifications(true);
    }

    @AfterAll
    static void close() throws Exception {
        for (PgStores stores : new PgStores[] {writer, listening, deaf}) {
            if (stores != null) {
                stores.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void anotherInstancesWritesArriveInOrderByNotificationAndWithoutIt() throws Exception {
        AccountSid account = AccountSid.ofHex(SIDS.nextHex());
        IpRecord first = writer.ipRecords().insert(new IpRecord(account, SIDS.nextIpRecordSid(), null,
                Ipv4Address.parse("10.70.0.0"), 16, T, T)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<Change> notified = new CopyOnWriteArrayList<>();
        List<Change> caughtUp = new CopyOnWriteArrayList<>();
        ChangeStore.Subscription a = listening.changes().subscribe(account, notified::add).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        ChangeStore.Subscription b = deaf.changes().subscribe(account, caughtUp::add).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        try {
            List<Object> written = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                IpRecord record = writer.ipRecords().insert(new IpRecord(account, SIDS.nextIpRecordSid(), null,
                        Ipv4Address.parse("10.70." + i + ".0"), 24, T, T)).toCompletableFuture().get(10,
                        TimeUnit.SECONDS);
                SourceIpMapping mapping = writer.sourceIpMappings().insert(new SourceIpMapping(account,
                        SIDS.nextSourceIpMappingSid(), record.sid(), SipDomainSid.ofHex(SIDS.nextHex()), T, T))
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
                written.add(record);
                written.add(mapping);
            }
            // the listening instance catches up only hourly: what it got, it got by notification
            awaitSize(notified, 10, Duration.ofSeconds(5));
            awaitSize(caughtUp, 10, Duration.ofSeconds(5));
            for (List<Change> heard : List.of(notified, caughtUp)) {
                assertThat(heard).extracting(Change::seq).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
                assertThat(heard).extracting(Change::resource).isEqualTo(written);
            }
            assertThat(notified).extracting(Change::resource).doesNotContain(first);
        } finally {
            a.cancel();
            b.cancel();
        }
    }

    private static void awaitSize(List<Change> heard, int size, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (heard.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(heard).as("heard within " + within).hasSizeGreaterThanOrEqualTo(size);
        Thread.sleep(100); // and nothing more, nor twice
        assertThat(heard).hasSize(size);
    }
}
