package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.api.SipDomainResolver;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ResolutionHttpTest extends ServerTestBase {

    private static final Resolution OFFICE = new Resolution(new SipDomainSid("SD" + "a".repeat(32)),
            new SourceIpMappingSid("IB" + "b".repeat(32)), new IpRecordSid("IL" + "c".repeat(32)),
            new IpPrefix(Ipv4Address.parse("198.51.100.5"), 24));

    /** Knows one prefix of the first account, and remembers who asked what. */
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final SipDomainResolver resolver = new SipDomainResolver() {
        @Override
        public CompletionStage<Optional<Resolution>> resolve(AccountSid account, IpAddress address) {
            asked.add(account + " " + address);
            boolean match = account.equals(ACCOUNT) && OFFICE.prefix().contains(address);
            return CompletableFuture.completedStage(match ? Optional.of(OFFICE) : Optional.empty());
        }
    };

    @Override
    Router router() {
        return SipmapRouter.create(vertx, api.sourceIpMappings, api.ipRecords, resolver, options());
    }

    @Test
    void answersTheMatchWithItsMappingRecordAndPrefix() {
        var response = get("/sipmap/v1/Resolve?IpAddress=198.51.100.77");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(response.bodyAsString()).isEqualTo("{\"ip_address\":\"198.51.100.77\",\"resolution\":{"
                + "\"sip_domain_sid\":\"SD" + "a".repeat(32) + "\",\"source_ip_mapping_sid\":\"IB" + "b".repeat(32)
                + "\",\"ip_record_sid\":\"IL" + "c".repeat(32) + "\",\"ip_address\":\"198.51.100.5\","
                + "\"cidr_prefix_length\":24},\"url\":\"" + base + "/sipmap/v1/Resolve?IpAddress=198.51.100.77\"}");
        assertThat(asked).containsExactly(ACCOUNT + " 198.51.100.77");
    }

    @Test
    void noMatchIsAnAnswerNotAnError() {
        var response = get("/sipmap/v1/Resolve?IpAddress=10.0.0.1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).getValue("resolution")).isNull();
        assertThat(json(response).fieldNames()).containsExactly("ip_address", "resolution", "url");
    }

    @Test
    void resolvesForTheAccountOfTheCredentials() {
        var response = send(request(HttpMethod.GET, "/sipmap/v1/Resolve?IpAddress=198.51.100.77")
                .basicAuthentication(OTHER_ACCOUNT.value(), OTHER_TOKEN));

        assertThat(json(response).getValue("resolution")).isNull();
        assertThat(asked).containsExactly(OTHER_ACCOUNT + " 198.51.100.77");
    }

    @Test
    void refusesAMissingOrMalformedAddressNamingIt() {
        for (String query : new String[] {"", "?IpAddress=", "?IpAddress=198.51.100", "?IpAddress=01.2.3.4",
                "?IpAddress=%zz", "?ipaddress=1.2.3.4"}) {
            var body = assertError(get("/sipmap/v1/Resolve" + query), 400, 20001);
            assertThat(body.getString("message")).as(query).containsAnyOf("IpAddress", "query");
        }
        assertThat(asked).isEmpty();
    }

    @Test
    void needsCredentialsLikeEveryResource() {
        assertError(send(request(HttpMethod.GET, "/sipmap/v1/Resolve?IpAddress=198.51.100.77")), 401, 20003);
        assertThat(asked).isEmpty();
    }

    @Test
    void onlyGetIsAllowed() {
        assertError(post("/sipmap/v1/Resolve", "IpAddress", "198.51.100.77"), 405, 20004);
        assertError(delete("/sipmap/v1/Resolve"), 405, 20004);
    }

    @Test
    void isAbsentWithoutAResolver() {
        var plain = SipmapRouter.create(vertx, api.sourceIpMappings, api.ipRecords, options());
        var server = await(vertx.createHttpServer().requestHandler(plain).listen(0, "127.0.0.1"));
        var response = await(client.get(server.actualPort(), "127.0.0.1", "/sipmap/v1/Resolve?IpAddress=1.2.3.4")
                .basicAuthentication(ACCOUNT.value(), TOKEN).send());
        assertError(response, 404, 20404);
    }
}
