package io.sipmap.adapter.http.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipmapException;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

/**
 * The live resolver against a double of the server's export and change feed, for what the real server does not do on
 * demand: streams cut mid-way, resets, gaps, CR LF line ends and data split over lines. The end-to-end tests run it
 * against the real server.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LiveSipDomainResolverTest {

    static final AccountSid ACCOUNT = new AccountSid("AC" + "ab".repeat(16));
    static final String OFFICE = "SD" + "0".repeat(31) + "a";
    static final String PBX = "SD" + "0".repeat(31) + "b";
    static final String OTHER = "SD" + "0".repeat(31) + "c";

    private Vertx vertx;
    private FeedDouble feed;
    private SipmapClient client;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        feed = new FeedDouble(vertx).start();
        client = SipmapClient.builder().baseUrl(feed.baseUrl()).accountCredentials(ACCOUNT, "token").vertx(vertx)
                .retryPolicy(RetryPolicy.none()).build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        feed.close();
        vertx.close().await(10, SECONDS);
    }

    private LiveSipDomainResolver live() throws Exception {
        LiveSipDomainResolver live = client.liveResolver(ACCOUNT, LiveResolverOptions.defaults().withFollowing(
                FollowerOptions.defaults().withReconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))));
        live.ready().toCompletableFuture().get(10, SECONDS);
        return live;
    }

    private static Optional<Resolution> resolve(LiveSipDomainResolver live, String address) throws Exception {
        return live.resolve(ACCOUNT, IpAddress.parse(address)).toCompletableFuture().get(5, SECONDS);
    }

    private static String domainOf(LiveSipDomainResolver live, String address) throws Exception {
        return resolve(live, address).map(r -> r.sipDomainSid().value()).orElse(null);
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    private static BooleanSupplier resolvesTo(LiveSipDomainResolver live, String address, String domain) {
        return () -> {
            try {
                return java.util.Objects.equals(domainOf(live, address), domain);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
    }

    @Test
    void loadsTheExportThenFollowsChangesSplitOverLinesWithCrLf() throws Exception {
        feed.lineEnd = "\r\n";
        feed.splitData = true;
        String office = feed.createRecord("198.51.100.5", 24); // host bits: the resolution keeps the record's address
        feed.map(office, OFFICE);
        String unmappedBefore = feed.createRecord("198.51.100.7", 32);

        LiveSipDomainResolver live = live();
        eventually("live", () -> live.state() == ChangeFollower.State.LIVE);
        assertThat(live.lastEventId()).isEqualTo(3);
        Resolution first = resolve(live, "198.51.100.9").orElseThrow();
        assertThat(first.prefix().toString()).isEqualTo("198.51.100.5/24");
        assertThat(first.ipRecordSid().value()).isEqualTo(office);
        assertThat(domainOf(live, "198.51.101.1")).isNull();
        assertThat(feed.listReads.get()).as("IP records list reads: the export names each record's address").isZero();

        // a record the export did not hold (unmapped then) is mapped: its address comes with the mapping's event
        String pbxMapping = feed.map(unmappedBefore, PBX);
        eventually("the /32 mapped", resolvesTo(live, "198.51.100.7", PBX));
        assertThat(feed.fetches.get()).isZero();
        assertThat(domainOf(live, "198.51.100.8")).isEqualTo(OFFICE);

        feed.remap(pbxMapping, OTHER);
        eventually("the /32 moved", resolvesTo(live, "198.51.100.7", OTHER));
        feed.unmap(pbxMapping);
        eventually("the /32 unmapped", resolvesTo(live, "198.51.100.7", OFFICE));

        String narrow = feed.createRecord("198.51.100.128", 25);
        feed.map(narrow, PBX);
        eventually("the /25 mapped", resolvesTo(live, "198.51.100.200", PBX));
        assertThat(feed.fetches.get()).isZero();
        assertThat(feed.listReads.get()).isZero();
        assertThat(live.lastEventId()).isEqualTo(8);
        assertThat(live.changesApplied()).isEqualTo(5);
        assertThat(live.snapshotsLoaded()).isEqualTo(1);
        assertThat(live.size()).isEqualTo(2);
    }

    @Test
    void holdsAndAnswersIpv6BesideIpv4FromTheExportAndFromFollowedChanges() throws Exception {
        String fourth = "SD" + "0".repeat(31) + "d";
        String wide = feed.createRecord("2001:db8::", 32);
        feed.map(wide, OFFICE);
        String site = feed.createRecord("2001:db8:a::5", 48); // host bits kept, as for IPv4
        String siteMapping = feed.map(site, PBX);
        String sameSite = feed.createRecord("2001:db8:a::", 48); // the same network, newer: the older wins
        feed.map(sameSite, fourth);
        String v4 = feed.createRecord("192.0.2.0", 24);
        feed.map(v4, OTHER);
        String host = feed.createRecord("2001:db8:a::77", 128); // unmapped: not in the export

        LiveSipDomainResolver live = live();
        eventually("live", () -> live.state() == ChangeFollower.State.LIVE);
        assertThat(live.size()).isEqualTo(4);
        Resolution siteAnswer = resolve(live, "2001:DB8:A:0:FFFF::1").orElseThrow();
        assertThat(siteAnswer.prefix().toString()).isEqualTo("2001:db8:a::5/48");
        assertThat(siteAnswer.ipRecordSid().value()).isEqualTo(site);
        assertThat(domainOf(live, "2001:db8:b::1")).isEqualTo(OFFICE);
        assertThat(domainOf(live, "2001:db9::1")).isNull();
        assertThat(domainOf(live, "::1")).isNull();
        // an IPv4-mapped spelling is the IPv4 source; an IPv4-compatible one (::192.0.2.9) is an IPv6 address
        assertThat(domainOf(live, "192.0.2.9")).isEqualTo(OTHER);
        assertThat(domainOf(live, "::ffff:192.0.2.9")).isEqualTo(OTHER);
        assertThat(domainOf(live, "::192.0.2.9")).isNull();

        feed.map(host, OTHER);
        eventually("the /128 mapped", resolvesTo(live, "2001:db8:a::77", OTHER));
        assertThat(domainOf(live, "2001:db8:a::78")).isEqualTo(PBX);
        feed.remap(siteMapping, OFFICE);
        eventually("the /48 moved", resolvesTo(live, "2001:db8:a::78", OFFICE));
        feed.unmap(siteMapping);
        eventually("the duplicate /48 takes over", resolvesTo(live, "2001:db8:a::78", fourth));
        String v4mapped = feed.createRecord("::ffff:198.51.100.0", 24); // the IPv4 network 198.51.100.0/24
        feed.map(v4mapped, PBX);
        eventually("the IPv4 /24 given in its mapped spelling", resolvesTo(live, "198.51.100.200", PBX));
        assertThat(domainOf(live, "::ffff:198.51.100.1")).isEqualTo(PBX);
        assertThat(resolve(live, "198.51.100.1").orElseThrow().prefix().toString()).isEqualTo("198.51.100.0/24");
        assertThat(live.snapshotsLoaded()).isEqualTo(1);
        assertThat(feed.fetches.get() + feed.listReads.get()).isZero();

        feed.resetNext = true; // a reload from an export holding IPv6 and the mapped spelling answers alike
        feed.dropStreams();
        eventually("reloaded", () -> live.snapshotsLoaded() == 2);
        assertThat(domainOf(live, "2001:db8:a::77")).isEqualTo(OTHER);
        assertThat(domainOf(live, "2001:db8:a::78")).isEqualTo(fourth);
        assertThat(domainOf(live, "::ffff:198.51.100.1")).isEqualTo(PBX);
        assertThat(domainOf(live, "2001:db8:ffff::")).isEqualTo(OFFICE);
    }

    @Test
    void aMappingEventWithoutItsRecordsAddressIsUnusableAndTheExportIsLoadedInstead() throws Exception {
        String office = feed.createRecord("198.51.100.5", 24);
        feed.map(office, OFFICE);
        LiveSipDomainResolver live = live();
        eventually("one stream open", () -> feed.openStreams() == 1);

        feed.mappingEventsWithoutAddress = true; // a server from before the feed's extension
        String pbx = feed.createRecord("203.0.113.77", 32);
        feed.map(pbx, PBX);
        eventually("current from the export", resolvesTo(live, "203.0.113.77", PBX));
        assertThat(live.snapshotsLoaded()).isGreaterThanOrEqualTo(2);
        assertThat(resolve(live, "198.51.100.9").orElseThrow().prefix().toString()).isEqualTo("198.51.100.5/24");
        assertThat(feed.fetches.get() + feed.listReads.get()).as("no record read: old servers are not supported")
                .isZero();
    }

    @Test
    void aServerWhoseHistoryStartedAgainAnswersResetAndTheReplicaLoadsItsExport() throws Exception {
        String office = feed.createRecord("198.51.100.0", 24);
        feed.map(office, OFFICE);
        feed.createRecord("192.0.2.0", 24);
        LiveSipDomainResolver live = live();
        eventually("one stream open", () -> feed.openStreams() == 1);
        assertThat(live.lastEventId()).isEqualTo(3);

        // restarted over an empty store: its numbers start again, under another tag; a number alone could not tell
        feed.startHistoryAgain();
        String pbx = feed.createRecord("203.0.113.0", 24);
        feed.map(pbx, PBX);
        feed.createRecord("203.0.114.0", 24);
        feed.createRecord("203.0.115.0", 24);
        eventually("the new history", resolvesTo(live, "203.0.113.1", PBX));
        assertThat(domainOf(live, "198.51.100.1")).isNull();
        assertThat(live.snapshotsLoaded()).isEqualTo(2);
        eventually("at the new history's head", () -> live.lastEventId() == 4);
        eventually("following the new history",
                () -> feed.lastEventIds.stream().anyMatch(id -> id.endsWith("-a0000002")));
        assertThat(feed.lastEventIds).contains("3-a0000001");
    }

    @Test
    void resumesADroppedStreamFromTheLastEventAppliedWithoutLossOrRepeat() throws Exception {
        String a = feed.createRecord("10.0.0.0", 8);
        feed.map(a, OFFICE);
        LiveSipDomainResolver live = live();
        eventually("one stream open", () -> feed.openStreams() == 1);

        for (int round = 0; round < 5; round++) {
            feed.dropStreams();
            // changes while the replica is away, then live ones after it is back
            String r = feed.createRecord("10." + (round + 1) + ".0.0", 16);
            String m = feed.map(r, PBX);
            eventually("round " + round + " caught up", resolvesTo(live, "10." + (round + 1) + ".9.9", PBX));
            feed.remap(m, OTHER);
            eventually("round " + round + " live", resolvesTo(live, "10." + (round + 1) + ".9.9", OTHER));
        }
        assertThat(live.snapshotsLoaded()).isEqualTo(1);
        assertThat(live.streamsOpened()).isGreaterThanOrEqualTo(6);
        assertThat(live.lastEventId()).isEqualTo(2 + 5 * 3);
        assertThat(live.changesApplied()).isEqualTo(5 * 3);
        // every resume asked for what followed the last change applied
        // every resume sent back the whole id it had, tag included
        assertThat(feed.lastEventIds.get(0)).isEqualTo("2-a0000001");
        assertThat(feed.lastEventIds).allSatisfy(id -> {
            assertThat(id).endsWith("-a0000001");
            assertThat(Long.parseLong(id.split("-")[0])).isBetween(2L, 17L);
        });
        assertThat(domainOf(live, "10.200.0.1")).isEqualTo(OFFICE);
    }

    @Test
    void aResetLoadsTheExportAgainAndKeepsAnsweringMeanwhile() throws Exception {
        String a = feed.createRecord("192.0.2.0", 24);
        String m = feed.map(a, OFFICE);
        LiveSipDomainResolver live = live();
        eventually("one stream open", () -> feed.openStreams() == 1);

        feed.resetNext = true;
        feed.dropStreams();
        feed.remap(m, PBX);
        eventually("reloaded and current", resolvesTo(live, "192.0.2.1", PBX));
        eventually("a second export", () -> live.snapshotsLoaded() == 2);
        assertThat(feed.exports.get()).isEqualTo(2);
        assertThat(live.lastEventId()).isEqualTo(3);
        eventually("live again", () -> live.state() == ChangeFollower.State.LIVE);

        feed.remap(m, OTHER);
        eventually("live after the reset", resolvesTo(live, "192.0.2.1", OTHER));
    }

    @Test
    void aServerThatResetsEveryStreamGetsReloadsSpacedByBackOffNotALoop() throws Exception {
        String a = feed.createRecord("192.0.2.0", 24);
        feed.map(a, OFFICE);
        LiveSipDomainResolver live = live();
        eventually("one stream open", () -> feed.openStreams() == 1);

        feed.resetAlways = true;
        feed.dropStreams();
        Thread.sleep(3_000);
        // without spacing, each reset reloaded at once: hundreds of exports in these 3 s; now one a second at most
        assertThat(feed.exports.get()).isBetween(2, 5);
        assertThat(domainOf(live, "192.0.2.1")).isEqualTo(OFFICE); // the loaded index keeps answering

        feed.resetAlways = false;
        eventually("live again", () -> live.state() == ChangeFollower.State.LIVE);
    }

    @Test
    void aGapInTheSequenceLoadsTheExportAgain() throws Exception {
        String a = feed.createRecord("192.0.2.0", 24);
        String m = feed.map(a, OFFICE);
        LiveSipDomainResolver live = live();
        eventually("one stream open", () -> feed.openStreams() == 1);

        feed.skipOne();
        feed.remap(m, PBX);
        eventually("current after the gap", resolvesTo(live, "192.0.2.1", PBX));
        assertThat(live.snapshotsLoaded()).isEqualTo(2);
        assertThat(live.lastEventId()).isEqualTo(4);
    }

    @Test
    void aServerWithoutTheExportFailsReadyWithNotFound() throws Exception {
        client.close();
        try (StubServer twilioLike = StubServer.start(vertx, router -> { })) {
            client = SipmapClient.builder().baseUrl(twilioLike.baseUrl()).accountCredentials(ACCOUNT, "token")
                    .vertx(vertx).retryPolicy(RetryPolicy.none()).build();
            LiveSipDomainResolver live = client.liveResolver(ACCOUNT);
            assertThatThrownBy(() -> live.ready().toCompletableFuture().get(10, SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SipmapException.class);
            assertThat(live.state()).isEqualTo(ChangeFollower.State.FAILED);
            assertThatThrownBy(() -> resolve(live, "10.0.0.1")).cause().isInstanceOf(SipmapException.class);
        }
    }

    @Test
    void anotherAccountIsRefused() throws Exception {
        LiveSipDomainResolver live = live();
        AccountSid other = new AccountSid("AC" + "cd".repeat(16));
        assertThatThrownBy(() -> live.resolve(other, Ipv4Address.parse("10.0.0.1")).toCompletableFuture().get(5,
                SECONDS)).cause().isInstanceOf(SipmapException.InvalidParameter.class);
        assertThatThrownBy(() -> client.liveResolver(other)).isInstanceOf(SipmapException.InvalidParameter.class);
    }

    @Test
    void closeStopsTheStreamAndEveryRetry() throws Exception {
        String a = feed.createRecord("192.0.2.0", 24);
        feed.map(a, OFFICE);
        LiveSipDomainResolver live = live();
        eventually("one stream open", () -> feed.openStreams() == 1);

        live.close();
        eventually("the stream closed at the server", () -> feed.openStreams() == 0);
        int requests = feed.streamRequests.get() + feed.exports.get();
        Thread.sleep(300);
        assertThat(feed.streamRequests.get() + feed.exports.get()).isEqualTo(requests);
        assertThat(live.state()).isEqualTo(ChangeFollower.State.CLOSED);
        assertThatThrownBy(() -> resolve(live, "192.0.2.1")).cause()
                .isInstanceOf(SipmapException.Unavailable.class).hasMessageContaining("closed");
    }

    /** How the feed refuses a stream: a Twilio-shaped 404, or 200 with a page that never ends instead of events. */
    enum Refusal { ERROR, ENDLESS_PAGE }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void aRefusedStreamIsRetriedAfterBackOffAndGoesLiveOnceTheFeedAnswers(Refusal refusal) throws Exception {
        String a = feed.createRecord("192.0.2.0", 24);
        String m = feed.map(a, OFFICE);
        refuse(refusal, true);
        LiveSipDomainResolver live = live();

        eventually("retried", () -> feed.streamRequests.get() >= 3);
        if (refusal == Refusal.ENDLESS_PAGE) {
            // only the start of such a body is read, for the warning; the connection is closed, not read to its end
            eventually("closed", () -> feed.endlessClosed.get() >= 2);
        }
        assertThat(live.state()).isEqualTo(ChangeFollower.State.RECONNECTING);
        assertThat(domainOf(live, "192.0.2.1")).isEqualTo(OFFICE);
        refuse(refusal, false);
        feed.remap(m, PBX);
        eventually("live once the feed answers", resolvesTo(live, "192.0.2.1", PBX));
    }

    private void refuse(Refusal refusal, boolean on) {
        if (refusal == Refusal.ERROR) {
            feed.changesAnswer404 = on;
        } else {
            feed.changesAnswerEndlessHtml = on;
        }
    }

    @Test
    void thisClientsOwnWritesAreSeenAtOnceEvenWhenTheFeedIsSlower() throws Exception {
        String a = feed.createRecord("192.0.2.0", 24);
        LiveSipDomainResolver live = live();
        eventually("one stream open", () -> feed.openStreams() == 1);
        feed.eventDelayMillis = 300;

        var mapping = client.sourceIpMappings().create(ACCOUNT, new io.sipmap.api.CreateSourceIpMapping(
                new io.sipmap.domain.IpRecordSid(a), new io.sipmap.domain.SipDomainSid(OFFICE)))
                .toCompletableFuture().get(5, SECONDS);
        long start = System.nanoTime();
        assertThat(domainOf(live, "192.0.2.1")).isEqualTo(OFFICE);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("waited for the feed")
                .isGreaterThan(100);

        client.sourceIpMappings().update(ACCOUNT, mapping.sid(), new io.sipmap.api.UpdateSourceIpMapping(
                new io.sipmap.domain.SipDomainSid(PBX))).toCompletableFuture().get(5, SECONDS);
        assertThat(domainOf(live, "192.0.2.1")).isEqualTo(PBX);
        client.sourceIpMappings().delete(ACCOUNT, mapping.sid()).toCompletableFuture().get(5, SECONDS);
        assertThat(domainOf(live, "192.0.2.1")).isNull();

        // a write of another client is not waited for: the replica follows it when the feed brings it
        try (SipmapClient other = SipmapClient.builder().baseUrl(feed.baseUrl()).accountCredentials(ACCOUNT, "token")
                .vertx(vertx).retryPolicy(RetryPolicy.none()).build()) {
            other.sourceIpMappings().create(ACCOUNT, new io.sipmap.api.CreateSourceIpMapping(
                    new io.sipmap.domain.IpRecordSid(a), new io.sipmap.domain.SipDomainSid(OTHER)))
                    .toCompletableFuture().get(5, SECONDS);
            assertThat(domainOf(live, "192.0.2.1")).isNull();
            eventually("the other client's write arrives", resolvesTo(live, "192.0.2.1", OTHER));
        }
    }

    @Test
    void aRecordMappedThenDeletedWhileTheReplicaWasAwayIsAppliedFromTheEventsAloneWithoutAFetchOrAReload()
            throws Exception {
        String office = feed.createRecord("192.0.2.0", 24);
        feed.map(office, OFFICE);
        String gone = feed.createRecord("192.0.2.77", 32); // unmapped: not in the export
        LiveSipDomainResolver live = live();
        eventually("one stream open", () -> feed.openStreams() == 1);

        feed.eventDelayMillis = 60_000; // the live stream sends nothing more: what follows comes by replay
        String m = feed.map(gone, PBX);
        feed.unmap(m);
        feed.deleteRecord(gone);
        String kept = feed.createRecord("192.0.2.128", 25);
        feed.map(kept, OTHER);
        feed.dropStreams();

        eventually("caught up", () -> live.lastEventId() == 8);
        assertThat(feed.fetches.get()).as("no fetch: the mapping's event names its record's address").isZero();
        assertThat(live.snapshotsLoaded()).isEqualTo(1);
        assertThat(live.changesApplied()).isEqualTo(5);
        assertThat(domainOf(live, "192.0.2.77")).isEqualTo(OFFICE);
        assertThat(domainOf(live, "192.0.2.200")).isEqualTo(OTHER);
    }

    @Test
    void aStreamSilentLongerThanTheStallTimeoutIsTakenForDroppedAndResumed() throws Exception {
        String a = feed.createRecord("192.0.2.0", 24);
        String m = feed.map(a, OFFICE);
        // the double sends no keep-alive: an idle stream is silent
        LiveSipDomainResolver live = client.liveResolver(ACCOUNT, LiveResolverOptions.defaults().withFollowing(
                FollowerOptions.defaults().withReconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
                        .withStallTimeout(Duration.ofMillis(300))));
        live.ready().toCompletableFuture().get(10, SECONDS);
        eventually("resumed after silences", () -> feed.streamRequests.get() >= 3);
        assertThat(feed.lastEventIds).allSatisfy(id -> assertThat(id).isEqualTo("2-a0000001"));
        assertThat(live.snapshotsLoaded()).isEqualTo(1);
        feed.remap(m, PBX);
        eventually("still following", resolvesTo(live, "192.0.2.1", PBX));
    }
}
