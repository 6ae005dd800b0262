package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.server.SipmapServerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

class ServerCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<Settings> started = new ArrayList<>();
    private String input = "";

    private Integer execute(Map<String, String> env, String... args) {
        return ServerCommand.execute(args, env, new java.io.BufferedReader(new java.io.StringReader(input)), new PrintWriter(out, true), new PrintWriter(err, true), started::add);
    }

    @Test
    void helpListsEveryFlagWithItsEnvironmentVariableAndDefault() {
        assertThat(execute(Map.of(), "--help")).isZero();

        String help = out.toString();
        assertThat(started).isEmpty();
        for (OptionSpec option : ServerCommand.commandLine(Map.of()).getCommandSpec().options()) {
            String name = option.longestName();
            assertThat(help).contains(option.negatable() ? name.replace("--", "--[no-]") : name);
            if (!option.usageHelp() && !option.versionHelp()) {
                assertThat(ServerCommand.ENVIRONMENT).as("environment variable of " + name).containsKey(name);
                String described = String.join(" ", option.description());
                assertThat(help).as(name).contains("env " + ServerCommand.ENVIRONMENT.get(name));
                assertThat(described).as(name).contains("default");
            }
        }
        assertThat(help).contains("default 127.0.0.1", "default 8080", "TWILIO_ACCOUNT_SID", "TWILIO_API_SECRET");
    }

    @Test
    void runsTheKamailioBridgesOwnCommandWithItsFlagsAndEnvironment() {
        assertThat(execute(Map.of(), "kamailio-bridge", "--help")).isZero();
        assertThat(out.toString()).contains("--address-file", "env SIPMAP_KAMAILIO_ADDRESS_FILE", "--max-backoff")
                .doesNotContain("--store");

        assertThat(execute(Map.of("SIPMAP_KAMAILIO_ADDRESS_FILE", "/nonexistent-dir/a.list", "TWILIO_ACCOUNT_SID",
                "AC" + "9d".repeat(16), "TWILIO_AUTH_TOKEN", "t"), "kamailio-bridge")).isEqualTo(2);
        assertThat(err.toString()).startsWith("sipmap: --address-file: cannot write in the directory");
        assertThat(started).isEmpty();
    }

    @Test
    void theHelpsDefaultsAreTheServersDefaults() {
        Settings settings = ServerCommand.parse(new String[0], Map.of());

        SipmapServerOptions options = settings.options();
        assertThat(options.idleTimeout()).isEqualTo(SipmapServerOptions.DEFAULT_IDLE_TIMEOUT);
        assertThat(options.requestTimeout()).isEqualTo(SipmapServerOptions.DEFAULT_REQUEST_TIMEOUT);
        assertThat(options.shutdownTimeout()).isEqualTo(SipmapServerOptions.DEFAULT_SHUTDOWN_TIMEOUT);
        assertThat(options.bodyLimit()).isEqualTo(SipmapServerOptions.DEFAULT_BODY_LIMIT);
        assertThat(options.host()).isEqualTo(SipmapServerOptions.DEFAULT_HOST);
        assertThat(options.port()).isEqualTo(SipmapServerOptions.DEFAULT_PORT);
        assertThat(options.rateLimit()).isZero();
    }

    @Test
    void aBadFlagValueIsOneClearLineAndStatus2() {
        for (String[] args : new String[][] {
                {"--port", "eighty"}, {"--port", "70000"}, {"--rate-limit", "-3"}, {"--no-such-flag"},
                {"--idle-timeout", "0"}, {"--public-base-url", "ftp://example.com"}, {"--body-limit", "10"}}) {
            err.getBuffer().setLength(0);

            assertThat(execute(Map.of(), args)).as(String.join(" ", args)).isEqualTo(2);

            assertThat(err.toString().lines().toList()).as(String.join(" ", args)).hasSize(1)
                    .first().asString().startsWith("sipmap: ").contains(args[0]).endsWith("(see --help)");
        }
        assertThat(started).isEmpty();
    }

    @Test
    void aBadEnvironmentValueIsOneClearLineAndStatus2() {
        assertThat(execute(Map.of("SIPMAP_PORT", "http"))).isEqualTo(2);

        assertThat(err.toString()).startsWith("sipmap: ").contains("--port", "'http'");
        assertThat(err.toString().lines()).hasSize(1);
    }

    @Test
    void flagsWinOverTheEnvironmentWhichWinsOverDefaults() {
        assertThat(execute(Map.of("SIPMAP_REQUEST_TIMEOUT", "5", "SIPMAP_IDLE_TIMEOUT", "7"),
                "--idle-timeout", "9", "--shutdown-timeout", "1")).isNull();

        Settings settings = started.get(0);
        assertThat(settings.http().idleTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(settings.http().requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.http().shutdownTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.options().requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        // a quiet change stream gets a keep-alive at least every 1.5 periods: well within the idle timeout
        assertThat(settings.options().feed().keepAlive()).isEqualTo(Duration.ofSeconds(3));
        assertThat(Settings.keepAlive(Duration.ofSeconds(120))).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void secretsAreNeverFlagsAndNeverPrinted() {
        assertThat(execute(Map.of(), "--auth-token", "t")).isEqualTo(2);

        Settings settings = ServerCommand.parse(new String[0], Map.of("TWILIO_ACCOUNT_SID", "AC" + "1".repeat(32),
                "TWILIO_AUTH_TOKEN", "very-secret", "TWILIO_API_KEY", "SK" + "2".repeat(32),
                "TWILIO_API_SECRET", "also-secret"));
        assertThat(settings.toString()).doesNotContain("very-secret", "also-secret");
    }

    @Test
    void printsItsVersion() {
        assertThat(execute(Map.of(), "--version")).isZero();

        assertThat(out.toString()).startsWith("sipmap-server ");
    }

    @Test
    void hashSecretPrintsTheDigestACredentialsFileTakes() throws Exception {
        input = "test\n";

        assertThat(execute(Map.of(), "hash-secret")).isZero();

        assertThat(out.toString().strip())
                .isEqualTo("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        assertThat(started).isEmpty();
        input = "";
        assertThat(execute(Map.of(), "hash-secret")).isEqualTo(2);
        assertThat(err.toString()).contains("no secret");
    }

    @Test
    void corsOriginsRepeatOrComeCommaSeparatedFromTheEnvironment() {
        assertThat(execute(Map.of(), "--cors-origin", "https://console.example.com", "--cors-origin",
                "http://localhost:3000")).isNull();
        assertThat(execute(Map.of("SIPMAP_CORS_ORIGINS", "https://a.example, https://b.example"))).isNull();
        assertThat(execute(Map.of())).isNull();

        assertThat(started.get(0).options().corsOrigins())
                .containsExactly("https://console.example.com", "http://localhost:3000");
        assertThat(started.get(1).options().corsOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(started.get(2).options().corsOrigins()).isEmpty();
        assertThat(execute(Map.of(), "--cors-origin", "*")).isEqualTo(2);
        assertThat(err.toString()).contains("--cors-origin").contains("without path or wildcard");
    }

    @Test
    void tlsNeedsACertificateAndAKeyThatCanBeRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        var cert = java.nio.file.Files.writeString(dir.resolve("cert.pem"), "not read before the server starts");
        var key = java.nio.file.Files.writeString(dir.resolve("key.pem"), "not read before the server starts");

        assertThat(execute(Map.of("SIPMAP_TLS_CERT", cert.toString(), "SIPMAP_TLS_KEY", key.toString()))).isNull();
        assertThat(started.get(0).options().tls()).contains(new SipmapServerOptions.Tls(cert.toString(),
                key.toString()));
        assertThat(execute(Map.of())).isNull();
        assertThat(started.get(1).options().tls()).isEmpty();

        assertThat(execute(Map.of(), "--tls-cert", cert.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--tls-cert and --tls-key go together");
        assertThat(execute(Map.of(), "--tls-cert", cert.toString(), "--tls-key", dir.resolve("none").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--tls-key: cannot read");
    }

    @Test
    void logFormatIsTextOrJson() {
        assertThat(execute(Map.of())).isNull();
        assertThat(execute(Map.of("SIPMAP_LOG_FORMAT", "json"))).isNull();

        assertThat(started.get(0).logFormat()).isEqualTo(Settings.LogFormat.TEXT);
        assertThat(started.get(1).logFormat()).isEqualTo(Settings.LogFormat.JSON);
        assertThat(execute(Map.of(), "--log-format", "xml")).isEqualTo(2);
        assertThat(err.toString()).contains("--log-format: text or json, got xml");
    }

    @Test
    void addressFamiliesAreBothByDefaultOrIpv4OnlyFromTheFlagOrTheEnvironment() {
        assertThat(execute(Map.of())).isNull();
        assertThat(execute(Map.of("SIPMAP_ADDRESS_FAMILIES", "ipv4"))).isNull();
        assertThat(execute(Map.of("SIPMAP_ADDRESS_FAMILIES", "ipv4"), "--address-families", "ipv4,ipv6")).isNull();
        assertThat(execute(Map.of(), "--address-families", "IPv4")).isNull();

        assertThat(started).extracting(settings -> settings.http().addressFamilies()).containsExactly(
                SipmapServerOptions.AddressFamilies.IPV4_AND_IPV6, SipmapServerOptions.AddressFamilies.IPV4,
                SipmapServerOptions.AddressFamilies.IPV4_AND_IPV6, SipmapServerOptions.AddressFamilies.IPV4);
        assertThat(execute(Map.of(), "--address-families", "ipv6")).isEqualTo(2);
        assertThat(err.toString()).contains("--address-families: ipv4 or ipv4,ipv6, got ipv6");
        assertThat(execute(Map.of(), "--help")).isZero();
        assertThat(out.toString()).contains("--address-families=FAMILIES", "env SIPMAP_ADDRESS_FAMILIES",
                "default ipv4,ipv6");
    }
}
