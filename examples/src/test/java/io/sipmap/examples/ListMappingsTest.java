package io.sipmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ListMappings} against the server of {@link ServeExample}, across more than one page. */
class ListMappingsTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "f6".repeat(16));
    private static final String TOKEN = "list-mappings-token";

    @Test
    void listsEveryMappingOfTheAccountThroughTheLocalServer() throws Exception {
        Vertx vertx = Vertx.vertx();
        String baseUrl = "http://127.0.0.1:" + ServeExample.run(vertx, 0, ACCOUNT, TOKEN);
        try (SipmapClient client = SipmapClient.builder().baseUrl(baseUrl).accountCredentials(ACCOUNT, TOKEN).build()) {
            SipDomainSid domain = new SipDomainSid("SD00000000000000000000000000000002");
            List<SourceIpMapping> created = new ArrayList<>();
            for (int i = 0; i < 1003; i++) {
                IpRecord record = client.ipRecords().create(ACCOUNT,
                        CreateIpRecord.of("10.0." + (i / 256) + "." + (i % 256)))
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
                created.add(client.sourceIpMappings().create(ACCOUNT, new CreateSourceIpMapping(record.sid(), domain))
                        .toCompletableFuture().get(10, TimeUnit.SECONDS));
            }
            var bytes = new ByteArrayOutputStream();

            long count = ListMappings.run(Map.of(
                    "TWILIO_ACCOUNT_SID", ACCOUNT.value(),
                    "TWILIO_AUTH_TOKEN", TOKEN,
                    "SIPMAP_BASE_URL", baseUrl), new PrintStream(bytes, true, StandardCharsets.UTF_8));

            assertThat(count).isEqualTo(1003);
            List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).hasSize(1004).last().isEqualTo("1003 mapping(s)");
            assertThat(lines.get(0))
                    .isEqualTo(created.get(0).sid() + "  " + created.get(0).ipRecordSid() + " -> " + domain);
            assertThat(lines.subList(0, 1003)).extracting(line -> line.substring(0, 34))
                    .containsExactlyElementsOf(created.stream().map(m -> m.sid().value()).toList());
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
