package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every source of a Twilio error body (the failure handler, the slow-client timer, the HTTP decoder's invalid-request
 * handler) answers through {@link Answers}, with Twilio's bytes: checked on the raw socket, as a client reads them.
 */
@ExtendWith(VertxExtension.class)
class AnswersTest {

    private static final String AUTHORIZATION = "Authorization: Basic " + Base64.getEncoder().encodeToString(
            (ServerTestBase.ACCOUNT.value() + ":" + ServerTestBase.TOKEN).getBytes(StandardCharsets.UTF_8)) + "\r\n";

    private final FakeApi api = new FakeApi();
    private int port;

    @BeforeEach
    void deploy(Vertx vertx) throws Exception {
        var verticle = new SipmapVerticle(api.sourceIpMappings, api.ipRecords,
                SipmapServerOptions.of(ServerTestBase.CREDENTIALS).withPort(0).withHost("127.0.0.1")
                        .withRequestTimeout(Duration.ofMillis(300)));
        vertx.deployVerticle(verticle).await(5, TimeUnit.SECONDS);
        port = verticle.actualPort();
    }

    @Test
    void theFailureHandlersErrorHasTwilioBytes() throws Exception {
        String answer = exchange("GET /v1/Nothing HTTP/1.1\r\nHost: h\r\n" + AUTHORIZATION
                + "Connection: close\r\n\r\n");

        assertError(answer, 404, 20404, "The requested resource /v1/Nothing was not found");
        assertThat(header(answer, "connection")).isEqualTo("close");
    }

    @Test
    void theFailureHandlersChallengeKeepsItsHeader() throws Exception {
        String answer = exchange("GET /v1/IpRecords HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");

        assertError(answer, 401, 20003, "Authenticate");
        assertThat(header(answer, "www-authenticate")).isEqualTo("Basic realm=\"Twilio API\"");
    }

    @Test
    void aSlowClientsTimeoutHasTwilioBytesAndClosesTheConnection() throws Exception {
        // a head that promises a body never sent: the request has begun, and times out
        String answer = exchange("POST /v1/IpRecords HTTP/1.1\r\nHost: h\r\n" + AUTHORIZATION + "Content-Length: 10\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n\r\nIp");

        assertError(answer, 408, 20001, "Request timeout: the request was not received in time");
        assertThat(header(answer, "connection")).isEqualTo("close");
    }

    @Test
    void anInvalidRequestHasTwilioBytesAndClosesTheConnection() throws Exception {
        String answer = exchange("GET /v1/IpRecords HTTP/1.1\r\nHost: h\r\nX-Long: " + "x".repeat(20_000)
                + "\r\n\r\n");

        assertError(answer, 431, 20001, "Request line or headers too large");
        assertThat(header(answer, "connection")).isEqualTo("close");
    }

    @Test
    void anErrorBodyIsWhatJsonObjectEncodes() {
        for (String message : new String[] {"plain", "quote \" backslash \\ newline \n tab \t", "café \u0001 😀"}) {
            var error = new ErrorAnswer(400, 20001, message, Map.of("Retry-After", "1"));
            String expected = new JsonObject().put("code", 20001).put("message", message)
                    .put("more_info", "https://www.twilio.com/docs/errors/20001").put("status", 400).encode();

            assertThat(error.write(new JsonWriter(1)).toString()).as(message).isEqualTo(expected);
        }
    }

    private static void assertError(String answer, int status, int code, String message) {
        assertThat(answer).startsWith("HTTP/1.1 " + status + " ");
        assertThat(header(answer, "content-type")).isEqualTo("application/json");
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        String expected = "{\"code\":" + code + ",\"message\":\"" + message
                + "\",\"more_info\":\"https://www.twilio.com/docs/errors/" + code + "\",\"status\":" + status + "}";
        assertThat(body).isEqualTo(expected);
        assertThat(header(answer, "content-length")).isEqualTo(
                Integer.toString(expected.getBytes(StandardCharsets.UTF_8).length));
    }

    private static String header(String answer, String name) {
        for (String line : answer.substring(0, answer.indexOf("\r\n\r\n")).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** Sends {@code request} and reads until the server closes the connection. */
    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            for (int n; (n = in.read(chunk)) >= 0; ) {
                answer.write(chunk, 0, n);
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
