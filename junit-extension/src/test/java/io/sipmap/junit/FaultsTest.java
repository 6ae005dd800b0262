package io.sipmap.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.voice.v1.IpRecord;
import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.domain.PageRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Faults on demand, in Twilio's error shape, as Twilio's SDK and sipmap's client see them. */
@SipmapTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsTest {

    @Test
    @Order(1)
    void tooManyRequestsIsTwiliosErrorWithRetryAfter(SipmapServerInfo server, SipmapFaults faults) throws Exception {
        faults.tooManyRequests("/v1/IpRecords", 1, Duration.ofSeconds(2));

        var refused = Http.get(server, "/v1/IpRecords");
        var notFound = Http.get(server, "/v1/IpRecords/IL" + "0".repeat(32)); // a real sipmap error, to compare

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("2");
        assertThat(refused.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(refused.headers().firstValue("Twilio-Request-Id")).hasValueSatisfying(
                id -> assertThat(id).matches("RQ[0-9a-f]{32}"));
        assertThat(refused.body()).isEqualTo("{\"code\":20429,\"message\":\"Too many requests: a fault armed by the"
                + " test\",\"more_info\":\"https://www.twilio.com/docs/errors/20429\",\"status\":429}");
        // the same keys in the same order, and the same compact writing, as the server's own errors
        assertThat(new JsonObject(refused.body()).fieldNames())
                .containsExactlyElementsOf(new JsonObject(notFound.body()).fieldNames());
        assertThat(notFound.body()).matches("\\{\"code\":20404,\"message\":\"[^\"]+\",\"more_info\":\"[^\"]+\","
                + "\"status\":404}");

        assertThat(Http.get(server, "/v1/IpRecords").statusCode()).as("spent after one").isEqualTo(200);
    }

    @Test
    @Order(2)
    void faultsAreDisarmedAfterEachTest(SipmapServerInfo server) throws Exception {
        // the test before armed one and left none over; this arms, spends nothing, and the next test checks
        assertThat(Http.get(server, "/v1/IpRecords").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void armsAFaultForLater(SipmapFaults faults) {
        faults.unavailable("/v1/.*", 100, Duration.ZERO);
    }

    @Test
    @Order(4)
    void andTheNextTestDoesNotGetIt(SipmapServerInfo server) throws Exception {
        assertThat(Http.get(server, "/v1/SourceIpMappings").statusCode()).isEqualTo(200);
    }

    @Test
    void twiliosSdkWaitsAsRetryAfterSaysAndTriesOnce(TwilioRestClient twilio, SipmapFaults faults) {
        // the Apache HTTP client under Twilio's SDK retries a 429 once, POST included, after Retry-After
        var fault = faults.tooManyRequests("/v1/IpRecords", 1, Duration.ofSeconds(1));

        long start = System.nanoTime();
        IpRecord created = IpRecord.creator("192.0.2.1").create(twilio);

        assertThat(created.getIpAddress()).isEqualTo("192.0.2.1");
        assertThat(fault.served()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    // snippet:junit-faults
    @Test
    void twiliosSdkSeesA429ThatLastsAsAnApiException(TwilioRestClient twilio, SipmapFaults faults) {
        var fault = faults.tooManyRequests("/v1/IpRecords", 2, Duration.ZERO);

        ApiException e = catchThrowableOfType(ApiException.class,
                () -> IpRecord.creator("192.0.2.1").create(twilio));

        assertThat(e.getStatusCode()).isEqualTo(429);
        assertThat(e.getCode()).isEqualTo(20429);
        assertThat(e.getMoreInfo()).isEqualTo("https://www.twilio.com/docs/errors/20429");
        assertThat(fault.served()).isEqualTo(2);
        List<String> listed = new ArrayList<>();
        IpRecord.reader().read(twilio).forEach(r -> listed.add(r.getSid()));
        assertThat(listed).isEmpty();
    }
    // end-snippet

    @Test
    void twiliosSdkRetriesA503EvenOnPost(TwilioRestClient twilio, SipmapFaults faults) {
        var fault = faults.unavailable("/v1/IpRecords", 2, Duration.ZERO);

        IpRecord created = IpRecord.creator("192.0.2.2").create(twilio);

        assertThat(created.getIpAddress()).isEqualTo("192.0.2.2");
        assertThat(fault.served()).isEqualTo(2);
        assertThat(fault.remaining()).isZero();
        List<String> listed = new ArrayList<>();
        IpRecord.reader().read(twilio).forEach(r -> listed.add(r.getSid()));
        assertThat(listed).containsExactly(created.getSid()); // created once, the two refused tries took no effect
    }

    @Test
    void sipmapsClientWaitsAsRetryAfterSaysThenSucceeds(SipmapClient client, SipmapServerInfo server,
                                                        SipmapFaults faults) throws Exception {
        var fault = faults.tooManyRequests("/v1/SourceIpMappings", 1, Duration.ofSeconds(1));

        long start = System.nanoTime();
        var page = client.sourceIpMappings().list(server.account(), PageRequest.first())
                .toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(page.items()).isEmpty();
        assertThat(fault.served()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for Retry-After")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aDelayHoldsTheRequestBackThenServesItBodyAndAll(TwilioRestClient twilio, SipmapServerInfo server,
                                                          SipmapFaults faults) throws Exception {
        var post = faults.delay("/v1/IpRecords", 1, Duration.ofMillis(300));

        long start = System.nanoTime();
        IpRecord created = IpRecord.creator("192.0.2.3").setFriendlyName("late but whole").create(twilio);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(created.getFriendlyName()).isEqualTo("late but whole");
        assertThat(post.served()).isEqualTo(1);

        var get = faults.delay("/v1/IpRecords/.*", 1, Duration.ofMillis(200));
        start = System.nanoTime();
        assertThat(IpRecord.fetcher(created.getSid()).fetch(twilio)).isEqualTo(created);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(get.served()).isEqualTo(1);
        // the same kept-alive connection still serves
        assertThat(IpRecord.fetcher(created.getSid()).fetch(twilio)).isEqualTo(created);
    }
}
