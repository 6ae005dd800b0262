package io.sipmap.adapter.http.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The resolve extension against a stub answering as the sipmap server does. */
@ExtendWith(VertxExtension.class)
class ResolutionClientTest {

    static final AccountSid ACCOUNT = new AccountSid("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    static final String MATCH = "{\"ip_address\":\"198.51.100.77\",\"resolution\":{"
            + "\"sip_domain_sid\":\"SDaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
            + "\"source_ip_mapping_sid\":\"IBbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\","
            + "\"ip_record_sid\":\"ILcccccccccccccccccccccccccccccccc\","
            + "\"ip_address\":\"198.51.100.5\",\"cidr_prefix_length\":24,\"unknown\":1},"
            + "\"url\":\"http://x/sipmap/v1/Resolve?IpAddress=198.51.100.77\"}";

    private StubServer stub;
    private SipmapClient client;

    @AfterEach
    void close() throws Exception {
        client.close();
        stub.close();
    }

    private void serve(Vertx vertx, int status, String body) throws Exception {
        Consumer<Router> routes = router -> router.get("/sipmap/v1/Resolve").handler(ctx -> ctx.response()
                .setStatusCode(status).putHeader("Content-Type", "application/json").end(body));
        stub = StubServer.start(vertx, routes);
        client = SipmapClient.builder().baseUrl(stub.baseUrl()).accountCredentials(ACCOUNT, "auth-token")
                .vertx(vertx).retryPolicy(RetryPolicy.none()).build();
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, SECONDS);
    }

    @Test
    void readsTheMatchAndAsksForTheAddress(Vertx vertx) throws Exception {
        serve(vertx, 200, MATCH);

        Optional<Resolution> answer = await(client.sipDomainResolver().resolve(ACCOUNT,
                Ipv4Address.parse("198.51.100.77")));

        assertThat(answer).contains(new Resolution(new SipDomainSid("SDaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                new SourceIpMappingSid("IBbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
                new IpRecordSid("ILcccccccccccccccccccccccccccccccc"),
                new IpPrefix(Ipv4Address.parse("198.51.100.5"), 24)));
        assertThat(stub.requests()).singleElement()
                .satisfies(r -> assertThat(r.path() + "?" + r.query()).isEqualTo("/sipmap/v1/Resolve?IpAddress=198.51.100.77"));
    }

    @Test
    void resolvesAnIpv6SourceByItsCanonicalTextAndReadsAnIpv6Match(Vertx vertx) throws Exception {
        serve(vertx, 200, MATCH.replace("\"198.51.100.5\",\"cidr_prefix_length\":24",
                "\"2001:db8:a::\",\"cidr_prefix_length\":48"));

        Optional<Resolution> answer = await(client.sipDomainResolver().resolve(ACCOUNT,
                IpAddress.parse("2001:DB8:A:0:0:0:0:77")));

        assertThat(answer.orElseThrow().prefix().toString()).isEqualTo("2001:db8:a::/48");
        assertThat(stub.requests()).singleElement()
                .satisfies(r -> assertThat(r.path() + "?" + r.query())
                        .isEqualTo("/sipmap/v1/Resolve?IpAddress=2001:db8:a::77"));
    }

    @Test
    void readsNoMatchAsEmpty(Vertx vertx) throws Exception {
        serve(vertx, 200, "{\"ip_address\":\"10.0.0.1\",\"resolution\":null,\"url\":\"http://x\"}");

        assertThat(await(client.sipDomainResolver().resolve(ACCOUNT, Ipv4Address.parse("10.0.0.1")))).isEmpty();
    }

    @Test
    void aBodyWithoutAnAnswerIsAnUpstreamFailureNamingTheField(Vertx vertx) throws Exception {
        serve(vertx, 200, "{\"ip_address\":\"10.0.0.1\"}");

        assertThatThrownBy(() -> await(client.sipDomainResolver().resolve(ACCOUNT, Ipv4Address.parse("10.0.0.1"))))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("resolution");
    }

    @Test
    void aServerWithoutTheExtensionAnswersNotFound(Vertx vertx) throws Exception {
        serve(vertx, 404, "{\"code\":20404,\"message\":\"The requested resource /sipmap/v1/Resolve was not found\","
                + "\"more_info\":\"https://www.twilio.com/docs/errors/20404\",\"status\":404}");

        assertThatThrownBy(() -> await(client.sipDomainResolver().resolve(ACCOUNT, Ipv4Address.parse("10.0.0.1"))))
                .cause().isInstanceOf(SipmapException.NotFound.class);
    }

    @Test
    void refusesAnotherAccountWithoutARequest(Vertx vertx) throws Exception {
        serve(vertx, 200, MATCH);

        assertThatThrownBy(() -> await(client.sipDomainResolver().resolve(
                new AccountSid("ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"), Ipv4Address.parse("10.0.0.1"))))
                .cause().isInstanceOf(SipmapException.InvalidParameter.class);
        assertThat(stub.requests()).isEmpty();
    }
}
