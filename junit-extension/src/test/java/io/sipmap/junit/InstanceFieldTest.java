package io.sipmap.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Registered on an instance field, the extension gets no class callbacks: a server per test, still injected. */
class InstanceFieldTest {

    @RegisterExtension
    final SipmapExtension sipmap = SipmapExtension.builder().build();

    @Test
    void servesEachTestAServerOfItsOwn(SipmapServerInfo server) throws Exception {
        assertThat(Http.get(server, "/v1/SourceIpMappings").statusCode()).isEqualTo(200);
    }
}
