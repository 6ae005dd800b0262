package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.api.Batch;
import io.sipmap.api.Batches;
import io.sipmap.api.ChangeFeed;
import io.sipmap.api.SipDomainResolver;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Resolution;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@link SipmapServerOptions.AddressFamilies#IPV4}, for deployments that must be Twilio-exact: every IPv6 spelling is
 * refused with exactly the answer an invalid IPv4 address gets (status, code, message, more_info), on create, resolve
 * and batch, and nothing reaches the api.
 */
class Ipv4OnlyHttpTest extends ServerTestBase {

    private static final String[] IPV6 = {"::1", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "::ffff:192.0.2.1",
            "::FFFF:c000:201", "fe80::1%eth0", "::", "64:ff9b::192.0.2.33"};
    /** What an invalid IPv4 address is answered with, the text aside. */
    private static final String INVALID = "1.2.3";

    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final SipDomainResolver resolver = new SipDomainResolver() {
        @Override
        public CompletionStage<Optional<Resolution>> resolve(AccountSid account, IpAddress address) {
            asked.add("resolve " + address);
            return CompletableFuture.completedStage(Optional.empty());
        }
    };
    private final Batches batches = new Batches() {
        @Override
        public CompletionStage<List<Object>> apply(AccountSid account, Batch batch) {
            asked.add("apply " + batch);
            return CompletableFuture.completedStage(List.of());
        }

        @Override
        public CompletionStage<List<Object>> check(AccountSid account, Batch batch) {
            asked.add("check " + batch);
            return CompletableFuture.completedStage(List.of());
        }
    };

    @Override
    SipmapServerOptions options() {
        return SipmapServerOptions.of(CREDENTIALS).withAddressFamilies(SipmapServerOptions.AddressFamilies.IPV4);
    }

    @Override
    Router router() {
        return SipmapRouter.create(vertx, api.sourceIpMappings, api.ipRecords, resolver, (ChangeFeed) null, batches,
                options());
    }

    /** The answer {@code invalid} got, as it reads for {@code address}: its quoted text is the only difference. */
    private static String as(HttpResponse<Buffer> invalid, String address) {
        return invalid.bodyAsString().replace("'" + INVALID + "'", "'" + address + "'");
    }

    @Test
    void theDefaultIsBothFamilies() {
        assertThat(SipmapServerOptions.of(CREDENTIALS).addressFamilies())
                .isEqualTo(SipmapServerOptions.AddressFamilies.IPV4_AND_IPV6);
    }

    @Test
    void createRefusesEveryIpv6SpellingAsAnInvalidIpv4Address() {
        HttpResponse<Buffer> invalid = post("/v1/IpRecords", "IpAddress", INVALID);
        var error = assertError(invalid, 400, 20001);
        assertThat(error.getString("message")).isEqualTo("Invalid IpAddress: expected an IPv4 address in dotted"
                + " decimal, such as 192.0.2.10, got '1.2.3'");

        for (String address : IPV6) {
            HttpResponse<Buffer> answer = post("/v1/IpRecords", "IpAddress", address, "CidrPrefixLength", "24");
            assertThat(answer.statusCode()).as(address).isEqualTo(400);
            assertThat(answer.getHeader("Content-Type")).isEqualTo("application/json");
            assertThat(answer.bodyAsString()).as(address).isEqualTo(as(invalid, address));
        }
        assertThat(json(get("/v1/IpRecords")).getJsonArray("ip_records")).isEmpty();
        assertThat(json(post("/v1/IpRecords", "IpAddress", "192.0.2.1")).getString("ip_address"))
                .isEqualTo("192.0.2.1");
    }

    @Test
    void resolveRefusesEveryIpv6SpellingAsAnInvalidIpv4Address() {
        HttpResponse<Buffer> invalid = get("/sipmap/v1/Resolve?IpAddress=" + INVALID);
        assertError(invalid, 400, 20001);

        for (String address : IPV6) {
            HttpResponse<Buffer> answer = get("/sipmap/v1/Resolve?IpAddress="
                    + URLEncoder.encode(address, StandardCharsets.UTF_8));
            assertThat(answer.statusCode()).as(address).isEqualTo(400);
            assertThat(answer.bodyAsString()).as(address).isEqualTo(as(invalid, address));
        }
        assertThat(asked).isEmpty();
        assertThat(json(get("/sipmap/v1/Resolve?IpAddress=192.0.2.1")).getString("ip_address"))
                .isEqualTo("192.0.2.1");
    }

    @Test
    void aBatchRefusesEveryIpv6SpellingAsAnInvalidIpv4Address() {
        String batch = "{\"changes\": [{\"op\": \"create_ip_record\", \"ip_address\": \"%s\"}]}";
        HttpResponse<Buffer> invalid = postJson(batch.formatted(INVALID));
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid).getInteger("code")).isEqualTo(20001);
        assertThat(invalid.bodyAsString()).contains("'" + INVALID + "'", "ip_address");

        for (String address : IPV6) {
            HttpResponse<Buffer> answer = postJson(batch.formatted(address));
            assertThat(answer.statusCode()).as(address).isEqualTo(400);
            assertThat(answer.bodyAsString()).as(address).isEqualTo(as(invalid, address));
        }
        assertThat(asked).isEmpty();
    }

    private HttpResponse<Buffer> postJson(String body) {
        return await(authed(HttpMethod.POST, "/sipmap/v1/Batches").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)));
    }
}
