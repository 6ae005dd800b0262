package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.Calls;
import io.sipmap.testsupport.CapturedLogRecords;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server started without credentials, as on a fresh clone: over the embedded store the account it makes up the first
 * time is kept with the data, so that a restart still reaches the first run's records; in memory nothing is kept.
 */
class KeptCredentialsTest {

    @TempDir
    Path dir;

    /** The settings of {@code java -jar sipmap-server.jar ARGS} with no credentials in the environment. */
    private static Settings command(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(new String[] {"--port", "0", "--management-port", "-1"}, 0, all, 0, 4);
        System.arraycopy(args, 0, all, 4, args.length);
        return ServerCommand.parse(all, Map.of());
    }

    private static String value(String banner, String variable) {
        return banner.lines().filter(line -> line.strip().startsWith(variable + "=")).findFirst().orElseThrow()
                .strip().substring(variable.length() + 1);
    }

    @Test
    void aRestartWithoutCredentialsAcceptsTheFirstRunsAccountAndDoesNotPrintItsTokenAgain() throws Exception {
        Path data = dir.resolve("sipmap-data");
        Path kept = data.resolve("credentials.env").toAbsolutePath();
        String account;
        String token;
        String sid;
        try (SipmapServer first = SipmapServer.run(command("--data-dir", data.toString()))) {
            String banner = first.banner();
            account = value(banner, "TWILIO_ACCOUNT_SID");
            token = value(banner, "TWILIO_AUTH_TOKEN");
            assertThat(banner).contains("sipmap: kept in " + kept + " for later starts without credentials");
            HttpResponse<String> created = new Calls(new AccountSid(account), token)
                    .call("POST", first.baseUrl() + "/v1/IpRecords", "IpAddress=192.0.2.7&FriendlyName=first-run");
            assertThat(created.statusCode()).isEqualTo(201);
            sid = new JsonObject(created.body()).getString("sid");
        }
        assertThat(Files.getPosixFilePermissions(kept)).as("readable by its owner only")
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(data).isDirectoryNotContaining("glob:**.new");

        try (SipmapServer second = SipmapServer.run(command("--data-dir", data.toString()))) {
            String banner = second.banner();
            assertThat(banner).contains("accepting account " + account + ", made up at the first start and kept in "
                    + kept).contains("credentials --data-dir " + data.toAbsolutePath()).doesNotContain(token);
            HttpResponse<String> fetched = new Calls(new AccountSid(account), token)
                    .call("GET", second.baseUrl() + "/v1/IpRecords/" + sid, null);
            assertThat(fetched.statusCode()).as("the first run's record, with the first run's token").isEqualTo(200);
            assertThat(new JsonObject(fetched.body()).getString("friendly_name")).isEqualTo("first-run");
        }

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Integer status = ServerCommand.execute(new String[] {"credentials", "--data-dir", data.toString()}, Map.of(),
                new BufferedReader(new StringReader("")), new PrintWriter(out, true), new PrintWriter(err, true),
                settings -> {
                    throw new AssertionError("started a server");
                });
        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo("TWILIO_ACCOUNT_SID=" + account + System.lineSeparator()
                + "TWILIO_AUTH_TOKEN=" + token + System.lineSeparator());
    }

    @Test
    void refusesAKeptFileOthersMayReadOrThatDoesNotParseWithoutEchoingIt() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path kept = data.resolve("credentials.env");
        Files.writeString(kept, "TWILIO_ACCOUNT_SID=AC" + "1".repeat(32) + "\nTWILIO_AUTH_TOKEN=secret-1\n");
        Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> SipmapServer.run(command("--data-dir", data.toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(kept.toAbsolutePath() + " holds an auth token, yet its permissions are rw-r--r--")
                .hasMessageContaining("chmod 600").hasMessageNotContaining("secret-1");
        assertThat(credentialsCommand(data)).contains("rw-r--r--").doesNotContain("secret-1");

        Files.writeString(kept, "TWILIO_ACCOUNT_SID=not-an-account\nTWILIO_AUTH_TOKEN=secret-2\n");
        Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> SipmapServer.run(command("--data-dir", data.toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(kept.toAbsolutePath() + " does not parse")
                .hasMessageNotContaining("secret-2").hasMessageNotContaining("not-an-account");
        assertThat(Files.readString(kept)).as("left as it was").contains("secret-2");
        assertThat(credentialsCommand(dir.resolve("empty"))).contains("no credentials kept in");
    }

    @Test
    void givenCredentialsWinOverKeptOnesWhichAreLeftAlone() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path kept = data.resolve("credentials.env");
        String text = "TWILIO_ACCOUNT_SID=AC" + "2".repeat(32) + "\nTWILIO_AUTH_TOKEN=kept-token\n";
        Files.writeString(kept, text);
        Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("rw-------"));
        FileTime written = Files.getLastModifiedTime(kept);
        AccountSid given = new AccountSid("AC" + "3".repeat(32));
        Settings settings = ServerCommand.parse(new String[] {"--port", "0", "--management-port", "-1",
            "--data-dir", data.toString()}, Map.of("TWILIO_ACCOUNT_SID", given.value(), "TWILIO_AUTH_TOKEN", "given"));

        try (var log = new CapturedLogRecords(Logger.getLogger(SipmapServer.class.getName()));
             SipmapServer server = SipmapServer.run(settings)) {
            assertThat(server.banner()).contains("accepting account " + given.value()).doesNotContain("kept");
            assertThat(new Calls(given, "given").call("GET", server.baseUrl() + "/v1/IpRecords", null).statusCode())
                    .isEqualTo(200);
            assertThat(new Calls(new AccountSid("AC" + "2".repeat(32)), "kept-token")
                    .call("GET", server.baseUrl() + "/v1/IpRecords", null).statusCode()).isEqualTo(401);
            assertThat(log.records).anySatisfy(record -> assertThat(record.getMessage())
                    .isEqualTo("Credentials were given, so those kept in " + kept.toAbsolutePath() + " are not used"));
        }
        assertThat(Files.readString(kept)).isEqualTo(text);
        assertThat(Files.getLastModifiedTime(kept)).isEqualTo(written);
    }

    @Test
    void keepsNothingInMemoryAndMakesUpNewCredentialsEachStart() throws Exception {
        Path data = dir.resolve("unused");
        String firstToken;
        try (SipmapServer first = SipmapServer.run(command("--store", "memory", "--data-dir", data.toString()))) {
            firstToken = value(first.banner(), "TWILIO_AUTH_TOKEN");
            assertThat(first.banner()).doesNotContain("kept");
        }
        try (SipmapServer second = SipmapServer.run(command("--store", "memory", "--data-dir", data.toString()))) {
            assertThat(value(second.banner(), "TWILIO_AUTH_TOKEN")).isNotEqualTo(firstToken);
        }
        assertThat(data).doesNotExist();
    }

    private static String credentialsCommand(Path data) {
        StringWriter err = new StringWriter();
        Integer status = ServerCommand.execute(new String[] {"credentials", "--data-dir", data.toString()}, Map.of(),
                new BufferedReader(new StringReader("")), new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), settings -> {
                    throw new AssertionError("started a server");
                });
        assertThat(status).isEqualTo(1);
        return err.toString();
    }
}
