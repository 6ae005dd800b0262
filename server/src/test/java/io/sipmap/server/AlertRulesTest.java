package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.Calls;
import io.sipmap.testsupport.DebianPackages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus alerting rules shipped in {@code ops/prometheus}: valid for {@code promtool}, passing their unit
 * tests, and naming only series that a running server serves, so that no rule waits forever on a misspelt name.
 */
class AlertRulesTest {

    private static final Path RULES = Path.of("..", "ops", "prometheus", "sipmap-alerts.yml");
    private static final Path RULE_TESTS = Path.of("..", "ops", "prometheus", "sipmap-alerts_test.yml");
    private static final AccountSid ACCOUNT = new AccountSid("AC" + "a1".repeat(16));
    private static final String TOKEN = "alert-rules-test-token";

    @Test
    void areValidAndPassTheirUnitTests() throws Exception {
        Path promtool = DebianPackages.require("promtool", "prometheus");

        String checked = run(promtool.toString(), "check", "rules", RULES.toString());
        String tested = run(promtool.toString(), "test", "rules", RULE_TESTS.toString());

        assertThat(checked).contains("SUCCESS: 4 rules found");
        assertThat(tested).contains("SUCCESS");
        System.out.println("AlertRulesTest: promtool check rules\n" + checked + "promtool test rules\n" + tested);
    }

    @Test
    void nameOnlySeriesARunningServerServes(@TempDir Path dir) throws Exception {
        Set<String> referenced = referencedSeries(Files.readString(RULES));
        assertThat(referenced).contains("http_server_requests_seconds_count", "sipmap_change_feed_resets_total",
                "sipmap_resolution_replica_lag_seconds", "sipmap_store_operations_seconds_count");

        // over PostgreSQL, which has the resolution replica and its lag
        try (SipmapServer server = SipmapServer.run(Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN)
                .with(Settings.Store.embedded(dir.resolve("data"))))) {
            Calls calls = new Calls(ACCOUNT, TOKEN);
            assertThat(calls.call("GET", server.baseUrl() + "/v1/IpRecords", null).statusCode()).isEqualTo(200);
            String metrics = "http://127.0.0.1:" + server.managementPort() + "/metrics";
            // a request is counted once its response has ended, which may be just after the client has it
            String scrape = calls.anonymous(metrics).body();
            for (int i = 0; i < 50 && !scrape.contains("http_server_requests_seconds_count{"); i++) {
                Thread.sleep(100);
                scrape = calls.anonymous(metrics).body();
            }

            for (String series : referenced) {
                assertThat(Pattern.compile("^" + Pattern.quote(series) + "[{ ]", Pattern.MULTILINE).matcher(scrape)
                        .find()).as(series + " in /metrics").isTrue();
            }
            assertThat(scrape).as("the labels the HTTP rule selects on").containsPattern(
                    "http_server_requests_seconds_count\\{exception=\"None\",method=\"GET\",outcome=\"SUCCESS\"");
        }
    }

    /** The metric names in the rules' {@code expr}: words with an underscore, not followed by a parenthesis. */
    static Set<String> referencedSeries(String rules) {
        List<String> expressions = new ArrayList<>();
        boolean inExpr = false;
        for (String line : rules.lines().toList()) {
            String trimmed = line.strip();
            if (trimmed.startsWith("expr:")) {
                inExpr = true;
            } else if (trimmed.startsWith("for:") || trimmed.startsWith("labels:") || trimmed.startsWith("- alert:")) {
                inExpr = false;
            }
            if (inExpr && !trimmed.startsWith("#")) {
                expressions.add(trimmed);
            }
        }
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b([a-z]+(?:_[a-z0-9]+)+)\\b(?!\\s*\\()").matcher(String.join("\n", expressions));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + said).isZero();
        return said;
    }
}
