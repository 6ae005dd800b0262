package io.sipmap.kamailio;

import static io.sipmap.kamailio.OverlappingRecords.sipDomain;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.client.ChangeFollower;
import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.CapturedLogRecords;
import io.sipmap.testsupport.Calls;
import io.sipmap.testsupport.DebianPackages;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * IPv6 through the whole chain on real components: a sipmap server (in-memory store) on 127.0.0.1, the bridge following
 * it and writing the address file, and a real Kamailio answering real SIP OPTIONS from many IPv6 source addresses.
 * IPv6 has one loopback address, so Kamailio and the probes run in a network namespace of the test's own
 * ({@link NetworkNamespace}: fd00::/8 on its loopback interface, nothing else, deleted afterwards; the test is skipped
 * where the machine cannot make one); the server and the bridge stay outside, the bridge reaching Kamailio through its
 * control socket. Kamailio's answer must equal {@code GET /sipmap/v1/Resolve} for every probe, nested and duplicate
 * IPv6 networks included (and a few IPv4 ones of the same account), at the start and after a burst of changes. Last,
 * the two facts of Kamailio the file is built around, for IPv6: a /128 listed twice answers its last line, a subnet
 * listed twice its first.
 */
@Timeout(300)
class KamailioIpv6Test {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "6e".repeat(16));
    private static final String TOKEN = "ipv6-bridge-secret-6e";
    /** The namespace's own address, where Kamailio listens; in no record. */
    private static final String KAMAILIO_ADDRESS = "fd00:5::1";

    @Test
    void kamailioInItsOwnNamespaceAnswersIpv6SourcesAsResolveDoesThroughTheBridge(@TempDir Path dir) throws Exception {
        Path addressFile = dir.resolve("sipmap-addresses.list");
        Files.writeString(addressFile, ""); // Kamailio refuses to start without its address file
        try (NetworkNamespace namespace = NetworkNamespace.create(KAMAILIO_ADDRESS);
             SipmapUnderTest server = SipmapUnderTest.inMemory(0, ACCOUNT, TOKEN);
             Kamailio kamailio = Kamailio.startIn(namespace, addressFile);
             CapturedLogRecords followerLog = new CapturedLogRecords(
                     java.util.logging.Logger.getLogger(ChangeFollower.class.getName()))) {
            Calls calls = new Calls(ACCOUNT, TOKEN);
            var records = new OverlappingRecords(calls, server.baseUrl()).createIpv6();
            List<String> probes = OverlappingRecords.IPV6_PROBES;
            KamailioBridge bridge = KamailioBridge.start(null, new KamailioBridge.Options(URI.create(server.baseUrl()),
                    ACCOUNT, null, TOKEN, addressFile, 1, KamailioBridge.Options.kamcmd(
                            DebianPackages.require("kamcmd", "kamailio").toString(), kamailio.ctl()),
                    Duration.ofSeconds(5), Duration.ofSeconds(2), 4096));
            try {
                bridge.firstSync().await(30, TimeUnit.SECONDS);
                long start = System.nanoTime();
                Map<String, Optional<String>> first = KamailioBridgeTest.awaitAgreement(kamailio, records, probes,
                        addressFile);
                long firstMillis = millis(start);
                String firstFile = Files.readString(addressFile);
                // the probes tell the records apart: every mapped domain, and none, are among the answers
                assertThat(new HashSet<>(first.values())).containsExactlyInAnyOrder(Optional.empty(),
                        Optional.of(sipDomain('a')), Optional.of(sipDomain('b')), Optional.of(sipDomain('c')),
                        Optional.of(sipDomain('d')), Optional.of(sipDomain('e')), Optional.of(sipDomain('7')),
                        Optional.of(sipDomain('9')));
                assertThat(first.get("fd00:5:1:1ab::7")).as("a /128 inside a /64 inside a /56 inside a /48")
                        .contains(sipDomain('d'));
                assertThat(first.get("fd00:5:1:1ab:8000::")).as("a /65 inside the /64").contains(sipDomain('e'));
                assertThat(first.get("fd00:5:1:2::99")).as("the older of two records of one /64")
                        .contains(sipDomain('e'));
                assertThat(first.get("fd00:5:1:3::3")).as("the older of two records of one /128")
                        .contains(sipDomain('e'));
                assertThat(first.get("fd00:5:1:4::5")).as("an unmapped /64: the /48").contains(sipDomain('a'));
                // IPv4 first, then IPv6, longest prefix first; of one network, the older record only
                assertThat(firstFile.lines().map(l -> l.split(" ")[1] + "/" + l.split(" ")[2])).containsExactly(
                        "127.10.1.7/32", "127.10.0.0/16", "fd00:5:1:3::3/128", "fd00:5:1:1ab::7/128",
                        "fd00:5:1:1ab:8000::/65", "fd00:5:1:2::/64", "fd00:5:1:1ab::/64", "fd00:5:1:100::/56",
                        "fd00:5:1:8000::/49", "fd00:5:1::/48", "fd00:5:8000::/33");

                // A burst of changes, followed by the bridge.
                records.remap("wide", sipDomain('1'));
                records.unmap("lan");
                records.remap("pbx", sipDomain('2'));
                records.mapped("new-host", "fd00:5:1:1ab::9", 128, '3');
                records.map("unmapped", records.records.get("unmapped"), sipDomain('4'));
                records.unmap("host-old");
                start = System.nanoTime();
                Map<String, Optional<String>> changed = KamailioBridgeTest.awaitAgreement(kamailio, records, probes,
                        addressFile);
                long changedMillis = millis(start);
                assertThat(changed.get("fd00:5:1::1")).contains(sipDomain('1'));
                assertThat(changed.get("fd00:5:1:1ab::1")).as("the /64 unmapped: the /56").contains(sipDomain('b'));
                assertThat(changed.get("fd00:5:1:1ab::7")).contains(sipDomain('2'));
                assertThat(changed.get("fd00:5:1:1ab::9")).contains(sipDomain('3'));
                assertThat(changed.get("fd00:5:1:4::5")).contains(sipDomain('4'));
                assertThat(changed.get("fd00:5:1:3::3")).as("the newer record of the /128, now the only mapped one")
                        .contains(sipDomain('f'));
                // the bridge read every IPv6 change as it came, rather than reloading the export for want of it
                assertThat(followerLog.records).extracting(java.util.logging.LogRecord::getMessage)
                        .noneMatch(message -> message != null && message.contains("loading the snapshot again"));
                System.err.println("KamailioIpv6Test (" + kamailio.version() + ", namespace " + namespace.name()
                        + "): first export agreed " + firstMillis + " ms after the bridge's first write, a burst of 6"
                        + " changes in " + changedMillis + " ms; the first file:\n" + firstFile
                        + "Kamailio's subnets after the burst:\n" + kamailio.kamcmd("permissions.subnetDump")
                        + "\nits single addresses:\n" + kamailio.kamcmd("permissions.addressDump"));
            } finally {
                bridge.close();
            }

            // Every line, the shadowed duplicates included: the /128 answers its last line, the /64 its first.
            Files.writeString(addressFile, "1 fd00:5:1:3::3 128 0 " + sipDomain('e') + "\n"
                    + "1 fd00:5:1:3::3 128 0 " + sipDomain('f') + "\n"
                    + "1 fd00:5:1:2:: 64 0 " + sipDomain('e') + "\n"
                    + "1 fd00:5:1:2:: 64 0 " + sipDomain('f') + "\n");
            reload(kamailio);
            Map<String, Optional<String>> duplicates = KamailioPermissionsTest.answers(kamailio,
                    List.of("fd00:5:1:3::3", "fd00:5:1:2::99"));
            assertThat(duplicates.get("fd00:5:1:3::3")).contains(sipDomain('f'));
            assertThat(duplicates.get("fd00:5:1:2::99")).contains(sipDomain('e'));
        }
    }

    /** Reloads the address file, waiting out Kamailio's {@code reload_delta} after the bridge's last reload. */
    private static void reload(Kamailio kamailio) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String answer;
        while (!(answer = kamailio.kamcmd("permissions.addressReload")).equals("Reload OK")) {
            assertThat(System.nanoTime()).as("Kamailio reloading, last: %s", answer).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    private static long millis(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }
}
