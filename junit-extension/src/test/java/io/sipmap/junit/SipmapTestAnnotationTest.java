package io.sipmap.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.PageRequest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The simple case: the annotation, its defaults, and what it injects. */
@SipmapTest
class SipmapTestAnnotationTest {

    static SipmapServerInfo startedBeforeAll;

    @BeforeAll
    static void serverIsUpBeforeAll(SipmapServerInfo server) {
        startedBeforeAll = server;
    }

    @Test
    void injectsTheAddressAndTheDefaultAccount(SipmapServerInfo server) throws Exception {
        assertThat(server.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+").endsWith(":" + server.port());
        assertThat(server.accountSid()).isEqualTo(SipmapTest.DEFAULT_ACCOUNT_SID);
        assertThat(server.authToken()).isEqualTo(SipmapTest.DEFAULT_AUTH_TOKEN);
        assertThat(server.apiKeySid()).isEmpty();
        assertThat(server).isSameAs(startedBeforeAll);

        var answer = Http.get(server, "/v1/IpRecords");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).startsWith("{\"ip_records\":[]");
    }

    @Test
    void injectsAClientForTheAccount(SipmapClient client, SipmapServerInfo server) throws Exception {
        IpRecord created = client.ipRecords().create(server.account(), CreateIpRecord.of("192.0.2.10"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);

        var page = client.ipRecords().list(server.account(), PageRequest.first())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(page.items()).containsExactly(created);
        assertThat(created.accountSid()).isEqualTo(server.account());
    }

    @Test
    void wrongCredentialsAreRefusedInTwilioShape(SipmapServerInfo server) throws Exception {
        var answer = Http.get(server.baseUrl() + "/v1/IpRecords", server.accountSid(), "wrong");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("\"code\":20003");
    }

    @Test
    void printingTheServerInfoGivesNoSecretAway(SipmapServerInfo server) {
        assertThat(server.toString()).contains(server.baseUrl()).contains(server.accountSid())
                .doesNotContain(server.authToken());
    }

    @Nested
    class NestedClasses {
        @Test
        void shareTheEnclosingClassesServer(SipmapServerInfo server) {
            assertThat(server).isSameAs(startedBeforeAll);
        }
    }
}
