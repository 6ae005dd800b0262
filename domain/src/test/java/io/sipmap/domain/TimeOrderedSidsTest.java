package io.sipmap.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimeOrderedSidsTest {

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        final AtomicLong millis = new AtomicLong();

        HandClock(long start) {
            millis.set(start);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    @Test
    void beginsWithTheCreationTimeInMilliseconds() {
        var clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00.123Z"), ZoneOffset.UTC);
        String hex = new TimeOrderedSids(clock, () -> 0L).nextHex();
        assertThat(hex).hasSize(32).matches("[0-9a-f]{32}");
        assertThat(TimeOrderedSids.millisOf(IpRecordSid.ofHex(hex))).isEqualTo(clock.millis());
    }

    @Test
    void endsWithTheRandomBits() {
        String hex = new TimeOrderedSids(Clock.systemUTC(), () -> 0x1234L).nextHex();
        assertThat(hex).endsWith("0000000000001234");
    }

    @Test
    void sidsCreatedInTheSameMillisecondStillIncrease() {
        var sids = new TimeOrderedSids(Clock.fixed(Instant.EPOCH.plusSeconds(1_000_000), ZoneOffset.UTC),
                () -> -1L);
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) { // more than the 16-bit counter holds: it carries into the time
            made.add(sids.nextHex());
        }
        assertThat(made).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void sidsIncreaseWhenTheClockStepsBack() {
        var clock = new HandClock(5_000_000L);
        var sids = new TimeOrderedSids(clock, () -> 0L);
        String before = sids.nextHex();
        clock.millis.set(1_000L);
        String after = sids.nextHex();
        assertThat(after).isGreaterThan(before);
    }

    @Test
    void laterTimeSortsLater() {
        var clock = new HandClock(1_000L);
        var sids = new TimeOrderedSids(clock, () -> -1L);
        String first = sids.nextHex();
        clock.millis.addAndGet(1);
        assertThat(sids.nextHex()).isGreaterThan(first);
    }

    @Test
    void concurrentCallersGetUniqueIncreasingStamps() throws Exception {
        var sids = new TimeOrderedSids(Clock.systemUTC(), new java.util.SplittableRandom(1)::nextLong);
        var made = new ConcurrentLinkedQueue<List<String>>();
        int threads = 8;
        var start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                start.await();
                List<String> mine = new ArrayList<>();
                for (int i = 0; i < 20_000; i++) {
                    mine.add(sids.nextHex());
                }
                made.add(mine);
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        List<String> all = new ArrayList<>();
        for (List<String> mine : made) {
            assertThat(mine).isSorted(); // each caller sees its own SIDs increase
            all.addAll(mine);
        }
        List<String> stamps = all.stream().map(s -> s.substring(0, 16)).toList();
        assertThat(stamps).hasSize(threads * 20_000).doesNotHaveDuplicates();
        Collections.sort(all);
        assertThat(all).doesNotHaveDuplicates();
    }
}
