package io.sipmap.adapter.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A server whose next_page_url is not ours: an opaque token, another host name, extra parameters. */
@ExtendWith(VertxExtension.class)
class OpaquePagingTest {

    static final AccountSid ACCOUNT = TwilioExamplesTest.ACCOUNT;
    static final String NEXT = "https://voice.twilio.example/v1/SourceIpMappings?PageSize=1&Page=1"
            + "&PageToken=b3BhcXVl%2Bdg%3D%3D&Region=us1";

    private StubServer stub;
    private SipmapClient client;

    @AfterEach
    void stop() throws Exception {
        client.close();
        stub.close();
    }

    private static JsonObject mapping(String sidDigit) {
        String sid = "IB" + sidDigit.repeat(32);
        return new JsonObject().put("sid", sid).put("ip_record_sid", "IL" + sidDigit.repeat(32))
                .put("sip_domain_sid", "SD" + "a".repeat(32))
                .put("date_created", "2020-03-18T23:31:36Z").put("date_updated", "2020-03-18T23:31:37Z")
                .put("url", "https://voice.twilio.example/v1/SourceIpMappings/" + sid);
    }

    private static String page(String next, JsonObject... items) {
        JsonObject meta = new JsonObject().put("page", 0).put("page_size", 1).put("key", "source_ip_mappings")
                .put("url", "u").put("first_page_url", "f").putNull("previous_page_url").put("next_page_url", next);
        return new JsonObject().put("meta", meta).put("source_ip_mappings", new JsonArray(List.of((Object[]) items)))
                .encode();
    }

    private void serve(Vertx vertx, String secondPage) throws Exception {
        serve(vertx, NEXT, secondPage);
    }

    private void serve(Vertx vertx, String next, String secondPage) throws Exception {
        stub = StubServer.start(vertx, router -> router.get("/v1/SourceIpMappings").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json")
                .end(ctx.request().getParam("PageToken") == null ? page(next, mapping("1")) : secondPage)));
        client = SipmapClient.builder().baseUrl(stub.baseUrl()).accountCredentials(ACCOUNT, "token").vertx(vertx)
                .retryPolicy(RetryPolicy.none()).build();
    }

    @Test
    void followsTheNextUrlAsGivenOnTheConfiguredHost(Vertx vertx) throws Exception {
        serve(vertx, page(null, mapping("2")));
        Collecting<SourceIpMapping> consumer = Collecting.oneByOne();

        client.sourceIpMappings().stream(ACCOUNT, 1, Long.MAX_VALUE).subscribe(consumer);

        assertThat(consumer.done.get(5, TimeUnit.SECONDS)).extracting(m -> m.sid().value())
                .containsExactly("IB" + "1".repeat(32), "IB" + "2".repeat(32));
        assertThat(stub.requests()).hasSize(2);
        assertThat(stub.requests().get(1).query())
                .isEqualTo("PageSize=1&Page=1&PageToken=b3BhcXVl%2Bdg%3D%3D&Region=us1");
        assertThat(stub.requests().get(1).header("Authorization")).startsWith("Basic ");
    }

    @Test
    void resolvesARelativeNextUrlAgainstThePageItCameFrom(Vertx vertx) throws Exception {
        serve(vertx, "/v1/SourceIpMappings?PageSize=1&PageToken=opaque", page(null, mapping("2")));
        Collecting<SourceIpMapping> consumer = Collecting.oneByOne();

        client.sourceIpMappings().stream(ACCOUNT, 1, Long.MAX_VALUE).subscribe(consumer);

        assertThat(consumer.done.get(5, TimeUnit.SECONDS)).hasSize(2);
        assertThat(stub.requests().get(1).query()).isEqualTo("PageSize=1&PageToken=opaque");
    }

    @Test
    void endsTheStreamWhenTheNextUrlIsNotAUrl(Vertx vertx) throws Exception {
        serve(vertx, "https://bad host/v1?x", page(null));
        Collecting<SourceIpMapping> consumer = Collecting.oneByOne();

        client.sourceIpMappings().stream(ACCOUNT, 1, Long.MAX_VALUE).subscribe(consumer);

        assertThatThrownBy(() -> consumer.done.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("next_page_url");
        assertThat(consumer.items).hasSize(1);
    }

    @Test
    void endsTheStreamWhenTheNextUrlLoopsBackToThePageJustRead(Vertx vertx) throws Exception {
        String self = "/v1/SourceIpMappings?PageSize=1&PageToken=same";
        serve(vertx, self, page(self, mapping("2")));
        Collecting<SourceIpMapping> consumer = Collecting.oneByOne();

        client.sourceIpMappings().stream(ACCOUNT, 1, Long.MAX_VALUE).subscribe(consumer);

        assertThatThrownBy(() -> consumer.done.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("repeats the page");
        assertThat(consumer.items).hasSize(2);
        assertThat(stub.count()).isEqualTo(2);
    }

    @Test
    void endsTheStreamWithTheFailureOfALaterPage(Vertx vertx) throws Exception {
        serve(vertx, "<html>oops</html>");
        Collecting<SourceIpMapping> consumer = Collecting.oneByOne();

        client.sourceIpMappings().stream(ACCOUNT, 1, Long.MAX_VALUE).subscribe(consumer);

        assertThatThrownBy(() -> consumer.done.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SipmapException.Upstream.class).hasMessageContaining("malformed JSON");
        assertThat(consumer.items).hasSize(1);
    }
}
