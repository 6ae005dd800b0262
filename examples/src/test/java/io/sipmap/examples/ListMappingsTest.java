package io.sipmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.contract.Tenant;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ListMappings} against the local server, across more than one page. */
class ListMappingsTest {

    private HttpStack stack;

    @BeforeEach
    void start() throws Exception {
        stack = new HttpStack();
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    @Test
    void listsEveryMappingOfTheAccountThroughTheLocalServer() throws Exception {
        Tenant tenant = stack.newTenant();
        SipDomainSid domain = new SipDomainSid("SD00000000000000000000000000000002");
        List<SourceIpMapping> created = new ArrayList<>();
        for (int i = 0; i < 1003; i++) {
            IpRecord record = tenant.ipRecords().create(tenant.account(),
                    CreateIpRecord.of("10.0." + (i / 256) + "." + (i % 256))).toCompletableFuture().join();
            created.add(tenant.sourceIpMappings().create(tenant.account(),
                    new CreateSourceIpMapping(record.sid(), domain)).toCompletableFuture().join());
        }
        var bytes = new ByteArrayOutputStream();

        long count = ListMappings.run(Map.of(
                "TWILIO_ACCOUNT_SID", tenant.account().value(),
                "TWILIO_AUTH_TOKEN", HttpStack.token(tenant.account()),
                "SIPMAP_BASE_URL", stack.baseUrl()), new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(count).isEqualTo(1003);
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1004).last().isEqualTo("1003 mapping(s)");
        assertThat(lines.get(0)).isEqualTo(created.get(0).sid() + "  " + created.get(0).ipRecordSid() + " -> " + domain);
        assertThat(lines.subList(0, 1003)).extracting(line -> line.substring(0, 34))
                .containsExactlyElementsOf(created.stream().map(m -> m.sid().value()).toList());
    }
}
