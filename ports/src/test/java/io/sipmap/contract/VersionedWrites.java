package io.sipmap.contract;

import static io.sipmap.contract.Fixtures.CREATED;
import static io.sipmap.contract.Fixtures.LATER;
import static io.sipmap.contract.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stream of mapping writes whose every state is observable: write number v maps an IP record to the SIP domain
 * whose SID ends in v, or deletes its mapping, so that a reader on another instance can tell which write it sees and
 * check that it is whole and no older than what it saw before. Each write is announced before it starts.
 *
 * <p>Every record lies inside the prefix of a base mapping that never changes: a record whose mapping is deleted
 * resolves to the base, so a delete is a state the reader sees too.
 */
final class VersionedWrites {

    private final Stores system;
    private final AccountSid account;
    private final Resolution base;
    private final long domainHigh = new Random().nextLong();
    private final List<IpRecord> records = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    /** Per record, every write started: its number and the mapping it leaves, empty for a delete; 0 is unmapped. */
    private final List<ConcurrentSkipListMap<Long, Optional<SourceIpMappingSid>>> started = new ArrayList<>();
    private final List<SourceIpMapping> current = new ArrayList<>();

    /**
     * @param base          the base mapping's resolution, whose prefix holds every address of {@code addressFormat}
     * @param addressFormat the /24 of record i, as {@code String.format(addressFormat, i)}
     */
    VersionedWrites(Stores system, AccountSid account, Resolution base, int count, String addressFormat) {
        this.system = system;
        this.account = account;
        this.base = base;
        for (int i = 0; i < count; i++) {
            String network = String.format(addressFormat, i);
            records.add(await(system.ipRecords().insert(new IpRecord(account, Fixtures.sids().nextIpRecordSid(),
                    null, Ipv4Address.parse(network), 24, CREATED, CREATED))));
            addresses.add(network.substring(0, network.lastIndexOf('.')) + ".1");
            ConcurrentSkipListMap<Long, Optional<SourceIpMappingSid>> writes = new ConcurrentSkipListMap<>();
            writes.put(0L, Optional.empty());
            started.add(writes);
            current.add(null);
        }
    }

    private SipDomainSid domainOf(long version) {
        return new SipDomainSid(domainHigh, version);
    }

    /** Makes {@code count} writes, numbered 1 to count, on records chosen at random: maps, moves and deletes. */
    void run(int count) {
        Random random = new Random(count);
        for (long v = 1; v <= count; v++) {
            int i = random.nextInt(records.size());
            SourceIpMapping mapping = current.get(i);
            if (mapping == null) {
                SourceIpMapping created = new SourceIpMapping(account, Fixtures.sids().nextSourceIpMappingSid(),
                        records.get(i).sid(), domainOf(v), CREATED, CREATED);
                started.get(i).put(v, Optional.of(created.sid()));
                current.set(i, await(system.sourceIpMappings().insert(created)));
            } else if (random.nextInt(3) == 0) {
                started.get(i).put(v, Optional.empty());
                assertThat(await(system.sourceIpMappings().delete(account, mapping.sid()))).isTrue();
                current.set(i, null);
            } else {
                started.get(i).put(v, Optional.of(mapping.sid()));
                current.set(i, await(system.sourceIpMappings().replace(mapping.withSipDomainSid(domainOf(v), LATER)))
                        .orElseThrow());
            }
        }
    }

    /** What each record's address resolves to after the writes made so far. */
    Map<String, Optional<Resolution>> finalStates() {
        Map<String, Optional<Resolution>> states = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            SourceIpMapping mapping = current.get(i);
            states.put(addresses.get(i), Optional.of(mapping == null ? base : Resolution.of(mapping, records.get(i))));
        }
        return states;
    }

    Reader readerOn(Stores instance) {
        return new Reader(instance);
    }

    /** Resolves every record's address on an instance, round and round, and notes any state it should not see. */
    final class Reader implements Runnable {

        private final Stores instance;
        private final List<String> wrong = new CopyOnWriteArrayList<>();
        /** Per record, the number of the latest write seen, or a lower bound of it after seeing a delete. */
        private final long[] floor = new long[records.size()];
        private final boolean[] floorDeleted = new boolean[records.size()];
        private volatile boolean stopped;
        private volatile long reads;

        private Reader(Stores instance) {
            this.instance = instance;
            java.util.Arrays.fill(floorDeleted, true);
        }

        void stop() {
            stopped = true;
        }

        /**
         * Waits, at most {@code seconds}, until this reader has read more than {@code count} resolutions: it runs on a
         * thread of its own, which a busy machine may start late, and the writes of a store in memory are over in
         * moments.
         */
        void awaitReads(long count, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
            while (reads <= count && wrong.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }

        @Override
        public void run() {
            try {
                boolean last = false;
                while (!last) {
                    last = stopped;
                    for (int i = 0; i < records.size(); i++) {
                        check(i, await(instance.resolutions().resolve(account, Ipv4Address.parse(addresses.get(i)))));
                        reads++;
                    }
                }
            } catch (RuntimeException | Error e) {
                wrong.add("the reader failed: " + e);
            }
        }

        private void check(int i, Optional<Resolution> seen) {
            ConcurrentSkipListMap<Long, Optional<SourceIpMappingSid>> writes = started.get(i);
            if (seen.equals(Optional.of(base))) {
                if (floorDeleted[i]) {
                    return; // the same delete, or a later one
                }
                Long delete = writes.tailMap(floor[i], false).entrySet().stream()
                        .filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).findFirst().orElse(null);
                if (delete == null) {
                    wrong.add("record " + i + " resolved to the base after write " + floor[i]
                            + ", though no delete had started since");
                    return;
                }
                floor[i] = delete;
                floorDeleted[i] = true;
                return;
            }
            IpRecord record = records.get(i);
            Resolution resolution = seen.orElse(null);
            if (resolution == null || resolution.sipDomainSid().high() != domainHigh) {
                wrong.add("record " + i + " resolved to " + seen + ", which no write made");
                return;
            }
            long version = resolution.sipDomainSid().low();
            Optional<SourceIpMappingSid> mapping = writes.get(version);
            if (mapping == null || mapping.isEmpty() || !resolution.equals(new Resolution(resolution.sipDomainSid(),
                    mapping.get(), record.sid(), record.prefix()))) {
                wrong.add("record " + i + " resolved to " + resolution + ", not the whole of write " + version
                        + " (" + mapping + " of " + record.sid() + " " + record.prefix() + ")");
                return;
            }
            if (version < floor[i] || (version == floor[i] && floorDeleted[i])) {
                wrong.add("record " + i + " went back from write " + floor[i] + " to write " + version);
                return;
            }
            floor[i] = version;
            floorDeleted[i] = false;
        }

        /** Asserts that the reader read while the writes ran and saw nothing it should not have. */
        void assertSound() {
            assertThat(wrong).as("states seen by the reader on the other instance").isEmpty();
            assertThat(reads).as("resolutions read").isGreaterThan(records.size());
        }
    }
}
