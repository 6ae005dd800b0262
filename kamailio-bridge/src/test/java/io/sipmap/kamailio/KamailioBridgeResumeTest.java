package io.sipmap.kamailio;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.Calls;
import io.sipmap.testsupport.CapturedLogRecords;
import io.sipmap.testsupport.DebianPackages;
import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge resuming rather than starting again: two sipmap servers over one PostgreSQL (the embedded one the server
 * ships), the bridge following the first. While the first is down, mappings change through the second; when the
 * first is back, the bridge's follower reconnects with {@code Last-Event-ID}, receives exactly the changes it missed
 * (no reset), and the real Kamailio answers as {@code GET /sipmap/v1/Resolve} does.
 */
@Timeout(240)
class KamailioBridgeResumeTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "4e".repeat(16));
    private static final String TOKEN = "resume-secret-4e7a";
    private static final Duration FOLLOW = Duration.ofSeconds(40);

    @Test
    void resumesAfterTheServerRestartsWithWhatItMissed(@TempDir Path dir) throws Exception {
        int port = Calls.freePort();
        Path addressFile = dir.resolve("sipmap-addresses.list");
        Files.writeString(addressFile, "");
        EmbeddedPostgres database = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("postgres")).start();
        PgConnectOptions connect = new PgConnectOptions().setHost("localhost").setPort(database.getPort())
                .setDatabase("postgres").setUser("postgres").setPassword("postgres");
        SipmapUnderTest one = null;
        SipmapUnderTest two = null;
        KamailioBridge bridge = null;
        try (CapturedLogRecords log = new CapturedLogRecords(Logger.getLogger("io.sipmap"));
             Kamailio kamailio = Kamailio.start(addressFile)) {
            one = SipmapUnderTest.overPostgres(port, ACCOUNT, TOKEN, connect);
            two = SipmapUnderTest.overPostgres(0, ACCOUNT, TOKEN, connect);
            Calls calls = new Calls(ACCOUNT, TOKEN);
            var viaOne = new OverlappingRecords(calls, one.baseUrl()).create();
            bridge = KamailioBridge.start(null, new KamailioBridge.Options(URI.create(one.baseUrl()),
                    ACCOUNT, null, TOKEN, addressFile, 1, KamailioBridge.Options.kamcmd(
                            DebianPackages.require("kamcmd", "kamailio").toString(), kamailio.ctl()),
                    Duration.ofSeconds(5), Duration.ofSeconds(2), 4096));
            bridge.firstSync().await(30, TimeUnit.SECONDS);
            List<String> probes = OverlappingRecords.PROBES;
            Map<String, Optional<String>> before = awaitAgreement(kamailio, viaOne, probes);
            long eventBefore = bridge.status().await(5, TimeUnit.SECONDS).writtenEventId();

            one.close();
            one = null;
            var viaTwo = new OverlappingRecords(calls, two.baseUrl());
            viaTwo.records.putAll(viaOne.records);
            viaTwo.mappings.putAll(viaOne.mappings);
            viaTwo.unmap("office");
            viaTwo.remap("pbx", OverlappingRecords.sipDomain('5'));
            viaTwo.mapped("new-host", "127.10.1.9", 32, '6');
            one = SipmapUnderTest.overPostgres(port, ACCOUNT, TOKEN, connect);
            long start = System.nanoTime();
            Map<String, Optional<String>> after = awaitAgreement(kamailio, viaTwo,
                    new ArrayList<>(List.of("127.10.1.9", "127.10.1.7", "127.10.1.8", "127.10.0.1")));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(after.get("127.10.1.9")).contains(OverlappingRecords.sipDomain('6'));
            assertThat(after.get("127.10.1.7")).contains(OverlappingRecords.sipDomain('5'));
            assertThat(after.get("127.10.1.8")).isEqualTo(before.get("127.10.0.1")); // office gone: the /16
            assertThat(awaitAgreement(kamailio, viaTwo, probes)).isNotEqualTo(before);
            // the bridge's follower resumed with the id it held, and was never told to start again
            SimpleFormatter formatter = new SimpleFormatter();
            List<String> messages = log.records.stream().map(formatter::formatMessage).toList();
            assertThat(messages).anyMatch(m -> m.contains("resuming after event " + eventBefore + "-"));
            assertThat(messages).noneMatch(m -> m.contains("cannot resume"));
            assertThat(bridge.status().await(5, TimeUnit.SECONDS).writtenEventId()).isGreaterThan(eventBefore);
            System.err.println("KamailioBridgeResumeTest: the bridge resumed from event " + eventBefore
                    + " and Kamailio answered the changes made while its server was down (4 events) " + millis
                    + " ms after that server was back");
        } finally {
            if (bridge != null) {
                bridge.close();
            }
            for (SipmapUnderTest server : new SipmapUnderTest[] {one, two}) {
                if (server != null) {
                    server.close();
                }
            }
            database.close();
        }
    }

    private static Map<String, Optional<String>> awaitAgreement(Kamailio kamailio, OverlappingRecords records,
                                                                List<String> probes) throws Exception {
        long deadline = System.nanoTime() + FOLLOW.toNanos();
        while (true) {
            Map<String, Optional<String>> expected = new LinkedHashMap<>(records.resolve(probes));
            Map<String, Optional<String>> answered = KamailioPermissionsTest.answers(kamailio, probes);
            if (answered.equals(expected)) {
                return answered;
            }
            if (System.nanoTime() > deadline) {
                assertThat(answered).as("Kamailio's answers after %s; Kamailio's log:%n%s", FOLLOW, kamailio.log())
                        .isEqualTo(expected);
            }
            Thread.sleep(100);
        }
    }
}
