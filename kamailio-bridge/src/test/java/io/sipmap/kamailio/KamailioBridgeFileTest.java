package io.sipmap.kamailio;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.Calls;
import io.sipmap.testsupport.CapturedLogRecords;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge's file against a real server, without Kamailio (the reload command is {@code true}): a file it cannot
 * write (a directory is in its place) is retried with backoff until it can, and then holds the server's export
 * exactly; a failing reload command is retried too, and the file follows the account meanwhile.
 */
@Timeout(60)
class KamailioBridgeFileTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "2b".repeat(16));
    private static final String TOKEN = "file-test-secret-2b";

    @Test
    void retriesAWriteThatFailsAndAReloadThatFails(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sipmap-addresses.list");
        Files.createDirectories(file.resolve("in-the-way")); // a rename cannot replace a directory that is not empty
        Path reloadFails = dir.resolve("reload-fails");
        Files.createFile(reloadFails);
        try (SipmapUnderTest server = SipmapUnderTest.inMemory(0, ACCOUNT, TOKEN);
             CapturedLogRecords log = new CapturedLogRecords(Logger.getLogger("io.sipmap"))) {
            Calls calls = new Calls(ACCOUNT, TOKEN);
            var records = new OverlappingRecords(calls, server.baseUrl());
            records.mapped("office", "192.0.2.0", 24, 'a');
            // a reload that fails while reloadFails exists, as kamcmd does while Kamailio is down
            List<String> reload = List.of("sh", "-c", "test ! -e " + reloadFails);
            try (KamailioBridge bridge = KamailioBridge.start(null, new KamailioBridge.Options(
                    URI.create(server.baseUrl()), ACCOUNT, null, TOKEN, file, 1, reload, Duration.ofMillis(200),
                    Duration.ofSeconds(1), 512))) {
                Thread.sleep(1_500);
                assertThat(bridge.firstSync().isComplete()).isFalse();
                assertThat(log.records).extracting(LogRecord::getMessage)
                        .anyMatch(m -> m.startsWith("kamailio-bridge: cannot write " + file));

                Files.delete(file.resolve("in-the-way"));
                Files.delete(file);
                bridge.firstSync().await(10, TimeUnit.SECONDS);
                assertThat(Files.readString(file)).isEqualTo(export(calls, server));

                records.mapped("pbx", "192.0.2.7", 32, 'b');
                awaitFile(file, export(calls, server));
                assertThat(Files.readString(file)).contains("192.0.2.7 32 0 " + OverlappingRecords.sipDomain('b'));
                KamailioBridge.Status failing = bridge.status().await(5, TimeUnit.SECONDS);
                assertThat(failing.reloads()).isZero();
                assertThat(failing.reloadPending()).isTrue();

                Files.delete(reloadFails);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (bridge.status().await(5, TimeUnit.SECONDS).reloadPending()) {
                    assertThat(System.nanoTime()).as("a reload after the command works again").isLessThan(deadline);
                    Thread.sleep(50);
                }
                assertThat(bridge.status().await(5, TimeUnit.SECONDS).reloads()).isEqualTo(1);
            }
            assertThat(log.records).extracting(LogRecord::getMessage)
                    .anyMatch(m -> m.startsWith("kamailio-bridge: Kamailio did not reload " + file));
            assertThat(log.records).extracting(new SimpleFormatter()::format).noneMatch(m -> m.contains(TOKEN));
        }
    }

    private static String export(Calls calls, SipmapUnderTest server) throws Exception {
        HttpResponse<String> export = calls.call("GET", server.baseUrl() + "/sipmap/v1/Exports/Kamailio", null);
        assertThat(export.statusCode()).isEqualTo(200);
        return export.body();
    }

    private static void awaitFile(Path file, String content) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(file).equals(content)) {
            assertThat(System.nanoTime()).as("%s holding%n%s", file, content).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
