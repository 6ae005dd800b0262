package io.sipmap.adapter.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SortedChunksTest {

    private final SortedChunks<Integer> chunks = new SortedChunks<>();
    private final TreeMap<String, Integer> reference = new TreeMap<>();
    private final Random random = new Random(42);

    private static String key(int n) {
        return String.format("IB%032x", n);
    }

    @Test
    void agreesWithATreeMapThroughRandomPutsAndRemovals() {
        for (int step = 0; step < 20_000; step++) {
            // grow, then shrink, so that chunks split, re-key and merge
            int n = random.nextInt(2_000);
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

    private void check() {
        for (int n = -1; n <= 2_001; n += 1 + random.nextInt(50)) {
            String k = key(n);
            assertThat(chunks.get(k)).isEqualTo(reference.get(k));
            assertThat(chunks.anyAfter(k)).isEqualTo(reference.higherKey(k) != null);
            assertThat(chunks.anyBefore(k)).isEqualTo(reference.lowerKey(k) != null);
            int count = 1 + random.nextInt(150);
            SortedChunks.Run<Integer> down = chunks.descending(k, count);
            assertThat(down.items())
                    .isEqualTo(new ArrayList<>(reference.headMap(k, false).descendingMap().values()).subList(0,
                            Math.min(count, reference.headMap(k, false).size())));
            if (down.anyBefore()) {
                assertThat(reference.ceilingKey(k)).isNotNull();
            }
            int skip = random.nextInt(3) == 0 ? random.nextInt(300) : 0;
            SortedChunks.Run<Integer> run = chunks.ascending(k, skip, count);
            List<Map.Entry<String, Integer>> expected = new ArrayList<>(reference.tailMap(k, false).entrySet());
            List<Map.Entry<String, Integer>> taken = expected.subList(Math.min(skip, expected.size()),
                    Math.min(skip + count, expected.size()));
            assertThat(run.items()).isEqualTo(taken.stream().map(Map.Entry::getValue).toList());
            if (!taken.isEmpty()) {
                assertThat(run.anyBefore()).isEqualTo(reference.lowerKey(taken.get(0).getKey()) != null);
            }
            SortedChunks.Run<Integer> fromStart = chunks.ascending(null, skip, count);
            List<Integer> all = new ArrayList<>(reference.values());
            assertThat(fromStart.items()).isEqualTo(all.subList(Math.min(skip, all.size()),
                    (int) Math.min((long) skip + count, all.size())));
            if (!fromStart.items().isEmpty()) {
                assertThat(fromStart.anyBefore()).isEqualTo(skip > 0);
            }
        }
    }
}
