package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.adapter.http.client.ChangeFollower;
import io.sipmap.adapter.http.client.LiveSipDomainResolver;
import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.UpdateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Ipv6Address;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's live replica against the real server on a real socket (services and in-memory stores behind it): it
 * loads the export, follows every kind of change, resumes after the server restarts without losing or repeating a
 * change, starts again from the export when it was away longer than the server keeps changes, keeps accounts apart,
 * and stops everything when closed. Its answers are compared with the server's own {@code /sipmap/v1/Resolve} for
 * many addresses: inside, at the edges of and outside records with nested and tied prefixes and host bits.
 *
 * <p>Writes here go through another client or straight to the services, never through the replica's own client, so
 * that nothing but the feed brings them (the replica waits for its own client's writes; the contract test covers that).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LiveResolverTest {

    private FeedStack stack;

    @AfterEach
    void close() {
        if (stack != null) {
            stack.close();
        }
    }

    private static <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(15, TimeUnit.SECONDS).join();
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    private long head(AccountSid account) {
        return await(stack.feed.snapshot(account)).head().seq();
    }

    /** Waits until the replica holds every change the server made for its account. */
    private void caughtUp(LiveSipDomainResolver live) throws InterruptedException {
        long head = head(live.account());
        eventually("the replica at event " + head + " (it is at " + live.lastEventId() + ", " + live.state() + ")",
                () -> live.lastEventId() >= head);
        assertThat(live.lastEventId()).isEqualTo(head);
    }

    /** Records with nested, tied and host-bit prefixes inside a few /8s, most of them mapped. */
    private static final int[] V6_LENGTHS = {32, 36, 40, 44, 48, 48, 52, 56, 60, 64, 64, 72, 96, 112, 120, 127, 128,
            128};

    private final class Population {
        final AccountSid account;
        final Random random;
        final List<IpRecord> records = new ArrayList<>();
        final Map<IpRecord, SourceIpMapping> mapped = new LinkedHashMap<>();
        /** Whether records and probes are of both families; when not, IPv4 only, drawn exactly as before IPv6. */
        private boolean mixed;

        Population(AccountSid account, long seed) {
            this.account = account;
            this.random = new Random(seed);
        }

        /** Half the records IPv6, nested and tied inside 2001:db8::/32; some IPv4 ones given as ::ffff:a.b.c.d. */
        Population mixed() {
            mixed = true;
            return this;
        }

        SipDomainSid domain() {
            return SipDomainSid.ofHex(String.format("%032x", 1 + random.nextInt(8)));
        }

        IpRecord record() {
            if (mixed && random.nextBoolean()) {
                return record6();
            }
            int address = (10 + random.nextInt(3)) << 24 | random.nextInt(1 << 12) << 12 | random.nextInt(1 << 12);
            int length = 8 + random.nextInt(25);
            String text = (mixed && random.nextInt(8) == 0 ? "::ffff:" : "") + new Ipv4Address(address);
            IpRecord r = await(stack.ipRecords.create(account, CreateIpRecord.of(text)
                    .withCidrPrefixLength(length)));
            records.add(r);
            if (random.nextInt(10) == 0) {
                // the same prefix again: the older record wins
                IpRecord twin = await(stack.ipRecords.create(account,
                        CreateIpRecord.of(r.ipAddress().toString()).withCidrPrefixLength(length)));
                records.add(twin);
            }
            return r;
        }

        /** An IPv6 record: 2001:db8:g:h::/l with g 0..3, h 0..15, and for l over 64 a few low bits, so they nest. */
        IpRecord record6() {
            long high = 0x20010db8_00000000L | (long) random.nextInt(4) << 16 | random.nextInt(16);
            long low = random.nextBoolean() ? 0 : (long) random.nextInt(4) << 32 | random.nextInt(1 << 8);
            int length = V6_LENGTHS[random.nextInt(V6_LENGTHS.length)];
            IpRecord r = await(stack.ipRecords.create(account, CreateIpRecord.of(new Ipv6Address(high, low).toString())
                    .withCidrPrefixLength(length)));
            records.add(r);
            if (random.nextInt(10) == 0) {
                // the same prefix again, in another spelling and with other host bits: the older record wins
                long hostBits = length >= 128 ? 0 : random.nextLong() & ~IpPrefix.lowMask(length);
                IpRecord twin = await(stack.ipRecords.create(account, CreateIpRecord.of(
                        new Ipv6Address(high, low | hostBits).toString().toUpperCase()).withCidrPrefixLength(length)));
                records.add(twin);
            }
            return r;
        }

        void map(IpRecord r) {
            mapped.put(r, await(stack.sourceIpMappings.create(account, new CreateSourceIpMapping(r.sid(), domain()))));
        }

        void grow(int n) {
            for (int i = 0; i < n; i++) {
                record();
            }
            for (IpRecord r : records) {
                if (!mapped.containsKey(r) && random.nextInt(5) != 0) {
                    map(r);
                }
            }
        }

        /** One random change: map, remap, unmap, a new record, or deleting an unmapped one. */
        void change() {
            int kind = random.nextInt(5);
            List<IpRecord> unmapped = records.stream().filter(r -> !mapped.containsKey(r)).toList();
            List<IpRecord> withMapping = new ArrayList<>(mapped.keySet());
            if (kind == 0 && !unmapped.isEmpty()) {
                map(unmapped.get(random.nextInt(unmapped.size())));
            } else if (kind == 1 && !withMapping.isEmpty()) {
                IpRecord r = withMapping.get(random.nextInt(withMapping.size()));
                mapped.put(r, await(stack.sourceIpMappings.update(account, mapped.get(r).sid(),
                        new UpdateSourceIpMapping(domain()))));
            } else if (kind == 2 && !withMapping.isEmpty()) {
                IpRecord r = withMapping.get(random.nextInt(withMapping.size()));
                await(stack.sourceIpMappings.delete(account, mapped.remove(r).sid()));
            } else if (kind == 3 && !unmapped.isEmpty()) {
                IpRecord r = unmapped.get(random.nextInt(unmapped.size()));
                await(stack.ipRecords.delete(account, r.sid()));
                records.remove(r);
            } else {
                map(record());
            }
        }

        /** Addresses worth asking: each record's network, its last address, the next one, and one inside; plus noise. */
        List<IpAddress> probes() {
            List<IpAddress> probes = new ArrayList<>();
            for (IpRecord r : records) {
                IpPrefix p = r.prefix();
                if (p.address() instanceof Ipv6Address) {
                    probes6(p, probes);
                    continue;
                }
                int network = ((Ipv4Address) p.network()).bits();
                int last = network | ~IpPrefix.mask(p.length());
                probes.add(new Ipv4Address(network));
                probes.add(new Ipv4Address(last));
                probes.add(new Ipv4Address(last + 1));
                probes.add(new Ipv4Address(network | (random.nextInt() & ~IpPrefix.mask(p.length()))));
            }
            for (int i = 0; i < 200; i++) {
                probes.add(new Ipv4Address((10 + random.nextInt(3)) << 24 | random.nextInt(1 << 24)));
            }
            for (int i = 0; mixed && i < 200; i++) {
                long high = 0x20010db8_00000000L | (long) random.nextInt(5) << 16 | random.nextInt(17);
                probes.add(new Ipv6Address(high, random.nextBoolean() ? random.nextLong()
                        : (long) random.nextInt(5) << 32 | random.nextInt(1 << 9)));
            }
            return probes;
        }

        /** An IPv6 record's network, its last address, the next one (carrying into the high half), one inside. */
        private void probes6(IpPrefix p, List<IpAddress> probes) {
            Ipv6Address network = (Ipv6Address) p.network();
            long highHost = ~IpPrefix.highMask(p.length());
            long lowHost = ~IpPrefix.lowMask(p.length());
            Ipv6Address last = new Ipv6Address(network.high() | highHost, network.low() | lowHost);
            probes.add(network);
            probes.add(last);
            probes.add(new Ipv6Address(last.low() == -1L ? last.high() + 1 : last.high(), last.low() + 1));
            probes.add(new Ipv6Address(network.high() | random.nextLong() & highHost,
                    network.low() | random.nextLong() & lowHost));
        }
    }

    /** The replica agrees with the server's resolve extension on every probe. */
    private static Map<Boolean, Integer> agrees(LiveSipDomainResolver live, SipmapClient server,
                                                List<IpAddress> probes) {
        List<CompletableFuture<Optional<Resolution>>> remote = new ArrayList<>();
        int matches = 0;
        Map<Boolean, Integer> matchesByFamily = new LinkedHashMap<>(Map.of(false, 0, true, 0));
        for (int i = 0; i < probes.size(); i++) {
            remote.add(server.sipDomainResolver().resolve(server.account(), probes.get(i)).toCompletableFuture());
            if (remote.size() == 64 || i == probes.size() - 1) {
                for (int k = 0; k < remote.size(); k++) {
                    IpAddress address = probes.get(i - remote.size() + 1 + k);
                    Optional<Resolution> expected = remote.get(k).orTimeout(15, TimeUnit.SECONDS).join();
                    assertThat(await(live.resolve(live.account(), address))).as("%s", address).isEqualTo(expected);
                    matches += expected.isPresent() ? 1 : 0;
                    matchesByFamily.merge(address.isIpv6(), expected.isPresent() ? 1 : 0, Integer::sum);
                }
                remote.clear();
            }
        }
        assertThat(matches).as("probes that some record holds").isGreaterThan(probes.size() / 4);
        return matchesByFamily;
    }

    @Test
    void loadsTheExportThenFollowsEveryKindOfChangeAndAgreesWithTheServer() throws Exception {
        stack = new FeedStack(10_000);
        AccountSid account = stack.nextAccount();
        Population data = new Population(account, 1);
        data.grow(150);
        SipmapClient writer = stack.client(account);
        SipmapClient replicaClient = stack.client(account);

        LiveSipDomainResolver live = replicaClient.liveResolver(account, FeedStack.fastReconnect());
        await(live.ready());
        assertThat(live.lastEventId()).isEqualTo(head(account));
        assertThat(live.size()).isEqualTo(data.mapped.size());
        // each export entry names its record's own address: the replica never reads the IP records list
        assertThat(stack.answered).contains("GET /sipmap/v1/Exports/Addresses 200")
                .doesNotContain("GET /v1/IpRecords 200");
        agrees(live, writer, data.probes());

        for (int i = 0; i < 300; i++) {
            data.change();
        }
        caughtUp(live);
        assertThat(live.snapshotsLoaded()).isEqualTo(1);
        assertThat(live.size()).isEqualTo(data.mapped.size());
        agrees(live, writer, data.probes());
        eventually("live", () -> live.state() == ChangeFollower.State.LIVE);
        assertThat(stack.answered).filteredOn(a -> a.startsWith("GET /v1/IpRecords ")).as("IP records list reads").isEmpty();
    }

    @Test
    void holdsIpv6BesideIpv4FromTheExportAndThroughChangesAndRestartsAndAgreesWithTheServer() throws Exception {
        stack = new FeedStack(10_000);
        AccountSid account = stack.nextAccount();
        Population data = new Population(account, 6).mixed();
        data.grow(200);
        assertThat(data.records).filteredOn(r -> r.ipAddress().isIpv6()).hasSizeGreaterThan(60);
        assertThat(data.records).filteredOn(r -> !r.ipAddress().isIpv6()).hasSizeGreaterThan(60);
        SipmapClient writer = stack.client(account);
        LiveSipDomainResolver live = stack.client(account).liveResolver(account, FeedStack.fastReconnect());
        await(live.ready());
        assertThat(live.lastEventId()).isEqualTo(head(account));
        assertThat(live.size()).isEqualTo(data.mapped.size());
        Map<Boolean, Integer> matches = agrees(live, writer, data.probes());
        assertThat(matches.get(true)).as("IPv6 probes that some record holds").isGreaterThan(150);
        assertThat(matches.get(false)).as("IPv4 probes that some record holds").isGreaterThan(150);
        agreesOnTheMappedSpelling(live, account, data.probes());

        for (int i = 0; i < 300; i++) {
            data.change();
        }
        caughtUp(live);
        assertThat(live.snapshotsLoaded()).isEqualTo(1);
        assertThat(live.size()).isEqualTo(data.mapped.size());
        agrees(live, writer, data.probes());

        eventually("one stream", () -> stack.verticle().changeSubscribers() == 1);
        stack.stop();
        eventually("the replica notices", () -> live.state() != ChangeFollower.State.LIVE);
        for (int i = 0; i < 60; i++) {
            data.change();
        }
        stack.start();
        caughtUp(live);
        assertThat(live.snapshotsLoaded()).as("resumed, not reloaded").isEqualTo(1);
        matches = agrees(live, writer, data.probes());
        assertThat(matches.get(true)).isGreaterThan(100);
        agreesOnTheMappedSpelling(live, account, data.probes());
    }

    /**
     * The server's resolve, asked for each IPv4 probe in its IPv4-mapped IPv6 spelling ({@code ::ffff:a.b.c.d}),
     * names the record the replica names for the plain address: both spellings are one source.
     */
    private void agreesOnTheMappedSpelling(LiveSipDomainResolver live, AccountSid account, List<IpAddress> probes)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String authorization = "Basic " + Base64.getEncoder().encodeToString((account.value() + ":"
                + FeedStack.token(account)).getBytes(StandardCharsets.UTF_8));
        int asked = 0;
        for (IpAddress probe : probes) {
            if (probe.isIpv6() || asked++ % 4 != 0) {
                continue; // a quarter of them is plenty: one request each
            }
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl()
                            + "/sipmap/v1/Resolve?IpAddress=::ffff:" + probe)).header("Authorization", authorization)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("%s", response.body()).isEqualTo(200);
            JsonObject resolution = new JsonObject(response.body()).getJsonObject("resolution");
            Optional<Resolution> replica = await(live.resolve(account, IpAddress.parse("::ffff:" + probe)));
            assertThat(replica).as("::ffff:%s", probe).isEqualTo(await(live.resolve(account, probe)));
            assertThat(replica.map(r -> r.ipRecordSid().value())).as("::ffff:%s", probe)
                    .isEqualTo(Optional.ofNullable(resolution).map(r -> r.getString("ip_record_sid")));
        }
        assertThat(asked).isGreaterThan(100);
    }

    @Test
    void resumesAfterTheServerRestartsWithoutLosingOrRepeatingAChange() throws Exception {
        stack = new FeedStack(10_000);
        AccountSid account = stack.nextAccount();
        Population data = new Population(account, 2);
        data.grow(80);
        SipmapClient writer = stack.client(account);
        LiveSipDomainResolver live = stack.client(account).liveResolver(account, FeedStack.fastReconnect());
        await(live.ready());
        long loadedAt = live.lastEventId();
        eventually("one stream", () -> stack.verticle().changeSubscribers() == 1);

        for (int restart = 0; restart < 3; restart++) {
            stack.stop();
            eventually("the replica notices", () -> live.state() != ChangeFollower.State.LIVE);
            long before = live.lastEventId();
            for (int i = 0; i < 40; i++) {
                data.change(); // straight to the services: the server is down
            }
            // down, the replica answers from what it has
            assertThat(live.lastEventId()).isEqualTo(before);
            stack.start();
            caughtUp(live);
            for (int i = 0; i < 20; i++) {
                data.change(); // live again
            }
            caughtUp(live);
        }
        assertThat(live.snapshotsLoaded()).as("no reset: every resume found its changes").isEqualTo(1);
        assertThat(live.streamsOpened()).isGreaterThanOrEqualTo(4);
        assertThat(live.changesApplied()).as("each change once").isEqualTo(live.lastEventId() - loadedAt);
        agrees(live, writer, data.probes());
    }

    @Test
    void aReplicaAwayLongerThanTheServerKeepsChangesStartsAgainFromTheExport() throws Exception {
        stack = new FeedStack(16);
        AccountSid account = stack.nextAccount();
        Population data = new Population(account, 3);
        data.grow(40);
        SipmapClient writer = stack.client(account);
        LiveSipDomainResolver live = stack.client(account).liveResolver(account, FeedStack.fastReconnect());
        await(live.ready());
        eventually("one stream", () -> stack.verticle().changeSubscribers() == 1);

        stack.stop();
        for (int i = 0; i < 100; i++) {
            data.change();
        }
        stack.start();
        caughtUp(live);
        assertThat(live.snapshotsLoaded()).isEqualTo(2);
        agrees(live, writer, data.probes());
        for (int i = 0; i < 30; i++) {
            data.change();
        }
        caughtUp(live);
        agrees(live, writer, data.probes());
    }

    @Test
    void accountsAreIsolated() throws Exception {
        stack = new FeedStack(10_000);
        AccountSid mine = stack.nextAccount();
        AccountSid theirs = stack.nextAccount();
        Population myData = new Population(mine, 4);
        Population theirData = new Population(theirs, 4); // the same seed: the same addresses
        myData.grow(30);
        theirData.grow(30);
        LiveSipDomainResolver myLive = stack.client(mine).liveResolver(mine, FeedStack.fastReconnect());
        LiveSipDomainResolver theirLive = stack.client(theirs).liveResolver(theirs, FeedStack.fastReconnect());
        await(myLive.ready());
        await(theirLive.ready());
        for (int i = 0; i < 50; i++) {
            theirData.change();
        }
        caughtUp(theirLive);
        caughtUp(myLive);
        assertThat(myLive.lastEventId()).isLessThan(theirLive.lastEventId());
        agrees(myLive, stack.client(mine), myData.probes());
        agrees(theirLive, stack.client(theirs), theirData.probes());
        // what only their account maps is never in mine
        for (IpRecord r : theirData.mapped.keySet()) {
            Optional<Resolution> seen = await(myLive.resolve(mine, r.ipAddress()));
            seen.ifPresent(found -> assertThat(myData.mapped.values())
                    .anySatisfy(m -> assertThat(m.sid()).isEqualTo(found.mappingSid())));
        }
        assertThatThrownBy(() -> await(myLive.resolve(theirs, Ipv4Address.parse("10.0.0.1"))))
                .hasCauseInstanceOf(SipmapException.InvalidParameter.class);
    }

    @Test
    void closeEndsTheStreamAndEveryRetry() throws Exception {
        stack = new FeedStack(10_000);
        AccountSid account = stack.nextAccount();
        new Population(account, 5).grow(10);
        SipmapClient client = stack.client(account);
        LiveSipDomainResolver live = client.liveResolver(account, FeedStack.fastReconnect());
        await(live.ready());
        eventually("one stream", () -> stack.verticle().changeSubscribers() == 1);

        live.close();
        eventually("no stream", () -> stack.verticle().changeSubscribers() == 0);
        Thread.sleep(600); // several back-offs: nothing comes back
        assertThat(stack.verticle().changeSubscribers()).isZero();
        assertThat(live.state()).isEqualTo(ChangeFollower.State.CLOSED);
        assertThatThrownBy(() -> await(live.resolve(account, Ipv4Address.parse("10.0.0.1"))))
                .hasCauseInstanceOf(SipmapException.Unavailable.class);

        // closing the client closes the replicas it made
        LiveSipDomainResolver second = client.liveResolver(account, FeedStack.fastReconnect());
        await(second.ready());
        eventually("one stream", () -> stack.verticle().changeSubscribers() == 1);
        client.close();
        eventually("no stream", () -> stack.verticle().changeSubscribers() == 0);
        assertThat(second.state()).isEqualTo(ChangeFollower.State.CLOSED);
    }
}
