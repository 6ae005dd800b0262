package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.Calls;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default store: a PostgreSQL the server starts itself, whose data outlives the server, even a killed one. */
class EmbeddedStoreTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "e1".repeat(16));
    private static final String TOKEN = "embedded-test-token";

    @TempDir
    Path dir;

    private final Calls calls = new Calls(ACCOUNT, TOKEN);

    private HttpResponse<String> call(String base, String method, String path, String form) throws Exception {
        return calls.call(method, base + path, form);
    }

    private Settings embedded(Path data) {
        return Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN).with(Settings.Store.embedded(data));
    }

    @Test
    void keepsRecordsAcrossRestartsBehindAPasswordOnlyItsOwnerReads() throws Exception {
        Path data = dir.resolve("data");
        String sid;
        try (SipmapServer server = SipmapServer.run(embedded(data))) {
            assertThat(server.banner()).contains("(embedded PostgreSQL, data in " + data + ")");
            HttpResponse<String> created = call(server.baseUrl(), "POST", "/v1/IpRecords",
                    "IpAddress=192.0.2.0&CidrPrefixLength=24&FriendlyName=office");
            assertThat(created.statusCode()).isEqualTo(201);
            sid = new JsonObject(created.body()).getString("sid");
        }
        assertThat(data.resolve("postgres/postmaster.pid")).as("PostgreSQL stopped with the server").doesNotExist();
        assertThat(Files.getPosixFilePermissions(data.resolve("db-password")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        try (SipmapServer server = SipmapServer.run(embedded(data))) {
            HttpResponse<String> fetched = call(server.baseUrl(), "GET", "/v1/IpRecords/" + sid, null);
            assertThat(fetched.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(fetched.body()).getString("friendly_name")).isEqualTo("office");

            int port = Integer.parseInt(Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(3).trim());
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "").close())
                    .as("no way in without the password").hasMessageContaining("password");
            String password = Files.readString(data.resolve("db-password")).strip();
            try (var connection = DriverManager.getConnection(url, "postgres", password);
                 var rows = connection.createStatement().executeQuery("SHOW synchronous_commit")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).as("acknowledged means on disk").isEqualTo("on");
            }
        }
    }

    /**
     * The server killed with SIGKILL while clients create records and map them: after a restart every create it
     * acknowledged is there, every mapping's record is, and resolution agrees with the mappings.
     */
    @Test
    void aServerKilledMidWriteLosesNothingItAcknowledgedAndLeavesNothingHalfWritten() throws Exception {
        Path data = dir.resolve("killed");
        int port = Calls.freePort();
        String base = "http://127.0.0.1:" + port;
        Process server = startProcess(data, port, "first.log");
        Map<String, String> acknowledgedRecords = new ConcurrentHashMap<>(); // sid -> address
        Map<String, String> acknowledgedMappings = new ConcurrentHashMap<>(); // mapping sid -> record sid
        AtomicBoolean killed = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            awaitListening(base, server);
            for (int c = 0; c < 4; c++) {
                int client = c;
                clients.submit(() -> {
                    for (int i = 0; !killed.get() && i < 100_000; i++) {
                        String address = "10." + client + "." + (i / 256 % 256) + "." + (i % 256);
                        try {
                            HttpResponse<String> record = call(base, "POST", "/v1/IpRecords", "IpAddress=" + address);
                            if (record.statusCode() != 201) {
                                continue;
                            }
                            String sid = new JsonObject(record.body()).getString("sid");
                            acknowledgedRecords.put(sid, address);
                            HttpResponse<String> mapping = call(base, "POST", "/v1/SourceIpMappings",
                                    "IpRecordSid=" + sid + "&SipDomainSid=SD" + "0".repeat(31) + client);
                            if (mapping.statusCode() == 201) {
                                acknowledgedMappings.put(new JsonObject(mapping.body()).getString("sid"), sid);
                            }
                        } catch (Exception e) {
                            return null; // the server is gone: what it acknowledged is what counts
                        }
                    }
                    return null;
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (acknowledgedMappings.size() < 200 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            server.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to PostgreSQL
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            killed.set(true);
        } finally {
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            server.destroyForcibly();
        }
        assertThat(acknowledgedMappings).as("writes acknowledged before the kill").hasSizeGreaterThanOrEqualTo(200);

        Process restarted = startProcess(data, port, "second.log");
        try {
            awaitListening(base, restarted);
            Map<String, JsonObject> records = listAll(base, "/v1/IpRecords", "ip_records");
            Map<String, JsonObject> mappings = listAll(base, "/v1/SourceIpMappings", "source_ip_mappings");

            assertThat(records.keySet()).containsAll(acknowledgedRecords.keySet());
            acknowledgedRecords.forEach((sid, address) ->
                    assertThat(records.get(sid).getString("ip_address")).isEqualTo(address));
            assertThat(mappings.keySet()).containsAll(acknowledgedMappings.keySet());
            Set<String> mappedRecords = new HashSet<>();
            for (JsonObject mapping : mappings.values()) {
                String recordSid = mapping.getString("ip_record_sid");
                assertThat(records).as("the record of " + mapping.getString("sid")).containsKey(recordSid);
                assertThat(mappedRecords.add(recordSid)).as("one mapping per record").isTrue();
                JsonObject resolved = new JsonObject(call(base, "GET", "/sipmap/v1/Resolve?IpAddress="
                        + records.get(recordSid).getString("ip_address"), null).body());
                assertThat(resolved.getJsonObject("resolution").getString("source_ip_mapping_sid"))
                        .isEqualTo(mapping.getString("sid"));
            }
            System.out.println("EmbeddedStoreTest: killed after " + acknowledgedRecords.size() + " acknowledged"
                    + " IP records and " + acknowledgedMappings.size() + " mappings; after the restart "
                    + records.size() + " and " + mappings.size() + " are there");
        } finally {
            restarted.destroy();
            assertThat(restarted.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(data.resolve("postgres/postmaster.pid")).as("stopped on SIGTERM, with its PostgreSQL")
                .doesNotExist();
    }

    /** The server as its own JVM, from this test's class path, over the embedded store in {@code data}. */
    private Process startProcess(Path data, int port, String log) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--port", String.valueOf(port), "--management-port", "-1",
                "--data-dir", data.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile());
        Map<String, String> env = builder.environment();
        env.put("TWILIO_ACCOUNT_SID", ACCOUNT.value());
        env.put("TWILIO_AUTH_TOKEN", TOKEN);
        return builder.start();
    }

    private void awaitListening(String base, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as("the server process is running").isTrue();
            try {
                if (call(base, "GET", "/v1/IpRecords?PageSize=1", null).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not listen within 120 s");
    }

    private Map<String, JsonObject> listAll(String base, String path, String key) throws Exception {
        Map<String, JsonObject> all = new HashMap<>();
        String next = base + path + "?PageSize=1000";
        while (next != null) {
            HttpResponse<String> page = call("", "GET", next, null);
            assertThat(page.statusCode()).isEqualTo(200);
            JsonObject body = new JsonObject(page.body());
            JsonArray items = body.getJsonArray(key);
            for (int i = 0; i < items.size(); i++) {
                all.put(items.getJsonObject(i).getString("sid"), items.getJsonObject(i));
            }
            next = body.getJsonObject("meta").getString("next_page_url");
        }
        return all;
    }
}
