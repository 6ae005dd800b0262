package io.sipmap.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PrefixIndexTest {

    private final PrefixIndex<String, String> index = new PrefixIndex<>();

    private static IpPrefix prefix(String text) {
        String[] parts = text.split("/");
        return new IpPrefix(Ipv4Address.parse(parts[0]), Integer.parseInt(parts[1]));
    }

    private String at(String address) {
        return index.lookup(Ipv4Address.parse(address).bits());
    }

    @Test
    void emptyIndexMatchesNothing() {
        assertThat(at("0.0.0.0")).isNull();
        assertThat(at("255.255.255.255")).isNull();
        assertThat(index.find(Ipv4Address.parse("10.0.0.1"))).isEmpty();
    }

    @Test
    void getsTheValueOfAKeyAloneOrSharingItsPrefix() {
        index.put("b", prefix("10.0.0.0/8"), "B");
        assertThat(index.get("b")).isEqualTo("B");
        index.put("a", prefix("10.0.0.0/8"), "A");
        index.put("c", prefix("10.1.0.0/16"), "C");
        assertThat(index.get("a")).isEqualTo("A");
        assertThat(index.get("b")).isEqualTo("B");
        assertThat(at("10.2.0.1")).isEqualTo("A");
        index.remove("a");
        assertThat(index.get("a")).isNull();
        assertThat(index.get("b")).isEqualTo("B");
        assertThat(at("10.2.0.1")).isEqualTo("B");
        index.put("b", prefix("10.1.0.0/16"), "B2");
        assertThat(index.get("b")).isEqualTo("B2");
        assertThat(at("10.1.0.1")).isEqualTo("B2");
        assertThat(at("10.2.0.1")).isNull();
        assertThat(index.get("nothing")).isNull();
    }

    @Test
    void slash32MatchesOnlyItsAddress() {
        index.put("a", prefix("192.0.2.10/32"), "A");
        assertThat(at("192.0.2.10")).isEqualTo("A");
        assertThat(at("192.0.2.11")).isNull();
        assertThat(at("192.0.2.9")).isNull();
    }

    @Test
    void slash1CoversHalfTheAddressSpace() {
        index.put("high", prefix("128.0.0.0/1"), "H");
        assertThat(at("128.0.0.0")).isEqualTo("H");
        assertThat(at("255.255.255.255")).isEqualTo("H");
        assertThat(at("127.255.255.255")).isNull();
        index.put("low", prefix("0.0.0.0/1"), "L");
        assertThat(at("0.0.0.0")).isEqualTo("L");
        assertThat(at("127.255.255.255")).isEqualTo("L");
    }

    @Test
    void hostBitsOfThePrefixAreIgnored() {
        index.put("a", prefix("192.168.0.5/24"), "A");
        assertThat(at("192.168.0.0")).isEqualTo("A");
        assertThat(at("192.168.0.255")).isEqualTo("A");
        assertThat(at("192.168.1.5")).isNull();
    }

    @Test
    void longestOverlappingPrefixWins() {
        index.put("8", prefix("10.0.0.0/8"), "/8");
        index.put("16", prefix("10.1.0.0/16"), "/16");
        index.put("24", prefix("10.1.2.0/24"), "/24");
        index.put("32", prefix("10.1.2.3/32"), "/32");
        assertThat(at("10.1.2.3")).isEqualTo("/32");
        assertThat(at("10.1.2.4")).isEqualTo("/24");
        assertThat(at("10.1.3.4")).isEqualTo("/16");
        assertThat(at("10.2.3.4")).isEqualTo("/8");
        assertThat(at("11.1.2.3")).isNull();
    }

    @Test
    void deletingTheLongestLeavesTheShorterWinning() {
        index.put("8", prefix("10.0.0.0/8"), "/8");
        index.put("24", prefix("10.1.2.0/24"), "/24");
        index.put("32", prefix("10.1.2.3/32"), "/32");

        assertThat(index.remove("32")).isTrue();
        assertThat(at("10.1.2.3")).isEqualTo("/24");
        assertThat(index.remove("24")).isTrue();
        assertThat(at("10.1.2.3")).isEqualTo("/8");
        assertThat(index.remove("8")).isTrue();
        assertThat(at("10.1.2.3")).isNull();
        assertThat(index.remove("8")).isFalse();
        assertThat(index.size()).isZero();
    }

    @Test
    void samePrefixTwiceIsWonByTheSmallestKeyWhateverTheOrderOfWrites() {
        index.put("b", prefix("10.1.2.0/24"), "B");
        index.put("a", prefix("10.1.2.99/24"), "A");
        index.put("c", prefix("10.1.2.0/24"), "C");
        assertThat(at("10.1.2.3")).isEqualTo("A");

        index.remove("a");
        assertThat(at("10.1.2.3")).isEqualTo("B");
        index.put("a", prefix("10.1.2.0/24"), "A2");
        assertThat(at("10.1.2.3")).isEqualTo("A2");
    }

    @Test
    void puttingAKeyAgainReplacesItsValueAndMovesIt() {
        index.put("a", prefix("10.1.2.0/24"), "A");
        index.put("a", prefix("10.1.2.0/24"), "A'");
        assertThat(at("10.1.2.3")).isEqualTo("A'");

        index.put("a", prefix("172.16.0.0/12"), "moved");
        assertThat(at("10.1.2.3")).isNull();
        assertThat(at("172.31.255.255")).isEqualTo("moved");
        assertThat(index.size()).isOne();
    }

    @Test
    void networkZeroAndAllOnesAreOrdinaryKeys() {
        index.put("zero", prefix("0.0.0.0/32"), "Z");
        index.put("ones", prefix("255.255.255.255/32"), "O");
        assertThat(at("0.0.0.0")).isEqualTo("Z");
        assertThat(at("255.255.255.255")).isEqualTo("O");
        assertThat(at("0.0.0.1")).isNull();
    }

    @Test
    void everyLengthFrom1To32ResolvesToTheLongestAlongOnePath() {
        int address = Ipv4Address.parse("203.0.113.77").bits();
        for (int length = 1; length <= 32; length++) {
            index.put("k" + (100 + length), new IpPrefix(new Ipv4Address(address), length), "/" + length);
        }
        for (int length = 32; length >= 1; length--) {
            assertThat(index.lookup(address)).isEqualTo("/" + length);
            index.remove("k" + (100 + length));
        }
        assertThat(index.lookup(address)).isNull();
    }

    @Test
    void tablesKeepAnsweringAsTheyGrowAndShrink() {
        Random random = new Random(42);
        int[] networks = new int[5_000];
        for (int i = 0; i < networks.length; i++) {
            networks[i] = random.nextInt();
            index.put("k" + i, new IpPrefix(new Ipv4Address(networks[i]), 32), "v" + i);
        }
        for (int i = 0; i < networks.length; i++) {
            assertThat(index.lookup(networks[i])).isEqualTo("v" + i);
        }
        for (int i = 0; i < networks.length; i += 2) {
            index.remove("k" + i);
        }
        for (int i = 0; i < networks.length; i++) {
            assertThat(index.lookup(networks[i])).isEqualTo(i % 2 == 0 ? null : "v" + i);
        }
    }

    @Test
    void aBulkPutOfThousandsAnswersAsTheSamePutsOneByOne() {
        Random random = new Random(7);
        PrefixIndex<Integer, Integer> oneByOne = new PrefixIndex<>();
        PrefixIndex<Integer, Integer> bulk = new PrefixIndex<>();
        List<PrefixIndex.Entry<Integer, Integer>> entries = new ArrayList<>();
        for (int key = 0; key < 20_000; key++) {
            // mostly /32s and /24s inside 10.0.0.0/12, so that lengths fill many segments and prefixes overlap
            int length = switch (random.nextInt(10)) {
                case 0 -> 8 + random.nextInt(9);
                case 1, 2 -> 17 + random.nextInt(15);
                case 3, 4, 5 -> 24;
                default -> 32;
            };
            IpPrefix prefix = new IpPrefix(new Ipv4Address(0x0a000000 | random.nextInt(1 << 20)), length);
            int value = random.nextInt(1000);
            oneByOne.put(key % 15_000, prefix, value); // some keys put twice: the later put moves them
            entries.add(new PrefixIndex.Entry<>(key % 15_000, prefix, value));
        }

        bulk.putAll(entries);

        assertThat(bulk.size()).isEqualTo(oneByOne.size()).isEqualTo(15_000);
        for (int i = 0; i < 200_000; i++) {
            int address = i % 2 == 0 ? 0x0a000000 | random.nextInt(1 << 20) : random.nextInt();
            assertThat(bulk.lookup(address)).as("%s", new Ipv4Address(address)).isEqualTo(oneByOne.lookup(address));
        }
        for (int key = 0; key < 15_000; key += 7) {
            assertThat(bulk.get(key)).isEqualTo(oneByOne.get(key));
        }
    }

    @Test
    void lookupsDuringWritesNeverSeeAHalfAppliedMoveOrUpdate() throws Exception {
        // "a" always contains the address, wherever it moves, short or long; "z" is shorter than any place of "a",
        // so a lookup seeing "z" or nothing saw a move half done
        index.put("z", prefix("10.0.0.0/8"), "Z");
        String[] places = {"10.1.2.3/32", "10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/9", "10.1.2.0/17"};
        index.put("a", prefix(places[0]), "A0");
        int address = Ipv4Address.parse("10.1.2.3").bits();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> wrong = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get() && wrong.get() == null) {
                String seen = index.lookup(address);
                if (seen == null || !seen.startsWith("A")) {
                    wrong.set(String.valueOf(seen));
                }
            }
        });
        reader.start();
        for (int i = 1; i <= 20_000 && wrong.get() == null; i++) {
            index.put("a", prefix(places[i % places.length]), "A" + i);
            // a write completed is seen by the next lookup
            assertThat(index.lookup(address)).isEqualTo("A" + i);
        }
        done.set(true);
        reader.join(10_000);
        assertThat(wrong.get()).as("a lookup saw a half-applied move").isNull();
    }
}
