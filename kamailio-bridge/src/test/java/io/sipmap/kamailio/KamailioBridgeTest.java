package io.sipmap.kamailio;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.Calls;
import io.sipmap.testsupport.CapturedLogRecords;
import io.sipmap.testsupport.DebianPackages;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain on real components: a sipmap server (in-memory store) on a loopback port, the bridge following its
 * change feed and writing the address file, and a real Kamailio (installed when missing) loading that file and
 * answering SIP OPTIONS from loopback source addresses. Kamailio's answer (the matched SIP domain, or 403) must equal
 * {@code GET /sipmap/v1/Resolve} for every probed address: at the start, after a single change, after a burst of
 * changes (coalesced: at most two reloads), across a Kamailio restart during which a change is made, and across a
 * restart of the sipmap server (whose in-memory account starts empty: the bridge is told to reset, and starts again
 * from the export). Kamailio keeps its default reload_delta (5 s) and the bridge its default interval. Waits are
 * bounded; the times Kamailio took to follow are printed. No log record of the bridge holds the secret.
 */
@Timeout(300)
class KamailioBridgeTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "8c".repeat(16));
    private static final String TOKEN = "bridge-secret-8c1f5e";
    private static final Duration FOLLOW = Duration.ofSeconds(40);

    @Test
    void kamailioFollowsTheAccountThroughTheBridge(@TempDir Path dir) throws Exception {
        int port = Calls.freePort();
        Path addressFile = dir.resolve("sipmap-addresses.list");
        Files.writeString(addressFile, ""); // Kamailio refuses to start without its address file
        SipmapUnderTest[] server = {SipmapUnderTest.inMemory(port, ACCOUNT, TOKEN)};
        String base = server[0].baseUrl();
        KamailioBridge bridge = null;
        List<String> figures = new ArrayList<>();
        try (CapturedLogRecords log = new CapturedLogRecords(Logger.getLogger("io.sipmap"));
             Kamailio kamailio = Kamailio.start(addressFile)) {
            Calls calls = new Calls(ACCOUNT, TOKEN);
            var records = new OverlappingRecords(calls, base).create();
            bridge = KamailioBridge.start(null, new KamailioBridge.Options(URI.create(base), ACCOUNT, null, TOKEN,
                    addressFile, 1, KamailioBridge.Options.kamcmd(
                            DebianPackages.require("kamcmd", "kamailio").toString(), kamailio.ctl()),
                    Duration.ofSeconds(5), Duration.ofSeconds(2), 4096));
            bridge.firstSync().await(30, TimeUnit.SECONDS);
            List<String> probes = new ArrayList<>(OverlappingRecords.PROBES);
            probes.add("127.10.1.9");

            long start = System.nanoTime();
            Map<String, Optional<String>> first = awaitAgreement(kamailio, records, probes, addressFile);
            figures.add("first export loaded " + millis(start) + " ms after the bridge wrote it");
            assertThat(first.get("127.10.3.3")).as("the older of two records of one address")
                    .contains(OverlappingRecords.sipDomain('e'));
            assertThat(first.get("127.10.1.7")).contains(OverlappingRecords.sipDomain('c'));

            // One change after a quiet spell: fetched at once, reloaded at once.
            Thread.sleep(5_500);
            records.remap("wide", OverlappingRecords.sipDomain('1'));
            start = System.nanoTime();
            awaitAnswer(kamailio, "127.10.0.1", OverlappingRecords.sipDomain('1'));
            figures.add("one change answered by Kamailio " + millis(start) + " ms after the API acknowledged it");
            Map<String, Optional<String>> single = awaitAgreement(kamailio, records, probes, addressFile);
            assertThat(single.get("127.10.0.1")).contains(OverlappingRecords.sipDomain('1'));

            // A burst right after that reload: at most one reload at once and one at the end of the interval.
            long reloadsBefore = bridge.status().await(5, TimeUnit.SECONDS).reloads();
            records.unmap("office");
            records.remap("pbx", OverlappingRecords.sipDomain('2'));
            records.mapped("new-host", "127.10.1.9", 32, '3');
            records.map("unmapped", records.records.get("unmapped"), OverlappingRecords.sipDomain('4'));
            records.unmap("host-old");
            start = System.nanoTime();
            Map<String, Optional<String>> burst = awaitAgreement(kamailio, records, probes, addressFile);
            long burstMillis = millis(start);
            Thread.sleep(1_000); // a late extra reload would show here
            long burstReloads = bridge.status().await(5, TimeUnit.SECONDS).reloads() - reloadsBefore;
            figures.add("a burst of 5 changes followed in " + burstMillis + " ms with " + burstReloads + " reload(s)");
            assertThat(burstReloads).isBetween(1L, 2L);
            assertThat(burst.get("127.10.1.8")).as("office unmapped: the /16").contains(
                    OverlappingRecords.sipDomain('1'));
            assertThat(burst.get("127.10.1.7")).contains(OverlappingRecords.sipDomain('2'));
            assertThat(burst.get("127.10.1.9")).contains(OverlappingRecords.sipDomain('3'));
            assertThat(burst.get("127.10.4.5")).contains(OverlappingRecords.sipDomain('4'));
            assertThat(burst.get("127.10.3.3")).as("the newer record of the address, now the only mapped one")
                    .contains(OverlappingRecords.sipDomain('f'));

            // Kamailio down while a change is made: the bridge writes the file, its reloads fail; Kamailio starting
            // again reads the current file.
            kamailio.stop();
            records.remap("apart", OverlappingRecords.sipDomain('5'));
            awaitFileContains(addressFile, OverlappingRecords.sipDomain('5'));
            start = System.nanoTime();
            kamailio.startAgain();
            Map<String, Optional<String>> afterKamailio = awaitAgreement(kamailio, records, probes, addressFile);
            figures.add("Kamailio restarted and answering the current state in " + millis(start) + " ms");
            assertThat(afterKamailio.get("127.13.0.1")).contains(OverlappingRecords.sipDomain('5'));

            // The sipmap server restarts: its in-memory account is empty, its sequence starts again. The bridge
            // reconnects, is told to reset, and loads the (empty) export; then follows the new server.
            server[0].close();
            server[0] = SipmapUnderTest.inMemory(port, ACCOUNT, TOKEN);
            start = System.nanoTime();
            var empty = new OverlappingRecords(calls, base);
            Map<String, Optional<String>> afterServer = awaitAgreement(kamailio, empty, probes, addressFile);
            figures.add("sipmap server restarted (empty) and followed in " + millis(start) + " ms");
            assertThat(afterServer.values()).containsOnly(Optional.empty());
            var again = new OverlappingRecords(calls, base).create();
            start = System.nanoTime();
            Map<String, Optional<String>> recreated = awaitAgreement(kamailio, again, probes, addressFile);
            figures.add("records created on the restarted server followed in " + millis(start) + " ms");
            assertThat(recreated).isEqualTo(first);

            KamailioBridge.Status status = bridge.status().await(5, TimeUnit.SECONDS);
            assertThat(status.following()).isTrue();
            assertThat(status.reloadPending()).isFalse();
            String authorization = Base64.getEncoder().encodeToString((ACCOUNT.value() + ":" + TOKEN).getBytes());
            SimpleFormatter formatter = new SimpleFormatter();
            assertThat(log.records).extracting(LogRecord::getMessage)
                    .anyMatch(m -> m.contains("Kamailio reloaded " + addressFile));
            for (LogRecord record : log.records) {
                assertThat(formatter.format(record)).doesNotContain(TOKEN).doesNotContain(authorization);
            }
            System.err.println("KamailioBridgeTest (" + kamailio.version() + "): " + String.join("; ",
                    figures));
        } finally {
            if (bridge != null) {
                bridge.close();
            }
            server[0].close();
        }
    }

    /**
     * Waits (bounded) until Kamailio answers every probe as Resolve does, and returns those answers; fails with
     * both, the file and Kamailio's log when it does not.
     */
    static Map<String, Optional<String>> awaitAgreement(Kamailio kamailio, OverlappingRecords records,
                                                                List<String> probes, Path file) throws Exception {
        long deadline = System.nanoTime() + FOLLOW.toNanos();
        while (true) {
            Map<String, Optional<String>> expected = records.resolve(probes);
            Map<String, Optional<String>> answered = KamailioPermissionsTest.answers(kamailio, probes);
            if (answered.equals(expected)) {
                return answered;
            }
            if (System.nanoTime() > deadline) {
                assertThat(answered).as("Kamailio's answers after %s; the file:%n%s%nKamailio's log:%n%s", FOLLOW,
                        Files.readString(file), kamailio.log()).isEqualTo(expected);
            }
            Thread.sleep(100);
        }
    }

    /** Waits (bounded) until Kamailio answers {@code source} with {@code tag}, probing it alone, every 5 ms. */
    static void awaitAnswer(Kamailio kamailio, String source, String tag) throws Exception {
        long deadline = System.nanoTime() + FOLLOW.toNanos();
        while (!kamailio.options(source).tag().equals(Optional.of(tag))) {
            assertThat(System.nanoTime()).as("Kamailio answering %s for %s", tag, source).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static void awaitFileContains(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + FOLLOW.toNanos();
        while (!Files.readString(file).contains(text)) {
            assertThat(System.nanoTime()).as("the bridge writing %s into %s", text, file).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static long millis(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }
}
