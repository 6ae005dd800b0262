package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sixteen connections at once for a few seconds: creating, updating, mapping, unmapping and deleting IP records,
 * fetching and walking both lists page by page. While they run, every answer is checked against what the others were
 * told: SIDs are unique, an acknowledged record stays fetchable until its owner deletes it, a walk sees every record
 * that existed throughout it exactly once, no fetched mapping points at an IP record whose deletion was acknowledged
 * before the fetch, and no IP record ever has two acknowledged mappings. At the end the store is compared with what
 * was acknowledged.
 */
class ConcurrentClientsTest {

    static final int CONNECTIONS = 16;
    static final int WALKERS = 3;
    static final long RUN_MILLIS = 3_000;
    static final AccountSid ACCOUNT = LocalServer.ACCOUNT;
    static final String TOKEN = LocalServer.TOKEN;

    /** What the clients were told about one IP record or mapping; times are System.nanoTime(). */
    static final class Known {
        final String sid;
        final int owner;
        final String recordSid; // mappings only
        final long createdAck;
        volatile long deleteSent; // 0 while not being deleted
        volatile long deletedAck; // 0 while not deleted

        Known(String sid, int owner, String recordSid, long createdAck) {
            this.sid = sid;
            this.owner = owner;
            this.recordSid = recordSid;
            this.createdAck = createdAck;
        }
    }

    LocalServer server;
    RawHttp http;
    final Map<String, Known> records = new ConcurrentHashMap<>();
    final Map<String, Known> mappings = new ConcurrentHashMap<>();
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    final AtomicLong walkedPages = new AtomicLong();

    @BeforeEach
    void start() throws Exception {
        server = new LocalServer();
        http = new RawHttp(server.vertx, server.verticle.actualPort(), CONNECTIONS);
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        server.close();
    }

    private void count(String what) {
        counts.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    private void violation(String what) {
        if (violations.size() < 20) {
            violations.add(what);
        }
    }

    @Test
    void sixteenConnectionsRaceWithoutBreakingAnInvariant() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        CountDownLatch go = new CountDownLatch(1);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < CONNECTIONS; w++) {
            int worker = w;
            workers.add(pool.submit(() -> {
                go.await(10, TimeUnit.SECONDS);
                while (System.nanoTime() < deadline && violations.isEmpty()) {
                    if (worker < WALKERS) {
                        walk(worker % 2 == 0 ? "/v1/IpRecords" : "/v1/SourceIpMappings");
                    } else {
                        step(worker);
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> worker : workers) {
            worker.get(RUN_MILLIS + 30_000, TimeUnit.MILLISECONDS);
        }
        pool.shutdown();

        assertThat(violations).isEmpty();
        finalStateMatches();
        int operations = counts.entrySet().stream().filter(e -> !e.getKey().startsWith("walk"))
                .mapToInt(e -> e.getValue().get()).sum();
        System.out.printf("ConcurrentClientsTest: %d connections for %d ms: %d operations, %d walks (%d pages),"
                        + " %d conflicts (409), %d IP records and %d mappings acknowledged; %s%n", CONNECTIONS,
                RUN_MILLIS, operations, counts.getOrDefault("walk", new AtomicInteger()).get(), walkedPages.get(),
                counts.entrySet().stream().filter(e -> e.getKey().endsWith(" 409"))
                        .mapToInt(e -> e.getValue().get()).sum(),
                records.size(), mappings.size(), new java.util.TreeMap<>(counts));
    }

    /** One operation chosen at random. */
    private void step(int worker) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int dice = random.nextInt(100);
        if (dice < 30 || records.size() < 5) {
            createRecord(worker);
        } else if (dice < 50) {
            createMapping(worker, random);
        } else if (dice < 58) {
            updateRecord(random);
        } else if (dice < 63) {
            updateMapping(worker);
        } else if (dice < 73) {
            deleteMapping(worker);
        } else if (dice < 83) {
            deleteRecord(worker);
        } else if (dice < 93) {
            fetchOwnRecord(worker);
        } else {
            fetchMapping(random);
        }
    }

    private void createRecord(int worker) {
        int n = ThreadLocalRandom.current().nextInt(1 << 24);
        RawHttp.Answer answer = http.post("/v1/IpRecords", ACCOUNT.value(), TOKEN,
                "IpAddress=10." + (n >> 16) + "." + ((n >> 8) & 255) + "." + (n & 255) + "&FriendlyName=w" + worker);
        count("create record " + answer.status());
        if (answer.status() != 201) {
            violation("create record answered " + answer);
            return;
        }
        String sid = answer.json().getString("sid");
        if (records.putIfAbsent(sid, new Known(sid, worker, null, System.nanoTime())) != null) {
            violation("SID given twice: " + sid);
        }
        RawHttp.Answer fetched = http.get("/v1/IpRecords/" + sid, ACCOUNT.value(), TOKEN);
        if (fetched.status() != 200) {
            violation("a record just created is not fetchable: " + fetched);
        }
    }

    /** Maps an IP record nobody is deleting; several workers may pick the same one, so 409 is expected. */
    private void createMapping(int worker, ThreadLocalRandom random) {
        List<Known> live = records.values().stream().filter(r -> r.deleteSent == 0).toList();
        if (live.isEmpty()) {
            return;
        }
        // half the time the newest records, so that workers collide on them
        Known record = random.nextBoolean() ? live.get(random.nextInt(live.size()))
                : live.stream().max((a, b) -> Long.compare(a.createdAck, b.createdAck)).orElseThrow();
        RawHttp.Answer answer = http.post("/v1/SourceIpMappings", ACCOUNT.value(), TOKEN,
                "IpRecordSid=" + record.sid + "&SipDomainSid=SD" + "1".repeat(32));
        count("create mapping " + answer.status());
        long now = System.nanoTime();
        if (answer.status() == 201) {
            String sid = answer.json().getString("sid");
            if (record.deletedAck != 0) {
                violation("mapped " + record.sid + " after its deletion was acknowledged");
            }
            for (Known other : mappings.values()) {
                if (other.recordSid.equals(record.sid) && other.deleteSent == 0) {
                    violation("two mappings of " + record.sid + ": " + other.sid + " and " + sid);
                }
            }
            if (mappings.putIfAbsent(sid, new Known(sid, worker, record.sid, now)) != null) {
                violation("SID given twice: " + sid);
            }
        } else if (answer.status() == 400) {
            if (record.deleteSent == 0) {
                violation("an IP record nobody deletes was refused as missing: " + record.sid + " " + answer);
            }
        } else if (answer.status() != 409) {
            violation("create mapping answered " + answer);
        }
    }

    private void updateRecord(ThreadLocalRandom random) {
        List<Known> all = new ArrayList<>(records.values());
        Known record = all.get(random.nextInt(all.size()));
        RawHttp.Answer answer = http.post("/v1/IpRecords/" + record.sid, ACCOUNT.value(), TOKEN,
                "FriendlyName=renamed" + random.nextInt(1000));
        count("update record " + answer.status());
        if (answer.status() == 404 && record.deleteSent == 0) {
            violation("an IP record nobody deletes was not found on update: " + record.sid);
        } else if (answer.status() != 200 && answer.status() != 404) {
            violation("update record answered " + answer);
        }
    }

    private void updateMapping(int worker) {
        Known mapping = own(mappings, worker);
        if (mapping == null) {
            return;
        }
        RawHttp.Answer answer = http.post("/v1/SourceIpMappings/" + mapping.sid, ACCOUNT.value(), TOKEN,
                "SipDomainSid=SD" + "2".repeat(32));
        count("update mapping " + answer.status());
        if (answer.status() != 200 || !answer.json().getString("ip_record_sid").equals(mapping.recordSid)) {
            violation("update of an own mapping answered " + answer);
        }
    }

    private void deleteMapping(int worker) {
        Known mapping = own(mappings, worker);
        if (mapping == null) {
            return;
        }
        mapping.deleteSent = System.nanoTime();
        RawHttp.Answer answer = http.delete("/v1/SourceIpMappings/" + mapping.sid, ACCOUNT.value(), TOKEN);
        count("delete mapping " + answer.status());
        if (answer.status() != 204) {
            violation("delete of an own mapping answered " + answer);
        }
        mapping.deletedAck = System.nanoTime();
    }

    private void deleteRecord(int worker) {
        Known record = own(records, worker);
        if (record == null) {
            return;
        }
        record.deleteSent = System.nanoTime();
        RawHttp.Answer answer = http.delete("/v1/IpRecords/" + record.sid, ACCOUNT.value(), TOKEN);
        count("delete record " + answer.status());
        if (answer.status() == 204) {
            record.deletedAck = System.nanoTime();
            for (Known mapping : mappings.values()) {
                if (mapping.recordSid.equals(record.sid) && mapping.deleteSent == 0) {
                    violation("deleted " + record.sid + " while " + mapping.sid + " maps it");
                }
            }
        } else if (answer.status() == 409) {
            record.deleteSent = 0;
        } else {
            violation("delete of an own record answered " + answer);
        }
    }

    private void fetchOwnRecord(int worker) {
        Known record = own(records, worker);
        if (record == null) {
            return;
        }
        RawHttp.Answer answer = http.get("/v1/IpRecords/" + record.sid, ACCOUNT.value(), TOKEN);
        count("fetch record " + answer.status());
        if (answer.status() != 200) {
            violation("an acknowledged record its owner has not deleted is not fetchable: " + answer);
        }
    }

    private void fetchMapping(ThreadLocalRandom random) {
        List<Known> all = new ArrayList<>(mappings.values());
        if (all.isEmpty()) {
            return;
        }
        Known mapping = all.get(random.nextInt(all.size()));
        long sent = System.nanoTime();
        RawHttp.Answer answer = http.get("/v1/SourceIpMappings/" + mapping.sid, ACCOUNT.value(), TOKEN);
        count("fetch mapping " + answer.status());
        if (answer.status() == 200) {
            Known record = records.get(answer.json().getString("ip_record_sid"));
            if (record == null || record.deletedAck != 0 && record.deletedAck < sent) {
                violation("mapping " + mapping.sid + " points at a deleted IP record");
            }
        } else if (answer.status() != 404 || mapping.deleteSent == 0) {
            violation("fetch of a mapping answered " + answer);
        }
    }

    private static Known own(Map<String, Known> known, int worker) {
        List<Known> mine = known.values().stream().filter(k -> k.owner == worker && k.deleteSent == 0).toList();
        return mine.isEmpty() ? null : mine.get(ThreadLocalRandom.current().nextInt(mine.size()));
    }

    /** Follows next_page_url from a first page of random size; checks the walk against what was acknowledged. */
    private void walk(String path) {
        boolean ofRecords = path.endsWith("IpRecords");
        Map<String, Known> known = ofRecords ? records : mappings;
        String key = ofRecords ? "ip_records" : "source_ip_mappings";
        long start = System.nanoTime();
        Set<String> existedBefore = new HashSet<>();
        for (Known k : known.values()) {
            if (k.createdAck < start && k.deleteSent == 0) {
                existedBefore.add(k.sid);
            }
        }
        List<String> seen = new ArrayList<>();
        String uri = path + "?PageSize=" + ThreadLocalRandom.current().nextInt(5, 60);
        while (uri != null) {
            RawHttp.Answer answer = http.get(uri, ACCOUNT.value(), TOKEN);
            if (answer.status() != 200) {
                violation("a page answered " + answer);
                return;
            }
            walkedPages.incrementAndGet();
            JsonObject page = answer.json();
            for (Object item : page.getJsonArray(key)) {
                seen.add(((JsonObject) item).getString("sid"));
            }
            String next = page.getJsonObject("meta").getString("next_page_url");
            uri = next == null ? null : next.substring(next.indexOf("/v1/"));
        }
        count("walk");
        Set<String> unique = new HashSet<>(seen);
        if (unique.size() != seen.size()) {
            violation("a walk of " + path + " saw a record twice");
        }
        List<String> sorted = new ArrayList<>(seen);
        Collections.sort(sorted);
        if (!sorted.equals(seen)) {
            violation("a walk of " + path + " was out of SID order");
        }
        for (String sid : existedBefore) {
            Known k = known.get(sid);
            if (k.deleteSent == 0 && !unique.contains(sid)) {
                violation("a walk of " + path + " missed " + sid + ", which existed throughout it");
            }
        }
    }

    private void finalStateMatches() {
        Map<String, JsonObject> storedRecords = GeneratedRequestsTest.listAll(http, ACCOUNT, "/v1/IpRecords",
                "ip_records");
        Map<String, JsonObject> storedMappings = GeneratedRequestsTest.listAll(http, ACCOUNT, "/v1/SourceIpMappings",
                "source_ip_mappings");
        Set<String> liveRecords = new HashSet<>();
        records.values().stream().filter(r -> r.deletedAck == 0).forEach(r -> liveRecords.add(r.sid));
        Set<String> liveMappings = new HashSet<>();
        mappings.values().stream().filter(m -> m.deletedAck == 0).forEach(m -> liveMappings.add(m.sid));

        assertThat(storedRecords.keySet()).as("IP records: acknowledged creates less acknowledged deletes")
                .isEqualTo(liveRecords);
        assertThat(storedMappings.keySet()).as("mappings: acknowledged creates less acknowledged deletes")
                .isEqualTo(liveMappings);
        Map<String, String> mappingOfRecord = new HashMap<>();
        for (JsonObject mapping : storedMappings.values()) {
            String record = mapping.getString("ip_record_sid");
            assertThat(storedRecords).as("the IP record of %s", mapping.getString("sid")).containsKey(record);
            assertThat(mappingOfRecord.put(record, mapping.getString("sid"))).as("one mapping of %s", record)
                    .isNull();
        }
    }
}
