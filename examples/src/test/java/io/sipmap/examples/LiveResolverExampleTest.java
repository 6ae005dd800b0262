package io.sipmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.service.ChangeFeedService;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LiveResolverExample} against a real server with its change feed, over the in-memory stores. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveResolverExampleTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "e5".repeat(16));
    private static final String TOKEN = "live-resolver-token";

    @Test
    void resolvesFromTheReplicaWhatTheServerHoldsAndWhatItJustWrote() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            var stores = InMemoryStores.create();
            var clock = Clock.systemUTC();
            var sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
            var ipRecords = new IpRecordService(stores.ipRecords(), clock, sids);
            var mappings = new SourceIpMappingService(stores.sourceIpMappings(), clock, sids);
            var server = new SipmapVerticle(mappings, ipRecords, new ResolutionService(stores.resolutions()),
                    new ChangeFeedService(stores.changes()),
                    SipmapServerOptions.of(Credentials.of(ACCOUNT, TOKEN)).withPort(0));
            vertx.deployVerticle(server).await(10, TimeUnit.SECONDS);
            // already there before the replica starts: an office network
            IpRecord office = ipRecords.create(ACCOUNT, CreateIpRecord.of("198.51.100.0").withCidrPrefixLength(24))
                    .toCompletableFuture().join();
            SipDomainSid officeDomain = new SipDomainSid("SD0000000000000000000000000000000a");
            mappings.create(ACCOUNT, new CreateSourceIpMapping(office.sid(), officeDomain)).toCompletableFuture().join();

            var bytes = new ByteArrayOutputStream();
            List<Optional<Resolution>> answers = LiveResolverExample.run(Map.of(
                    "TWILIO_ACCOUNT_SID", ACCOUNT.value(),
                    "TWILIO_AUTH_TOKEN", TOKEN,
                    "SIPMAP_BASE_URL", "http://127.0.0.1:" + server.actualPort()),
                    List.of("198.51.100.7", "198.51.100.9", "203.0.113.1"),
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));

            assertThat(answers.get(0).orElseThrow().sipDomainSid())
                    .isEqualTo(new SipDomainSid("SD0000000000000000000000000000000b"));
            assertThat(answers.get(1).orElseThrow().sipDomainSid()).isEqualTo(officeDomain);
            assertThat(answers.get(2)).isEmpty();
            assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                    "replica of 1 mapped record(s) at event 2",
                    "198.51.100.7 -> SD0000000000000000000000000000000b via 198.51.100.7/32",
                    "198.51.100.9 -> SD0000000000000000000000000000000a via 198.51.100.0/24",
                    "203.0.113.1 -> no SIP domain: reject",
                    "replica LIVE at event 4");
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
