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
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import java.util.ArrayList;
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
    private final class Population {
        final AccountSid account;
        final Random random;
        final List<IpRecord> records = new ArrayList<>();
        final Map<IpRecord, SourceIpMapping> mapped = new LinkedHashMap<>();

        Population(AccountSid account, long seed) {
            this.account = account;
            this.random = new Random(seed);
        }

        SipDomainSid domain() {
            return SipDomainSid.ofHex(String.format("%032x", 1 + random.nextInt(8)));
        }

        IpRecord record() {
            int address = (10 + random.nextInt(3)) << 24 | random.nextInt(1 << 12) << 12 | random.nextInt(1 << 12);
            int length = 8 + random.nextInt(25);
            IpRecord r = await(stack.ipRecords.create(account, CreateIpRecord.of(new Ipv4Address(address).toString())
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
        List<Ipv4Address> probes() {
            List<Ipv4Address> probes = new ArrayList<>();
            for (IpRecord r : records) {
                IpPrefix p = r.prefix();
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
            return probes;
        }
    }

    /** The replica agrees with the server's resolve extension on every probe. */
    private static void agrees(LiveSipDomainResolver live, SipmapClient server, List<Ipv4Address> probes) {
        List<CompletableFuture<Optional<Resolution>>> remote = new ArrayList<>();
        int matches = 0;
        for (int i = 0; i < probes.size(); i++) {
            remote.add(server.sipDomainResolver().resolve(server.account(), probes.get(i)).toCompletableFuture());
            if (remote.size() == 64 || i == probes.size() - 1) {
                for (int k = 0; k < remote.size(); k++) {
                    Ipv4Address address = probes.get(i - remote.size() + 1 + k);
                    Optional<Resolution> expected = remote.get(k).orTimeout(15, TimeUnit.SECONDS).join();
                    assertThat(await(live.resolve(live.account(), address))).as("%s", address).isEqualTo(expected);
                    matches += expected.isPresent() ? 1 : 0;
                }
                remote.clear();
            }
        }
        assertThat(matches).as("probes that some record holds").isGreaterThan(probes.size() / 4);
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
