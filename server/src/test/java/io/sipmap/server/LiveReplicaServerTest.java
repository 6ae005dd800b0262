package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.adapter.http.client.FollowerOptions;
import io.sipmap.adapter.http.client.LiveResolverOptions;
import io.sipmap.adapter.http.client.LiveSipDomainResolver;
import io.sipmap.adapter.http.client.RetryPolicy;
import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.UpdateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.testsupport.Calls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's live replica fed by the runnable server over PostgreSQL, two instances on one database: the replica
 * follows one instance while the writes go through the other (their change sequence is the database's), and it
 * resumes without a reload when its instance restarts on the same port while the other keeps writing. Its answers are
 * compared with the instance's own {@code /sipmap/v1/Resolve}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LiveReplicaServerTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "5e".repeat(16));
    private static final String TOKEN = "live-replica-token";

    @TempDir
    Path dir;

    private static <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
    }

    private static SipmapClient client(String baseUrl) {
        return SipmapClient.builder().baseUrl(baseUrl).accountCredentials(ACCOUNT, TOKEN)
                .retryPolicy(RetryPolicy.none()).requestTimeout(Duration.ofSeconds(20)).build();
    }

    private static void agrees(LiveSipDomainResolver live, SipmapClient server, List<Ipv4Address> probes) {
        int found = 0;
        for (Ipv4Address address : probes) {
            Optional<Resolution> expected = await(server.sipDomainResolver().resolve(ACCOUNT, address));
            assertThat(await(live.resolve(ACCOUNT, address))).as("%s", address).isEqualTo(expected);
            found += expected.isPresent() ? 1 : 0;
        }
        assertThat(found).isGreaterThan(probes.size() / 4);
    }

    /** Waits until the replica has applied {@code head} changes. */
    private static void reaches(LiveSipDomainResolver live, long head) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (live.lastEventId() < head && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(live.lastEventId()).as("the replica (%s)", live.state()).isEqualTo(head);
    }

    @Test
    void followsOneInstanceWhileTheOtherWritesAndResumesWhenItRestarts() throws Exception {
        Embedded database = Embedded.start(dir.resolve("db"));
        int port = Calls.freePort();
        Settings settings = Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN).with(Settings.Store.postgres(database.connect()));
        Settings followedSettings = Settings.of("127.0.0.1", port, ACCOUNT, TOKEN)
                .with(Settings.Store.postgres(database.connect()));
        SipmapServer followed = SipmapServer.run(followedSettings);
        SipmapServer writes = SipmapServer.run(settings);
        try (SipmapClient writer = client(writes.baseUrl());
             SipmapClient reader = client(followed.baseUrl())) {
            Random random = new Random(14);
            List<IpRecord> records = new ArrayList<>();
            List<SourceIpMapping> mappings = new ArrayList<>();
            List<Ipv4Address> probes = new ArrayList<>();
            long[] head = {0};
            Runnable write = () -> {
                int address = 10 << 24 | random.nextInt(1 << 16) << 8 | random.nextInt(256);
                int length = 12 + random.nextInt(21);
                IpRecord r = await(writer.ipRecords().create(ACCOUNT,
                        CreateIpRecord.of(new Ipv4Address(address).toString()).withCidrPrefixLength(length)));
                records.add(r);
                mappings.add(await(writer.sourceIpMappings().create(ACCOUNT, new CreateSourceIpMapping(r.sid(),
                        SipDomainSid.ofHex(String.format("%032x", 1 + random.nextInt(4)))))));
                int network = ((Ipv4Address) r.prefix().network()).bits();
                probes.add(new Ipv4Address(network));
                probes.add(new Ipv4Address(network | ~IpPrefix.mask(length)));
                probes.add(new Ipv4Address(network | (random.nextInt() & ~IpPrefix.mask(length))));
                head[0] += 2;
            };
            Runnable move = () -> {
                int k = random.nextInt(mappings.size());
                mappings.set(k, await(writer.sourceIpMappings().update(ACCOUNT, mappings.get(k).sid(),
                        new UpdateSourceIpMapping(SipDomainSid.ofHex(String.format("%032x", 5 + random.nextInt(4)))))));
                head[0] += 1;
            };
            for (int i = 0; i < 30; i++) {
                write.run();
            }

            LiveSipDomainResolver live = reader.liveResolver(ACCOUNT, LiveResolverOptions.defaults().withFollowing(
                    FollowerOptions.defaults().withReconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))));
            await(live.ready());
            assertThat(live.lastEventId()).isEqualTo(head[0]);
            agrees(live, reader, probes);

            for (int i = 0; i < 40; i++) {
                (i % 2 == 0 ? write : move).run();
            }
            reaches(live, head[0]);
            agrees(live, reader, probes);

            followed.close(); // the replica's instance goes away; the other keeps taking writes
            for (int i = 0; i < 20; i++) {
                (i % 2 == 0 ? write : move).run();
            }
            followed = SipmapServer.run(followedSettings);
            reaches(live, head[0]);
            assertThat(live.snapshotsLoaded()).as("resumed from the log, no reload").isEqualTo(1);
            assertThat(live.streamsOpened()).isGreaterThanOrEqualTo(2);
            agrees(live, reader, probes);
            live.close();
        } finally {
            followed.close();
            writes.close();
            database.stop();
        }
    }

    /**
     * A replica only reads (the export, then the feed): a read-only API key, from the credentials file as an operator
     * gives one to an edge that only resolves, is enough, and its writes are refused.
     */
    @Test
    void aReadOnlyKeyIsEnoughForAReplica() throws Exception {
        ApiKeySid key = new ApiKeySid("SK" + "0e".repeat(16));
        String secret = "live-replica-read-only-secret";
        Path credentials = Files.writeString(dir.resolve("credentials"), key.value() + " "
                + CredentialsFile.digestOf(secret) + " " + ACCOUNT.value() + " read-only\n");
        Settings settings = Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN);
        settings = settings.with(new Settings.Accounts(ACCOUNT, TOKEN, Optional.empty(), Optional.empty(), false,
                Optional.of(credentials), Optional.empty()));
        try (SipmapServer server = SipmapServer.run(settings);
             SipmapClient writer = client(server.baseUrl());
             SipmapClient reader = SipmapClient.builder().baseUrl(server.baseUrl())
                     .apiKeyCredentials(key, secret, ACCOUNT).retryPolicy(RetryPolicy.none()).build()) {
            IpRecord office = await(writer.ipRecords().create(ACCOUNT,
                    CreateIpRecord.of("192.0.2.0").withCidrPrefixLength(24)));
            await(writer.sourceIpMappings().create(ACCOUNT, new CreateSourceIpMapping(office.sid(),
                    new SipDomainSid("SD" + "0a".repeat(16)))));
            try (LiveSipDomainResolver live = reader.liveResolver(ACCOUNT)) {
                await(live.ready());
                assertThat(await(live.resolve(ACCOUNT, Ipv4Address.parse("192.0.2.9")))).isPresent();

                IpRecord pbx = await(writer.ipRecords().create(ACCOUNT, CreateIpRecord.of("198.51.100.7")));
                await(writer.sourceIpMappings().create(ACCOUNT, new CreateSourceIpMapping(pbx.sid(),
                        new SipDomainSid("SD" + "0b".repeat(16)))));
                reaches(live, 4);
                assertThat(await(live.resolve(ACCOUNT, Ipv4Address.parse("198.51.100.7")))
                        .map(Resolution::sipDomainSid)).contains(new SipDomainSid("SD" + "0b".repeat(16)));
            }
            assertThatThrownBy(() -> await(reader.ipRecords().create(ACCOUNT, CreateIpRecord.of("203.0.113.1"))))
                    .as("the key only reads").hasMessageContaining("70051");
        }
    }
}
