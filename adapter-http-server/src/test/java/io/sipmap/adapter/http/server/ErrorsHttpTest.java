package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.SipmapException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every row of WIRE.md's error table, and malformed input of every kind, which never gets a 5xx. */
class ErrorsHttpTest extends ServerTestBase {

    static final String DOMAIN = "SD" + "1".repeat(32);

    @ParameterizedTest
    @ValueSource(strings = {"/v1/Nope", "/", "/v2/IpRecords", "/v1/IpRecords/IL" + "0123456789abcdef0123456789abcdef/x",
            "/v1/ipRecords"})
    void unknownPathIs404(String path) {
        JsonObject body = assertError(get(path), 404, 20404);

        assertThat(body.getString("message")).isEqualTo("The requested resource " + path + " was not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/IpRecords/ILxyz", "/v1/IpRecords/IB0123456789abcdef0123456789abcdef",
            "/v1/IpRecords/IL0123456789abcdef0123456789abcdeg", "/v1/SourceIpMappings/nope",
            "/v1/SourceIpMappings/IL0123456789abcdef0123456789abcdef", "/v1/IpRecords/%20"})
    void malformedSidInPathIs404(String path) {
        assertError(get(path), 404, 20404);
        assertError(post(path, "FriendlyName", "x", "SipDomainSid", DOMAIN), 404, 20404);
        assertError(delete(path), 404, 20404);
    }

    @Test
    void unknownSidIs404NamingThePath() {
        String path = "/v1/SourceIpMappings/IB" + hex(99);

        JsonObject body = assertError(get(path), 404, 20404);

        assertThat(body.getString("message")).isEqualTo("The requested resource " + path + " was not found");
        assertError(post(path, "SipDomainSid", DOMAIN), 404, 20404);
        assertError(delete(path), 404, 20404);
        assertError(delete("/v1/IpRecords/IL" + hex(99)), 404, 20404);
    }

    @Test
    void missingCredentialsAre401WithChallenge() {
        HttpResponse<Buffer> response = send(request(HttpMethod.GET, "/v1/IpRecords"));

        JsonObject body = assertError(response, 401, 20003);
        assertThat(body.getString("message")).isEqualTo("Authenticate");
        assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Basic realm=\"Twilio API\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic", "Basic ", "Basic !!!not-base64!!!", "Bearer abc", "Basic QUM=",
            "Digest username=\"x\""})
    void malformedAuthorizationIs401(String header) {
        HttpResponse<Buffer> response = send(request(HttpMethod.GET, "/v1/IpRecords").putHeader("Authorization",
                header));

        assertError(response, 401, 20003);
        assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Basic realm=\"Twilio API\"");
    }

    @Test
    void wrongCredentialsAre401() {
        assertError(send(request(HttpMethod.GET, "/v1/IpRecords").basicAuthentication(ACCOUNT.value(), "wrong")),
                401, 20003);
        assertError(send(request(HttpMethod.GET, "/v1/IpRecords").basicAuthentication(ACCOUNT.value(), "")),
                401, 20003);
        assertError(send(request(HttpMethod.GET, "/v1/IpRecords").basicAuthentication(ACCOUNT.value(), OTHER_TOKEN)),
                401, 20003);
        assertError(send(request(HttpMethod.GET, "/v1/IpRecords")
                .basicAuthentication("AC" + "9".repeat(32), TOKEN)), 401, 20003);
        assertError(send(request(HttpMethod.POST, "/v1/IpRecords")
                .basicAuthentication(API_KEY.value(), TOKEN)), 401, 20003);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "IpAddress|",
            "IpAddress|IpAddress=",
            "IpAddress|IpAddress=256.0.0.1",
            "IpAddress|IpAddress=01.2.3.4",
            "IpAddress|IpAddress=+1.2.3.4",
            "IpAddress|IpAddress=1.2.3",
            "IpAddress|IpAddress=1.2.3.4.5",
            "IpAddress|IpAddress=fe80::1%25eth0",
            "IpAddress|IpAddress=1::2::3",
            "IpAddress|IpAddress=1.2.3.4%20",
            "CidrPrefixLength|IpAddress=1.2.3.4&CidrPrefixLength=33",
            "CidrPrefixLength|IpAddress=1.2.3.4&CidrPrefixLength=-1",
            "CidrPrefixLength|IpAddress=1.2.3.4&CidrPrefixLength=abc",
            "CidrPrefixLength|IpAddress=1.2.3.4&CidrPrefixLength=",
            "CidrPrefixLength|IpAddress=1.2.3.4&CidrPrefixLength=99999999999999999999"})
    void invalidIpRecordFieldIs400NamingIt(String parameter, String form) {
        JsonObject body = assertError(postRaw("/v1/IpRecords", form == null ? "" : form), 400, 20001);

        assertThat(body.getString("message")).contains(parameter);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ipaddress=1.2.3.4", "IPADDRESS=1.2.3.4", "ipAddress=1.2.3.4"})
    void formFieldNamesAreMatchedExactlyAsTwilioDoes(String form) {
        assertError(postRaw("/v1/IpRecords", form), 400, 20001);

        assertThat(get("/v1/IpRecords").bodyAsJsonObject().getJsonArray("ip_records")).isEmpty();
    }

    @Test
    void friendlyNameOver255CharactersIs400() {
        assertThat(post("/v1/IpRecords", "IpAddress", "1.2.3.4", "FriendlyName", "x".repeat(255)).statusCode())
                .isEqualTo(201);

        JsonObject body = assertError(post("/v1/IpRecords", "IpAddress", "1.2.3.4", "FriendlyName", "x".repeat(256)),
                400, 20001);
        assertThat(body.getString("message")).contains("FriendlyName");
        assertThat(assertError(post("/v1/IpRecords/IL" + hex(1), "FriendlyName", "é".repeat(256)), 400, 20001)
                .getString("message")).contains("FriendlyName");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "IpRecordSid|SipDomainSid=SD11111111111111111111111111111111",
            "IpRecordSid|IpRecordSid=IL123&SipDomainSid=SD11111111111111111111111111111111",
            "IpRecordSid|IpRecordSid=IB00000000000000000000000000000001&SipDomainSid=SD11111111111111111111111111111111",
            "SipDomainSid|IpRecordSid=IL00000000000000000000000000000001",
            "SipDomainSid|IpRecordSid=IL00000000000000000000000000000001&SipDomainSid=SDxyz"})
    void invalidMappingFieldIs400NamingIt(String parameter, String form) {
        post("/v1/IpRecords", "IpAddress", "1.2.3.4");

        JsonObject body = assertError(postRaw("/v1/SourceIpMappings", form), 400, 20001);

        assertThat(body.getString("message")).contains(parameter);
    }

    @Test
    void mappingUpdateWithoutSipDomainIs400() {
        post("/v1/IpRecords", "IpAddress", "1.2.3.4");
        post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(1), "SipDomainSid", DOMAIN);

        assertThat(assertError(post("/v1/SourceIpMappings/IB" + hex(2)), 400, 20001).getString("message"))
                .contains("SipDomainSid");
    }

    @Test
    void wellFormedButUnknownIpRecordSidOnCreateIs400() {
        JsonObject body = assertError(post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(42),
                "SipDomainSid", DOMAIN), 400, 20001);

        assertThat(body.getString("message")).contains("IpRecordSid");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"PageSize|PageSize=0", "PageSize|PageSize=-1", "PageSize|PageSize=abc",
            "PageSize|PageSize=", "PageSize|PageSize=1.5", "PageSize|PageSize=%2B5", "Page|Page=-1", "Page|Page=x",
            "Page|Page=99999999999999999999999"})
    void invalidPagingParameterIs400NamingIt(String parameter, String query) {
        for (String list : new String[] {"/v1/IpRecords", "/v1/SourceIpMappings"}) {
            JsonObject body = assertError(get(list + "?" + query), 400, 20001);
            assertThat(body.getString("message")).contains(parameter);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1001", "5000", "99999999999999999999999"})
    void pageSizeOver1000Is20007(String size) {
        assertError(get("/v1/IpRecords?PageSize=" + size), 400, 20007);
        assertError(get("/v1/SourceIpMappings?PageSize=" + size), 400, 20007);
    }

    @Test
    void pageSize1000IsAccepted() {
        assertThat(json(get("/v1/IpRecords?PageSize=1000")).getJsonObject("meta").getInteger("page_size"))
                .isEqualTo(1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "PA", "PAIL0123", "PXIB0123456789abcdef0123456789abcdef",
            "PAIL0123456789abcdef0123456789abcdef", "PAIB0123456789abcdef0123456789abcdeg"})
    void malformedPageTokenIs21481(String token) {
        assertError(get("/v1/SourceIpMappings?PageToken=" + token), 400, 21481);
    }

    @Test
    void pageTokenOfTheOtherResourceIs21481() {
        assertError(get("/v1/IpRecords?PageToken=PAIB0123456789abcdef0123456789abcdef"), 400, 21481);
    }

    @ParameterizedTest
    @CsvSource({"PUT,/v1/IpRecords,'GET, POST'", "PATCH,/v1/IpRecords,'GET, POST'",
            "DELETE,/v1/IpRecords,'GET, POST'", "DELETE,/v1/SourceIpMappings,'GET, POST'",
            "PUT,/v1/SourceIpMappings/IB0123456789abcdef0123456789abcdef,'GET, POST, DELETE'",
            "PATCH,/v1/IpRecords/IL0123456789abcdef0123456789abcdef,'GET, POST, DELETE'",
            "HEAD,/v1/IpRecords,'GET, POST'"})
    void wrongMethodIs405(String method, String path, String allow) {
        HttpResponse<Buffer> response = send(authed(HttpMethod.valueOf(method), path));

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.getHeader("Allow")).isEqualTo(allow);
        if (!method.equals("HEAD")) {
            assertError(response, 405, 20004);
        }
    }

    @Test
    void bodyOverTheLimitIs413() {
        HttpResponse<Buffer> response = post("/v1/IpRecords", "IpAddress", "1.2.3.4",
                "FriendlyName", "x".repeat((int) SipmapServerOptions.DEFAULT_BODY_LIMIT));

        assertError(response, 413, 20001);
    }

    @Test
    void bodyOverTheLimitIsRefusedBeforeItIsSent() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            String auth = java.util.Base64.getEncoder().encodeToString((ACCOUNT.value() + ":" + TOKEN)
                    .getBytes(StandardCharsets.UTF_8));
            out.write(("POST /v1/IpRecords HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic " + auth
                    + "\r\nContent-Type: " + FORM + "\r\nContent-Length: 100000000\r\n\r\nIpAddress=1.2.3.4")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            String answer = readHead(socket.getInputStream());

            assertThat(answer).startsWith("HTTP/1.1 413");
            assertThat(answer.toLowerCase()).contains("content-type: application/json");
        }
    }

    @Test
    void mappingAnAlreadyMappedRecordIs409() {
        post("/v1/IpRecords", "IpAddress", "1.2.3.4");
        post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(1), "SipDomainSid", DOMAIN);

        assertError(post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(1), "SipDomainSid", DOMAIN), 409, 20409);
    }

    @Test
    void deletingAMappedRecordIs409() {
        post("/v1/IpRecords", "IpAddress", "1.2.3.4");
        post("/v1/SourceIpMappings", "IpRecordSid", "IL" + hex(1), "SipDomainSid", DOMAIN);

        assertError(delete("/v1/IpRecords/IL" + hex(1)), 409, 20409);
        assertThat(get("/v1/IpRecords/IL" + hex(1)).statusCode()).isEqualTo(200);
    }

    @Test
    void unexpectedFailureIs500WithoutItsCause() {
        api.next.set(() -> CompletableFuture.failedFuture(new IllegalStateException("secret internals")));

        JsonObject body = assertError(get("/v1/IpRecords"), 500, 20500);

        assertThat(body.encode()).doesNotContain("secret internals").doesNotContain("IllegalState");
    }

    @Test
    void apiThrowingInsteadOfFailingIs500() {
        api.next.set(() -> {
            throw new IllegalStateException("secret internals");
        });

        JsonObject body = assertError(post("/v1/IpRecords", "IpAddress", "1.2.3.4"), 500, 20500);

        assertThat(body.encode()).doesNotContain("secret internals");
    }

    @Test
    void upstreamFailureIs502WithoutItsDetail() {
        api.next.set(() -> CompletableFuture.failedFuture(
                new SipmapException.Upstream("remote said: secret", null, new RuntimeException("reset"))));

        JsonObject body = assertError(get("/v1/SourceIpMappings"), 502, 20500);

        assertThat(body.getString("message")).doesNotContain("secret");
    }

    @Test
    void aStoreThatDoesNotAnswerIs503WithRetryAfterAndNoDetail() {
        api.next.set(() -> CompletableFuture.failedFuture(new SipmapException.Unavailable(
                "PostgreSQL is out of reach: Connection refused: /10.1.2.3:5432", null)));

        HttpResponse<Buffer> response = post("/v1/IpRecords", "IpAddress", "192.0.2.1");
        JsonObject body = assertError(response, 503, 20503);

        assertThat(response.getHeader("Retry-After")).isEqualTo("1");
        assertThat(body.getString("message")).contains("try again later").doesNotContain("PostgreSQL", "10.1.2.3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/IpRecords?PageSize=%zz", "/v1/IpRecords?%zz=1", "/v1/IpRecords?Page=%",
            "/v1/IpRecords/%zz", "/v1/IpRecords/%00", "/v1/%E0%A4%A", "/v1/IpRecords?PageToken=%00%FF",
            "/v1/IpRecords?PageSize=1&PageSize=2000", "/v1/../v1/IpRecords/x", "/v1/IpRecords/IL%2F..%2F"})
    void malformedRequestLineIsNever5xx(String uri) {
        HttpResponse<Buffer> response = get(uri);

        assertThat(response.statusCode()).as(uri + " " + response.bodyAsString()).isBetween(200, 499);
        if (response.statusCode() >= 400) {
            assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "POST|/v1/IpRecords?x=%|IpAddress=1.2.3.4",
            "POST|/v1/IpRecords?PageSize=%zz|IpAddress=1.2.3.4",
            "POST|/v1/IpRecords/IL00000000000000000000000000000001?%|FriendlyName=a",
            "DELETE|/v1/IpRecords/IL00000000000000000000000000000001?%E0%A4%A|",
            "DELETE|/v1/SourceIpMappings/IB00000000000000000000000000000001?a=%|"})
    void malformedQueryWithAFormIsAnsweredNotLeftHanging(String method, String uri, String form) {
        post("/v1/IpRecords", "IpAddress", "1.2.3.4");

        HttpResponse<Buffer> response = await(authed(HttpMethod.valueOf(method), uri)
                .putHeader("Content-Type", FORM).sendBuffer(Buffer.buffer(form == null ? "" : form)));

        assertThat(response.statusCode()).as(uri + " " + response.bodyAsString()).isBetween(200, 499);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "application/x-www-form-urlencoded|IpAddress=%zz",
            "application/x-www-form-urlencoded|IpAddress=1.2.3.4&%",
            "application/x-www-form-urlencoded; charset=nonsense|IpAddress=1.2.3.4",
            "application/x-www-form-urlencoded; charset=|IpAddress=1.2.3.4",
            "application/json|{\"IpAddress\":\"1.2.3.4\"}",
            "multipart/form-data|IpAddress=1.2.3.4",
            "multipart/form-data; boundary=xyz|--xyz broken",
            "text/plain|garbage\u00ff",
            "-|IpAddress=1.2.3.4"})
    void malformedBodyIsNever5xx(String contentType, String body) {
        var request = authed(HttpMethod.POST, "/v1/IpRecords");
        if (!contentType.equals("-")) {
            request.putHeader("Content-Type", contentType);
        }

        HttpResponse<Buffer> response = await(request.sendBuffer(Buffer.buffer(body)));

        assertThat(response.statusCode()).as(contentType + " " + response.bodyAsString()).isBetween(200, 499);
    }

    @Test
    void malformedHeadersAreNever5xx() throws Exception {
        for (String head : new String[] {
                "GET /v1/IpRecords HTTP/1.1\r\nHost: \r\n\r\n",
                "GET /v1/IpRecords HTTP/1.1\r\nHost: a b c\r\n\r\n",
                "GET /v1/IpRecords HTTP/1.0\r\n\r\n",
                "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(20000) + "\r\n\r\n",
                "GET /" + "a".repeat(10000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "BREW /v1/IpRecords HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"}) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                String answer = readHead(socket.getInputStream());
                assertThat(answer).as(head.length() > 60 ? head.substring(0, 60) : head)
                        .matches("(?s)(HTTP/1\\.[01] [1-4]\\d\\d .*)?");
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "GET /v1/IpRecords HTTP/1.1\\nHost: x\\rX: y\\n\\n|400",
            "GET /v1/IpRecords HTTP/1.1\\r\\nHost: x\\r\\nX: y\\rz\\r\\n\\r\\n|400",
            "LONGLINE|414",
            "LONGHEADER|431"})
    void codecFailuresGetTheStatusOfWhatFailed(String head, int status) throws Exception {
        String request = head.equals("LONGLINE") ? "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n"
                : head.equals("LONGHEADER") ? "GET / HTTP/1.1\r\nHost: x\r\nX: " + "b".repeat(9000) + "\r\n\r\n"
                : head.replace("\\r", "\r").replace("\\n", "\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));

            String answer = readHead(socket.getInputStream());

            assertThat(answer).as(head).matches("(?s)HTTP/1\\.[01] " + status + " .*");
        }
    }

    private HttpResponse<Buffer> postRaw(String uri, String form) {
        return await(authed(HttpMethod.POST, uri).putHeader("Content-Type", FORM).sendBuffer(Buffer.buffer(form)));
    }

    /** The status line and headers of the answer, or "" when the server closed the connection without one. */
    static String readHead(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
