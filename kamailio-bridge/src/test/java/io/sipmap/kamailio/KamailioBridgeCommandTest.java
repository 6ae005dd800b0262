package io.sipmap.kamailio;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code kamailio-bridge}'s command line: its help, its settings, and refusals in one line. */
@Timeout(60)
class KamailioBridgeCommandTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "9d".repeat(16));
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
                "--max-subnets", "default 512", "--max-backoff", "TWILIO_API_SECRET");
    }

    @Test
    void refusesToRunWithoutCredentialsOrFileOrWithCredentialsInTheUrl(@TempDir Path dir) {
        String file = dir.resolve("a.list").toString();

        assertThat(execute(Map.of(), "--address-file", file)).isEqualTo(2);
        assertThat(err.toString()).contains("needs the account's credentials");
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
            assertThat(err.toString()).contains("answered 401");
            assertThat(out + err.toString()).doesNotContain("wrong-token-4f2");
            assertThat(out.toString()).contains("keeping " + file + " (group 1) current with " + server.baseUrl()
                    + " as " + ACCOUNT.value());
            assertThat(Files.exists(file)).isFalse();
        }
    }
}
