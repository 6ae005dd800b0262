package io.sipmap.kamailio;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.testsupport.Calls;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kamailio-bridge}'s command line: its help, its settings, and refusals in one line. */
@Timeout(60)
class KamailioBridgeCommandTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "9d".repeat(16));
    private static final ApiKeySid KEY = ApiKeySid.parse("SK" + "9e".repeat(16), "key");
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private Integer execute(Map<String, String> env, String... args) {
        return KamailioBridgeCommand.execute(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void helpNamesEveryFlagWithItsEnvironmentVariable() {
        assertThat(execute(Map.of(), "--help")).isZero();

        assertThat(out.toString()).contains("--url", "env SIPMAP_URL", "default http://127.0.0.1:8080",
                "--address-file", "env SIPMAP_KAMAILIO_ADDRESS_FILE", "--group", "--ctl",
                "/run/kamailio/kamailio_ctl", "--kamcmd", "--reload-interval", "default 5",
                "--max-subnets", "default 512", "--max-backoff", "TWILIO_ACCOUNT_SID", "TWILIO_API_SECRET");
    }

    @Test
    void refusesToRunWithoutCredentialsOrFileOrWithCredentialsInTheUrl(@TempDir Path dir) {
        String file = dir.resolve("a.list").toString();

        assertThat(execute(Map.of(), "--address-file", file)).isEqualTo(2);
        assertThat(err.toString()).contains("needs the account's credentials");
        // an API key names no account: the client acts for one, so the account SID goes with it
        assertThat(execute(Map.of("TWILIO_API_KEY", KEY.value(), "TWILIO_API_SECRET", "s"), "--address-file", file))
                .isEqualTo(2);
        assertThat(err.toString()).contains("TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or with TWILIO_API_KEY");
        assertThat(execute(Map.of("TWILIO_ACCOUNT_SID", ACCOUNT.value(), "TWILIO_AUTH_TOKEN", "t"))).isEqualTo(2);
        assertThat(err.toString()).contains("needs --address-file");
        assertThat(execute(Map.of("TWILIO_ACCOUNT_SID", ACCOUNT.value(), "TWILIO_AUTH_TOKEN", "t"),
                "--address-file", file, "--url", "http://me:pw@127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).contains("must not carry credentials");
        assertThat(execute(Map.of("TWILIO_ACCOUNT_SID", ACCOUNT.value(), "TWILIO_AUTH_TOKEN", "t"),
                "--address-file", "/nonexistent-dir/a.list")).isEqualTo(2);
        assertThat(err.toString()).contains("cannot write in the directory /nonexistent-dir");
        assertThat(err.toString().lines()).allMatch(line -> line.startsWith("sipmap: "));
    }

    @Test
    void stopsWithStatus1WhenTheServerRefusesTheCredentialsAndNeverPrintsThem(@TempDir Path dir) throws Exception {
        try (SipmapUnderTest server = SipmapUnderTest.inMemory(0, ACCOUNT, "right-token")) {
            Path file = dir.resolve("a.list");
            Integer status = execute(Map.of("SIPMAP_URL", server.baseUrl(), "SIPMAP_KAMAILIO_ADDRESS_FILE",
                    file.toString(), "TWILIO_ACCOUNT_SID", ACCOUNT.value(), "TWILIO_AUTH_TOKEN", "wrong-token-4f2"));

            assertThat(status).isEqualTo(1);
            assertThat(err.toString()).contains("answered HTTP 401");
            assertThat(out + err.toString()).doesNotContain("wrong-token-4f2");
            assertThat(out.toString()).contains("keeping " + file + " (group 1) current with " + server.baseUrl()
                    + " as " + ACCOUNT.value());
            assertThat(Files.exists(file)).isFalse();
        }
    }

    @Test
    void followsTheAccountWithAnApiKeyAndTheAccountSid(@TempDir Path dir) throws Exception {
        try (SipmapUnderTest server = SipmapUnderTest.inMemory(0,
                Credentials.none().withApiKey(KEY, "key-secret-7c1", ACCOUNT))) {
            Path file = dir.resolve("a.list");
            new OverlappingRecords(new Calls(KEY.value(), "key-secret-7c1"), server.baseUrl())
                    .mapped("office", "192.0.2.0", 24, 'a');
            KamailioBridgeCommand command = new KamailioBridgeCommand();
            new CommandLine(command).parseArgs("--url", server.baseUrl(), "--address-file", file.toString(),
                    "--kamcmd", "true");
            KamailioBridge.Options options = command.options(Map.of("TWILIO_ACCOUNT_SID", ACCOUNT.value(),
                    "TWILIO_API_KEY", KEY.value(), "TWILIO_API_SECRET", "key-secret-7c1"));
            assertThat(options.toString()).contains(KEY.value()).doesNotContain("key-secret-7c1");

            try (KamailioBridge bridge = KamailioBridge.start(null, options)) {
                bridge.firstSync().await(10, TimeUnit.SECONDS);
                assertThat(Files.readString(file)).isEqualTo("1 192.0.2.0 24 0 " + OverlappingRecords.sipDomain('a')
                        + "\n");
            }
        }
    }
}
