package io.sipmap.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PER_CLASS: the class's tests share what they write. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerClassStateTest {

    @RegisterExtension
    static final SipmapExtension SIPMAP = SipmapExtension.builder().state(State.PER_CLASS).build();

    @Test
    @Order(1)
    void firstTestWritesARecord(SipmapServerInfo server) throws Exception {
        assertThat(Http.post(server, "/v1/IpRecords", "IpAddress=192.0.2.1&FriendlyName=kept").statusCode())
                .isEqualTo(201);
    }

    @Test
    @Order(2)
    void secondTestStillSeesIt(SipmapServerInfo server) throws Exception {
        assertThat(Http.get(server, "/v1/IpRecords").body()).contains("\"friendly_name\":\"kept\"");
    }
}
