package io.sipmap.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.domain.PageRequest;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * A user's test class that knows nothing of Twilio's SDK or PostgreSQL: {@link WithoutOptionalDependenciesTest} runs
 * it in a class loader that has neither. Not named like a test, and disabled elsewhere, so that it runs only there.
 */
@SipmapTest
@EnabledIf("isolated")
class PlainUserCase {

    /** Whether it runs where {@link WithoutOptionalDependenciesTest} put it, rather than beside the other tests. */
    static boolean isolated() {
        return PlainUserCase.class.getClassLoader() instanceof URLClassLoader;
    }

    @Test
    void theOptionalDependenciesAreReallyAbsent() {
        assertThatThrownBy(() -> Class.forName("com.twilio.http.TwilioRestClient"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("io.sipmap.adapter.postgres.PgStores"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("io.zonky.test.db.postgres.embedded.EmbeddedPostgres"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void everythingButTheSdkClientIsInjectedAndWorks(SipmapServerInfo server, SipmapClient client,
                                                     SipmapFaults faults) throws Exception {
        client.ipRecords().create(server.account(), CreateIpRecord.of("192.0.2.1"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        var fault = faults.unavailable("/v1/IpRecords", 1, Duration.ZERO); // sipmap's client retries a GET
        var page = client.ipRecords().list(server.account(), PageRequest.first())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(page.items()).hasSize(1);
        assertThat(fault.served()).isEqualTo(1);
    }
}
