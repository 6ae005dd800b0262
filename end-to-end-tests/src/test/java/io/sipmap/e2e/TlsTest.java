package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.voice.v1.IpRecord;
import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.domain.PageRequest;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server over HTTPS with a certificate made for the test: sipmap's client and Twilio's Java SDK call it, each
 * trusting that certificate; a client trusting only the JDK's authorities refuses it.
 */
class TlsTest {

    @TempDir
    Path directory;

    TestCertificate certificate;
    LocalServer server;
    String base;

    @BeforeEach
    void start() throws Exception {
        certificate = TestCertificate.create(directory);
        server = new LocalServer(options -> options.withTls(new SipmapServerOptions.Tls(
                certificate.certificate().toString(), certificate.key().toString())));
        base = "https://127.0.0.1:" + server.verticle.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void sipmapClientTrustingTheCertificateWorksOverHttps() throws Exception {
        WebClient web = WebClient.create(server.vertx, new WebClientOptions()
                .setTrustOptions(new PemTrustOptions().addCertPath(certificate.certificate().toString()))
                .setVerifyHost(true));
        try (SipmapClient client = SipmapClient.builder().baseUrl(base)
                .accountCredentials(LocalServer.ACCOUNT, LocalServer.TOKEN).webClient(web, server.vertx).build()) {
            var created = client.ipRecords().create(LocalServer.ACCOUNT, CreateIpRecord.of("192.0.2.10"))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            var page = client.ipRecords().list(LocalServer.ACCOUNT, PageRequest.first(50))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(page.items()).containsExactly(created);
        } finally {
            web.close();
        }
    }

    @Test
    void aClientTrustingOnlyTheJdksAuthoritiesRefusesTheTestCertificate() {
        try (SipmapClient client = SipmapClient.builder().baseUrl(base).vertx(server.vertx)
                .accountCredentials(LocalServer.ACCOUNT, LocalServer.TOKEN)
                .retryPolicy(io.sipmap.adapter.http.client.RetryPolicy.none()).build()) {
            assertThatThrownBy(() -> client.ipRecords().list(LocalServer.ACCOUNT, PageRequest.first(50))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .hasStackTraceContaining("SSL");
        }
    }

    @Test
    void twilioSdkTrustingTheCertificateWorksOverHttps() throws Exception {
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(new DefaultClientTlsStrategy(certificate.trustingIt())).build();
        TwilioRestClient client = new TwilioRestClient.Builder(LocalServer.ACCOUNT.value(), LocalServer.TOKEN)
                .httpClient(new LocalTwilioHttpClient(base, HttpClients.custom().setConnectionManager(connections)))
                .build();

        IpRecord created = IpRecord.creator("192.0.2.20").setFriendlyName("over tls").create(client);
        IpRecord fetched = IpRecord.fetcher(created.getSid()).fetch(client);
        List<IpRecord> read = new ArrayList<>();
        IpRecord.reader().limit(10).read(client).forEach(read::add);

        assertThat(created.getUrl()).isEqualTo(URI.create(base + "/v1/IpRecords/" + created.getSid()));
        assertThat(fetched).isEqualTo(created);
        assertThat(read).containsExactly(created);
        IpRecord.deleter(created.getSid()).delete(client);
    }
}
