package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.Calls;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower never misses changes silently when the server's history starts again: a server restarted over an empty
 * memory store, or over a PostgreSQL restored from an older backup, numbers its changes again from a lower point, and
 * a follower resuming with an id of the lost history (<seq>-<tag>) is sent reset, not the other changes that now
 * carry those numbers. A bare number, as before, is compared as a number only.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ChangeFeedHistoryTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "5e".repeat(16));
    private static final String TOKEN = "history-test-token";

    @TempDir
    Path dir;

    private final Calls calls = new Calls(ACCOUNT, TOKEN);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aServerRestartedOverAnEmptyMemoryStoreResetsAFollowerOfTheOldHistory() throws Exception {
        Settings memory = Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN);
        String old;
        try (SipmapServer before = SipmapServer.run(memory)) {
            writeRecords(before, 3);
            old = headId(before);
        }
        assertThat(old).matches("3-[0-9a-f]{8}");

        try (SipmapServer after = SipmapServer.run(memory)) {
            writeRecords(after, 4);
            String head = headId(after);
            assertThat(head).matches("4-[0-9a-f]{8}");

            assertThat(resume(after, old, 1)).isEqualTo(List.of("event: reset\ndata: {\"last_event_id\":\"" + head
                    + "\"}"));
            assertThat(calls.anonymous("http://127.0.0.1:" + after.managementPort() + "/metrics").body())
                    .as("counted, for the alert on followers reloading")
                    .contains("\nsipmap_change_feed_resets_total 1.0\n");
            assertThat(resume(after, "3", 1)).as("a bare number: compared as a number only, as before")
                    .singleElement().asString().startsWith("id: " + head + "\nevent: ip_record.created\n");
        }
    }

    @Test
    void aServerOverAPostgresRestoredFromAnOlderBackupResetsAFollowerOfTheLostHistory() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("backup");
        String common;
        String lost;
        try (Running first = new Running(data)) {
            writeRecords(first.server, 3);
            common = headId(first.server);
        }
        copy(data.resolve("postgres"), backup); // a file-level backup of the stopped cluster
        try (Running second = new Running(data)) {
            writeRecords(second.server, 3);
            lost = headId(second.server); // what a follower had seen when the database was lost
        }
        deleteTree(data.resolve("postgres"));
        copy(backup, data.resolve("postgres"));

        try (Running restored = new Running(data)) {
            assertThat(headId(restored.server)).isEqualTo(common);
            writeRecords(restored.server, 4); // past the lost history's number, with other changes
            String head = headId(restored.server);
            assertThat(head).startsWith("7-").isNotEqualTo(lost);
            assertThat(lost).startsWith("6-");

            assertThat(resume(restored.server, lost, 1)).isEqualTo(List.of("event: reset\ndata: {\"last_event_id\":\""
                    + head + "\"}"));
            // a follower that had stopped before the lost changes is on this history still: it just goes on
            List<String> goesOn = resume(restored.server, common, 4);
            assertThat(goesOn).hasSize(4);
            assertThat(goesOn.get(0)).startsWith("id: 4-");
            assertThat(goesOn.get(3)).startsWith("id: " + head + "\n");
        }
    }

    /** A PostgreSQL over {@code data} and a server over it, stopped in that order's reverse. */
    private static final class Running implements AutoCloseable {
        final Embedded database;
        final SipmapServer server;

        Running(Path data) throws Exception {
            database = Embedded.start(data);
            server = SipmapServer.run(Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN)
                    .with(Settings.Store.postgres(database.connect())));
        }

        @Override
        public void close() throws Exception {
            server.close();
            database.stop();
        }
    }

    private void writeRecords(SipmapServer server, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            HttpResponse<String> created = calls.call("POST", server.baseUrl() + "/v1/IpRecords",
                    "IpAddress=198.51.100." + (10 + i));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        }
    }

    /** The head change's id, as the address export names it. */
    private String headId(SipmapServer server) throws Exception {
        HttpResponse<String> export = calls.call("GET", server.baseUrl() + "/sipmap/v1/Exports/Addresses", null);
        assertThat(export.statusCode()).isEqualTo(200);
        return new JsonObject(export.body()).getString("last_event_id");
    }

    /**
     * A raw {@code GET /sipmap/v1/Changes} with {@code Last-Event-ID: lastEventId}: its first {@code count} events
     * (without the retry advice), each as its lines, or fewer when the stream ends.
     */
    private List<String> resume(SipmapServer server, String lastEventId, int count) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/sipmap/v1/Changes"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (ACCOUNT.value() + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)))
                .header("Last-Event-ID", lastEventId).build();
        HttpResponse<Stream<String>> response = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            StringBuilder event = new StringBuilder();
            Iterator<String> it = lines.iterator();
            while (events.size() < count && it.hasNext()) {
                String line = it.next();
                if (!line.isEmpty()) {
                    event.append(event.length() == 0 ? "" : "\n").append(line);
                } else if (event.length() > 0) {
                    if (!event.toString().startsWith("retry:")) {
                        events.add(event.toString());
                    }
                    event.setLength(0);
                }
            }
        }
        return events;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> tree = Files.walk(from)) {
            for (Path path : (Iterable<Path>) tree::iterator) {
                // with the permissions: PostgreSQL refuses a data directory others may read
                Files.copy(path, to.resolve(from.relativize(path).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path path : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
