package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv6Address;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Twilio's official Node.js SDK ({@code twilio} on npm, pinned in {@code src/test/node/package-lock.json}), unchanged
 * but for where its HTTP client connects, against the real server: it creates, lists and fetches IPv6 and IPv4 records
 * and maps one, as code written for Twilio does; the SDK sends strings, so IPv6 needs nothing of it.
 *
 * <p>{@code npm ci} installs the SDK into {@code target/node-sdk} once per build (again only when the lock file
 * changed). Skipped, saying so, where {@code node} is not on the PATH; CI has it.
 */
class TwilioNodeSdkCompatibilityTest {

    private static final Path SOURCE = Path.of("src", "test", "node");
    private static final Path INSTALL = Path.of("target", "node-sdk");
    private static final String SCRIPT = "ip-records.js";

    private LocalServer server;

    @BeforeAll
    static void installTheSdk() throws Exception {
        assumeTrue(runs("node", "--version"), "node is not on the PATH: Twilio's Node.js SDK test is skipped"
                + " (install Node.js 20 or later and npm to run it)");
        Files.createDirectories(INSTALL);
        Path lock = INSTALL.resolve("package-lock.json");
        boolean installed = Files.isRegularFile(INSTALL.resolve("node_modules/twilio/package.json"))
                && Files.isRegularFile(lock)
                && Files.mismatch(lock, SOURCE.resolve("package-lock.json")) == -1;
        for (String file : List.of("package.json", "package-lock.json", SCRIPT)) {
            Files.copy(SOURCE.resolve(file), INSTALL.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!installed) {
            Result npm = run(TimeUnit.MINUTES.toSeconds(5), "npm", "ci", "--no-audit", "--no-fund");
            if (npm.exit() != 0) {
                throw new AssertionError("npm ci in " + INSTALL + " failed (" + npm.exit() + "): " + npm.stderr());
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = new LocalServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void createsListsFetchesAndMapsIpv6AndIpv4Records() throws Exception {
        Result result = run(60, "node", SCRIPT, server.base, LocalServer.ACCOUNT.value(), LocalServer.TOKEN);
        assertThat(result.exit()).as("node %s: %s", SCRIPT, result.stderr()).isZero();
        JsonObject out = new JsonObject(result.stdout().strip());

        JsonArray created = out.getJsonArray("created");
        assertRecord(created.getJsonObject(0), "2001:db8::a", 64, "v6 trunk");
        assertRecord(created.getJsonObject(1), "192.0.2.10", 24, "v4 office");
        assertRecord(created.getJsonObject(2), "2001:db8::1:0:0:7", 128, null);
        assertThat(out.getJsonArray("fetched")).isEqualTo(created);
        assertThat(out.getJsonArray("listed")).as("two pages of two, in SID order").isEqualTo(created);
        assertThat(out.getJsonArray("requests").getList())
                .containsSubsequence("GET /v1/IpRecords", "GET /v1/IpRecords");
        String v6 = created.getJsonObject(0).getString("sid");
        assertThat(out.getJsonObject("mapping").getString("ipRecordSid")).isEqualTo(v6);
        assertThat(out.getJsonObject("mapping").getString("sid")).matches("IB[0-9a-f]{32}");
        for (Object error : out.getJsonArray("errors")) {
            JsonObject e = (JsonObject) error;
            assertThat(e.getInteger("status")).as("%s", e).isEqualTo(400);
            assertThat(e.getInteger("code")).as("%s", e).isEqualTo(20001);
        }
        assertThat(out.getJsonArray("errors")).hasSize(2);
        // what the server holds: an IPv6 address, not a string that happened to pass
        assertThat(server.ipRecords.fetch(LocalServer.ACCOUNT, IpRecordSid.parse(v6, "sid")).toCompletableFuture()
                .get(5, TimeUnit.SECONDS).ipAddress()).isEqualTo(Ipv6Address.parse("2001:db8::a", "IpAddress"));
    }

    private static void assertRecord(JsonObject record, String address, int length, String friendlyName) {
        assertThat(record.getString("sid")).matches("IL[0-9a-f]{32}");
        assertThat(record.getString("accountSid")).isEqualTo(LocalServer.ACCOUNT.value());
        assertThat(record.getString("ipAddress")).isEqualTo(address);
        assertThat(record.getInteger("cidrPrefixLength")).isEqualTo(length);
        assertThat(record.getString("friendlyName")).isEqualTo(friendlyName);
        assertThat(record.getString("dateCreated")).as("the SDK read the date").isNotNull();
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static boolean runs(String... command) {
        try {
            return run(30, command).exit() == 0;
        } catch (IOException e) {
            return false; // not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code command} in {@link #INSTALL}, waiting at most {@code seconds}. */
    private static Result run(long seconds, String... command) throws IOException, InterruptedException {
        Files.createDirectories(INSTALL);
        Path stdout = Files.createTempFile("node-sdk", ".out");
        Path stderr = Files.createTempFile("node-sdk", ".err");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(INSTALL.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end within " + seconds + " s");
            }
            return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
