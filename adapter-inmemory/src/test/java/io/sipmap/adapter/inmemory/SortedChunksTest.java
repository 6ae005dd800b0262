package io.sipmap.adapter.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.SourceIpMappingSid;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SortedChunksTest {

    private final SortedChunks<Integer> chunks = new SortedChunks<>();
    private final TreeMap<SourceIpMappingSid, Integer> reference = new TreeMap<>();
    private final Random random = new Random(42);

    /**
     * Keys in the order of {@code n} below 8,192, whose halves use the top bit (set from 4,096 on in the first half,
     * for odd {@code n} in the second), which compares unsigned.
     */
    private static SourceIpMappingSid key(int n) {
        return new SourceIpMappingSid((long) n << 51, (long) (n & 1) << 63 | n);
    }

    @Test
    void agreesWithATreeMapThroughRandomPutsAndRemovals() {
        for (int step = 0; step < 20_000; step++) {
            // grow, then shrink, so that chunks split, re-key and merge
            int n = random.nextInt(6_000);
            boolean put = step < 10_000 ? random.nextInt(4) > 0 : random.nextInt(4) == 0;
            if (put) {
                assertThat(chunks.put(key(n), step)).isEqualTo(reference.put(key(n), step));
            } else {
                assertThat(chunks.remove(key(n))).isEqualTo(reference.remove(key(n)));
            }
            if (step % 97 == 0) {
                check();
            }
        }
        check();
    }

    @Test
    void walksDuringWritesNeitherRepeatNorSkipWhatStays() throws Exception {
        // even keys stay; odd keys come and go, splitting, merging and removing chunks, and lowering the first separator
        int keys = 6_000;
        for (int n = 2; n < keys; n += 2) {
            chunks.put(key(n), n);
        }
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        Thread writer = new Thread(() -> {
            Random r = new Random(1);
            while (!stop.get()) {
                int n = r.nextInt(keys / 2) * 2 + 1;
                if (r.nextBoolean()) {
                    chunks.put(key(n), n);
                } else {
                    chunks.remove(key(n));
                }
                if (r.nextInt(1000) == 0) { // the lowest key, below every separator, and away again
                    chunks.put(key(0), 0);
                    chunks.remove(key(0));
                }
            }
        });
        writer.start();
        try {
            long deadline = System.nanoTime() + 1_500_000_000L;
            int walks = 0;
            while (System.nanoTime() < deadline || walks < 20) {
                int size = 1 + random.nextInt(200);
                List<Integer> forwards = new ArrayList<>();
                SortedChunks.Run<Integer> run = chunks.first(0, size);
                while (!run.items().isEmpty()) {
                    forwards.addAll(run.items());
                    SourceIpMappingSid last = key(run.items().get(run.items().size() - 1));
                    run = chunks.after(last.high(), last.low(), size);
                }
                List<Integer> backwards = new ArrayList<>();
                run = chunks.before(-1L, -1L, size);
                while (!run.items().isEmpty()) {
                    backwards.addAll(0, run.items());
                    SourceIpMappingSid first = key(run.items().get(0));
                    run = chunks.before(first.high(), first.low(), size);
                }
                for (List<Integer> walk : List.of(forwards, backwards)) {
                    assertThat(walk).isSorted().doesNotHaveDuplicates();
                    assertThat(walk.stream().filter(n -> n % 2 == 0 && n > 0).count()).isEqualTo(keys / 2 - 1);
                }
                walks++;
            }
        } finally {
            stop.set(true);
            writer.join();
        }
    }

    private void check() {
        for (int n = 0; n <= 6_001; n += 1 + random.nextInt(150)) {
            SourceIpMappingSid k = key(n);
            assertThat(chunks.get(k)).isEqualTo(reference.get(k));
            assertThat(chunks.anyAfter(k.high(), k.low())).isEqualTo(reference.higherKey(k) != null);
            assertThat(chunks.anyBefore(k.high(), k.low())).isEqualTo(reference.lowerKey(k) != null);
            int count = 1 + random.nextInt(150);
            SortedChunks.Run<Integer> down = chunks.before(k.high(), k.low(), count);
            List<Integer> below = new ArrayList<>(reference.headMap(k, false).values());
            assertThat(down.items()).isEqualTo(below.subList(Math.max(0, below.size() - count), below.size()));
            assertThat(down.anyBeyond()).isEqualTo(reference.ceilingKey(k) != null);
            int skip = random.nextInt(3) == 0 ? random.nextInt(300) : 0;
            SortedChunks.Run<Integer> run = chunks.after(k.high(), k.low(), count);
            List<Map.Entry<SourceIpMappingSid, Integer>> expected = new ArrayList<>(reference.tailMap(k, false).entrySet());
            List<Map.Entry<SourceIpMappingSid, Integer>> taken = expected.subList(0, Math.min(count, expected.size()));
            assertThat(run.items()).isEqualTo(taken.stream().map(Map.Entry::getValue).toList());
            if (!taken.isEmpty()) {
                assertThat(run.anyBeyond()).isEqualTo(reference.lowerKey(taken.get(0).getKey()) != null);
            }
            SortedChunks.Run<Integer> fromStart = chunks.first(skip, count);
            List<Integer> all = new ArrayList<>(reference.values());
            assertThat(fromStart.items()).isEqualTo(all.subList(Math.min(skip, all.size()),
                    (int) Math.min((long) skip + count, all.size())));
            if (!fromStart.items().isEmpty()) {
                assertThat(fromStart.anyBeyond()).isEqualTo(skip > 0);
            }
        }
    }
}
