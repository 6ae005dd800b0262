package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthAndCorsHttpTest extends ServerTestBase {

    @Test
    void apiKeyActsForItsAccount() {
        HttpResponse<Buffer> created = await(request(HttpMethod.POST, "/v1/IpRecords")
                .basicAuthentication(API_KEY.value(), API_SECRET)
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("IpAddress", "192.0.2.1")));

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.bodyAsJsonObject().getString("account_sid")).isEqualTo(ACCOUNT.value());
        assertThat(get("/v1/IpRecords/IL" + hex(1)).statusCode()).isEqualTo(200);
    }

    @Test
    void userNameMayUseUpperCaseHexDigits() {
        HttpResponse<Buffer> response = send(request(HttpMethod.GET, "/v1/IpRecords")
                .basicAuthentication("AC" + ACCOUNT.value().substring(2).toUpperCase(), TOKEN));

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void anotherAccountsRecordsDoNotExistForYou() {
        post("/v1/IpRecords", "IpAddress", "192.0.2.1");
        post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(1), "SipDomainSid", "SD" + "1".repeat(32));

        for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE}) {
            for (String path : new String[] {"/v1/IpRecords/IL" + hex(1), "/v1/SourceIpMappings/IB" + hex(2)}) {
                var request = request(method, path).basicAuthentication(OTHER_ACCOUNT.value(), OTHER_TOKEN);
                HttpResponse<Buffer> response = method == HttpMethod.POST
                        ? await(request.sendForm(MultiMap.caseInsensitiveMultiMap()
                                .add("SipDomainSid", "SD" + "2".repeat(32)).add("FriendlyName", "x")))
                        : send(request);
                assertError(response, 404, 20404);
            }
        }
        JsonObject list = send(request(HttpMethod.GET, "/v1/IpRecords")
                .basicAuthentication(OTHER_ACCOUNT.value(), OTHER_TOKEN)).bodyAsJsonObject();
        assertThat(list.getJsonArray("ip_records")).isEmpty();
        assertError(await(request(HttpMethod.POST, "/v1/SourceIpMappings")
                .basicAuthentication(OTHER_ACCOUNT.value(), OTHER_TOKEN)
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("IpRecordSid", "IL" + hex(1))
                        .add("SipDomainSid", "SD" + "2".repeat(32)))), 400, 20001);
    }

    @Test
    void preflightIsAnsweredWithoutCredentialsAndAllowsAnyOriginWithoutTheirs() {
        HttpResponse<Buffer> response = preflight("https://console.example.com");

        assertThat(response.statusCode()).isBetween(200, 204);
        assertThat(response.headers().getAll("Access-Control-Allow-Origin")).containsExactly("*");
        assertThat(response.getHeader("Access-Control-Allow-Methods")).contains("GET", "POST", "DELETE");
        assertThat(response.getHeader("Access-Control-Allow-Headers")).contains("Authorization", "Content-Type");
        assertThat(response.headers().contains("Access-Control-Allow-Credentials")).isFalse();
        assertThat(response.getHeader("WWW-Authenticate")).isNull();
        assertThat(response.headers().getAll("Access-Control-Allow-Methods")).hasSize(1);
        assertThat(response.getHeader("Twilio-Request-Id")).matches("RQ[0-9a-f]{32}");
    }

    @Test
    void aPreflightForTheFeedAndTheExportsAllowsTheirRequestHeadersAndExposesTheirAnswers() {
        HttpResponse<Buffer> feed = send(request(HttpMethod.OPTIONS, "/sipmap/v1/Changes")
                .putHeader("Origin", "https://console.example.com")
                .putHeader("Access-Control-Request-Method", "GET")
                .putHeader("Access-Control-Request-Headers", "authorization, last-event-id"));
        HttpResponse<Buffer> export = send(request(HttpMethod.OPTIONS, "/sipmap/v1/Exports/Kamailio")
                .putHeader("Origin", "https://console.example.com")
                .putHeader("Access-Control-Request-Method", "GET")
                .putHeader("Access-Control-Request-Headers", "authorization, if-none-match"));

        for (HttpResponse<Buffer> response : List.of(feed, export)) {
            assertThat(response.statusCode()).isBetween(200, 204);
            assertThat(response.headers().getAll("Access-Control-Allow-Origin")).containsExactly("*");
            assertThat(response.headers().contains("Access-Control-Allow-Credentials")).isFalse();
            assertThat(response.getHeader("Access-Control-Allow-Headers").split(",\\s*"))
                    .contains("Authorization", "Last-Event-ID", "If-None-Match");
        }
        HttpResponse<Buffer> answer = send(authed(HttpMethod.GET, "/v1/IpRecords")
                .putHeader("Origin", "https://console.example.com"));
        assertThat(answer.getHeader("Access-Control-Expose-Headers").split(",\\s*"))
                .contains("ETag", "Sipmap-Last-Event-Id");
    }

    @Test
    void browserRequestsGetCorsHeadersOnSuccessAndErrorButNeverCredentials() {
        HttpResponse<Buffer> ok = send(authed(HttpMethod.GET, "/v1/IpRecords").putHeader("Origin", "https://a.example"));
        HttpResponse<Buffer> denied = send(request(HttpMethod.GET, "/v1/IpRecords")
                .putHeader("Origin", "https://a.example"));

        for (HttpResponse<Buffer> response : List.of(ok, denied)) {
            assertThat(response.headers().getAll("Access-Control-Allow-Origin")).containsExactly("*");
            assertThat(response.headers().contains("Access-Control-Allow-Credentials")).isFalse();
            assertThat(response.headers().contains("Vary")).isFalse();
            assertThat(response.headers().getAll("Access-Control-Expose-Headers")).hasSize(1);
            assertThat(response.getHeader("Access-Control-Expose-Headers")).contains("WWW-Authenticate",
                    "Twilio-Request-Id");
            assertThat(response.headers().getAll("Access-Control-Allow-Methods")).hasSize(1);
            assertThat(response.getHeader("Access-Control-Allow-Methods")).contains("GET", "POST", "DELETE");
            assertThat(response.headers().getAll("Access-Control-Allow-Headers")).hasSize(1);
            assertThat(response.getHeader("Access-Control-Allow-Headers")).contains("Authorization", "Content-Type");
        }
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(denied.statusCode()).isEqualTo(401);
    }

    @Test
    void everyResponseCarriesCorsHeadersAndNeverAllowsCredentialsWithAnyOrigin() {
        for (HttpResponse<Buffer> response : List.of(
                get("/v1/IpRecords"), get("/v1/Unknown"), send(request(HttpMethod.GET, "/v1/IpRecords")),
                send(authed(HttpMethod.PUT, "/v1/IpRecords")), post("/v1/IpRecords"), delete("/v1/IpRecords/x"))) {
            assertThat(response.getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
            assertThat(response.getHeader("Access-Control-Allow-Methods")).isEqualTo("GET, POST, DELETE, OPTIONS");
            assertThat(response.getHeader("Access-Control-Allow-Headers"))
                    .isEqualTo("Content-Type, Authorization, Last-Event-ID, If-None-Match");
            assertThat(response.headers().contains("Access-Control-Allow-Credentials")).isFalse();
            assertThat(response.getHeader("Access-Control-Expose-Headers"))
                    .isEqualTo("WWW-Authenticate, Retry-After, Twilio-Request-Id, ETag, Sipmap-Last-Event-Id");
        }
    }

    @Test
    void acceptsAnyCharsetParameterOnForms() {
        for (String type : new String[] {FORM + "; charset=UTF-8", FORM + ";charset=utf-8", FORM + "; charset=ISO-8859-1",
                "Application/X-WWW-Form-Urlencoded"}) {
            HttpResponse<Buffer> response = await(authed(HttpMethod.POST, "/v1/IpRecords")
                    .putHeader("Content-Type", type)
                    .sendBuffer(Buffer.buffer("IpAddress=192.0.2.9&FriendlyName=caf%C3%A9")));
            assertThat(response.statusCode()).as(type + " " + response.bodyAsString()).isEqualTo(201);
            assertThat(response.bodyAsJsonObject().getString("friendly_name")).isEqualTo("café");
        }
    }

    @Test
    void deleteWithFormContentTypeAndCharset() {
        post("/v1/IpRecords", "IpAddress", "192.0.2.1");

        HttpResponse<Buffer> response = await(authed(HttpMethod.DELETE, "/v1/IpRecords/IL" + hex(1))
                .putHeader("Content-Type", FORM + "; charset=utf-8").sendBuffer(Buffer.buffer("")));

        assertThat(response.statusCode()).isEqualTo(204);
    }
}
