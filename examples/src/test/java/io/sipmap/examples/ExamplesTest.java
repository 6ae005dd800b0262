package io.sipmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.SipDomainSid;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExamplesTest {

    @Test
    void embeddingExampleMapsAnOfficeNetworkAndListsIt() {
        var bytes = new ByteArrayOutputStream();
        var page = EmbeddingExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(page.items()).singleElement().satisfies(mapping -> {
            assertThat(mapping.sipDomainSid()).isEqualTo(new SipDomainSid("SD00000000000000000000000000000002"));
            assertThat(mapping.ipRecordSid().value()).startsWith("IL");
        });
        assertThat(page.hasNext()).isFalse();
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("covers 203.0.113.0/24")
                .contains("sends it to SD00000000000000000000000000000002")
                .contains("the account has 1 mapping(s); more: false");
    }
}
