package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients that break HTTP rather than the API: bodies far over the limit, clients that stop sending, hundreds of idle
 * connections, request lines and headers over Vert.x's limits, and bytes HTTP decoding refuses. The server runs with
 * a 1 s idle timeout here.
 */
class ProtocolAbuseTest {

    static final Duration IDLE = Duration.ofSeconds(1);
    static final String AUTH = "Authorization: Basic " + Base64.getEncoder().encodeToString(
            (LocalServer.ACCOUNT.value() + ":" + LocalServer.TOKEN).getBytes(StandardCharsets.UTF_8));

    static LocalServer server;
    static RawHttp http;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        server = new LocalServer(options -> options.withIdleTimeout(IDLE));
        port = server.verticle.actualPort();
        http = new RawHttp(server.vertx, port, 8);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        server.close();
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aChunkedBodyOfManyMegabytesIsRefusedWith413BeforeTheClientHasSentIt() throws Exception {
        long most = 256L << 20;
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(ascii("POST /v1/IpRecords HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\nContent-Type: "
                    + RawHttp.FORM + "\r\nTransfer-Encoding: chunked\r\n\r\n"));
            AtomicLong written = new AtomicLong();
            AtomicBoolean answered = new AtomicBoolean();
            byte[] chunk = ascii(Integer.toHexString(65536) + "\r\n" + "x".repeat(65536) + "\r\n");
            CompletableFuture<String> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    while (written.get() < most) {
                        out.write(chunk);
                        written.addAndGet(65536);
                    }
                    return "the server read all " + (most >> 20) + " MiB";
                } catch (IOException e) {
                    return "the server closed the connection: " + e.getMessage();
                }
            });

            String answer = RawHttp.readAnswer(socket.getInputStream());
            answered.set(true);
            long atAnswer = written.get();
            String writerEnd = writer.get(30, TimeUnit.SECONDS);

            JsonObject error = RawHttp.assertRawTwilioError(answer);
            assertThat(error.getInteger("status")).isEqualTo(413);
            assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("connection: close");
            assertThat(atAnswer).as("bytes sent before the 413 came").isLessThan(most);
            assertThat(writerEnd).as("the server stops reading").startsWith("the server closed");
            assertThat(written.get() - atAnswer).as("bytes sent after the 413 came").isLessThan(most / 4);
            System.out.printf("ProtocolAbuseTest: 413 after %d KiB of a chunked body (of up to %d MiB); writer: %s;"
                    + " %d KiB sent in all%n", atAnswer >> 10, most >> 20, writerEnd, written.get() >> 10);
        }
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBody() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(ascii("POST /v1/IpRecords HTTP/1.1\r\nHost: x\r\n" + AUTH
                    + "\r\nContent-Type: " + RawHttp.FORM + "\r\nContent-Length: 1000000000\r\n\r\nIpAddress=1.2.3.4"));

            assertThat(RawHttp.assertRawTwilioError(RawHttp.readAnswer(socket.getInputStream())).getInteger("status"))
                    .isEqualTo(413);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", // connected, says nothing
            "GET /v1/IpRecords HTT", // stops in the request line
            "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\nAuthoriz", // stops in the headers
            "POST /v1/IpRecords HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 100\r\n\r\nIpAddress=1.", // stops in the body
            "POST /v1/IpRecords HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nIpAdd"})
    void aClientThatStopsSendingIsCutOffByTheIdleTimeout(String partial) throws Exception {
        String withAuth = partial.replace("Host: x\r\n", "Host: x\r\n" + AUTH + "\r\n");
        try (Socket socket = connect()) {
            long start = System.nanoTime();
            socket.getOutputStream().write(ascii(withAuth));
            socket.getOutputStream().flush();

            InputStream in = socket.getInputStream();
            String answer = RawHttp.readAnswer(in);
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(answer).as("no answer to a request never finished").isEmpty();
            assertThat(millis).as("closed after the idle timeout, not before, and not much later")
                    .isBetween(IDLE.toMillis() - 100, IDLE.toMillis() + 5_000);
        }
    }

    /** Never idle, never done: a byte every 150 ms, with 1 s to send a request and a 10 s idle timeout. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aClientTricklingItsHeadOrBodyIsCutOffByTheRequestTimeout(boolean inTheBody) throws Exception {
        Duration timeout = Duration.ofSeconds(1);
        try (LocalServer own = new LocalServer(options -> options.withIdleTimeout(Duration.ofSeconds(10))
                .withRequestTimeout(timeout));
             Socket socket = new Socket("127.0.0.1", own.verticle.actualPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            String head = "POST /v1/IpRecords HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\nContent-Type: " + RawHttp.FORM
                    + "\r\nContent-Length: 200\r\n\r\n";
            String trickled = inTheBody ? "IpAddress=1.2.3.4&FriendlyName=" + "x".repeat(200) : head;
            if (inTheBody) {
                out.write(ascii(head));
            }
            long start = System.nanoTime();
            CompletableFuture<String> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    for (int i = 0; i < trickled.length(); i++) {
                        out.write(trickled.charAt(i));
                        out.flush();
                        Thread.sleep(150);
                    }
                    return "sent it all";
                } catch (IOException e) {
                    return "cut off";
                } catch (InterruptedException e) {
                    return "interrupted";
                }
            });

            String answer = RawHttp.readAnswer(socket.getInputStream());
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(millis).isBetween(timeout.toMillis() - 100, timeout.toMillis() + 3_000);
            if (inTheBody) {
                assertThat(RawHttp.assertRawTwilioError(answer).getInteger("status")).isEqualTo(408);
                assertThat(RawHttp.readAnswer(socket.getInputStream())).as("then closed").isEmpty();
            } else {
                assertThat(answer).as("closed without an answer").isEmpty();
            }
            assertThat(writer.get(10, TimeUnit.SECONDS)).isEqualTo("cut off");
        }
    }

    @Test
    void aKeptAliveConnectionHasTheRequestTimeoutAfreshForEachRequest() throws Exception {
        // four requests 800 ms apart outlast one 2 s timeout, which leaves each request room on a loaded machine
        try (LocalServer own = new LocalServer(options -> options.withRequestTimeout(Duration.ofSeconds(2)));
             Socket socket = new Socket("127.0.0.1", own.verticle.actualPort())) {
            socket.setSoTimeout(10_000);
            for (int i = 0; i < 4; i++) {
                socket.getOutputStream().write(ascii("GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n\r\n"));
                assertThat(RawHttp.readAnswer(socket.getInputStream())).as("request %d", i).startsWith("HTTP/1.1 200");
                Thread.sleep(800);
            }
        }
    }

    @Test
    void twoHundredIdleConnectionsDoNotStopOthersBeingServed() throws Exception {
        List<Socket> idle = new ArrayList<>();
        Duration longer = Duration.ofSeconds(4);
        try (LocalServer own = new LocalServer(options -> options.withIdleTimeout(longer));
             RawHttp client = new RawHttp(own.vertx, own.verticle.actualPort(), 2)) {
            for (int i = 0; i < 200; i++) {
                Socket socket = new Socket("127.0.0.1", own.verticle.actualPort());
                socket.setSoTimeout(15_000);
                if (i % 2 == 1) {
                    socket.getOutputStream().write(ascii("GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\n"));
                }
                idle.add(socket);
            }
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                RawHttp.Answer answer = client.get("/v1/IpRecords", LocalServer.ACCOUNT.value(), LocalServer.TOKEN);
                assertThat(answer.status()).isEqualTo(200);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).as("20 requests served while 200 idle connections are still open")
                    .isLessThan(longer.toMillis() - 1000);
            System.out.printf("ProtocolAbuseTest: 20 requests served in %d ms beside 200 idle connections%n", millis);

            int closed = 0;
            for (Socket socket : idle) {
                if (RawHttp.readAnswer(socket.getInputStream()).isEmpty()) {
                    closed++;
                }
            }
            assertThat(closed).as("idle connections closed by the server").isEqualTo(200);
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void aRequestLineOverVertxsLimitIsA414TwilioError() throws Exception {
        String answer = http.exchange(ascii("GET /v1/IpRecords/" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n"
                + AUTH + "\r\n\r\n"), 10_000);

        assertThat(RawHttp.assertRawTwilioError(answer).getInteger("status")).isEqualTo(414);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 40})
    void headersOverVertxsLimitAreA431TwilioError(int count) throws Exception {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < count; i++) {
            headers.append("X-Filler-").append(i).append(": ").append("f".repeat(9000 / count)).append("\r\n");
        }
        String answer = http.exchange(ascii("GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n" + headers
                + "\r\n"), 10_000);

        assertThat(RawHttp.assertRawTwilioError(answer).getInteger("status")).isEqualTo(431);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GET /v1/IpRecords\r\nHost: x\r\n",
            "GET /v1/IpRecords HTTP/1.1 extra\r\nHost: x\r\n",
            " GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\n",
            "G\u0000T /v1/IpRecords HTTP/1.1\r\nHost: x\r\n",
            "GET /v1/Ip\u00ffRecords HTTP/1.1\r\nHost: x\r\n",
            "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n",
            "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n",
            "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\nX Space: a\r\n",
            "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\n: no name\r\n",
            "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n",
            "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n",
            "POST /v1/IpRecords HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n",
            "POST /v1/IpRecords HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked, identity\r\n",
            "GET /v1/IpRecords HTTP/1.1\nHost: x\n"})
    void requestsHttpDecodingRefusesAreA4xxOrAClose(String head) throws Exception {
        String request = head.replace("Host: x\r\n", "Host: x\r\n" + AUTH + "\r\n").replace("Host: x\n",
                "Host: x\n" + AUTH + "\n") + (head.contains("\r\n") ? "\r\n" : "\n");

        String answer = http.exchange(ascii(request), 5_000);

        assertThat(answer).as("%s -> %s", head, RawHttp.abbreviate(answer))
                .matches("(?s)(HTTP/1\\.[01] [1-4]\\d\\d .*)?");
        if (answer.matches("(?s)HTTP/1\\.[01] 4\\d\\d .*")) {
            RawHttp.assertRawTwilioError(answer);
        }
    }

    /**
     * The one 5xx bad input still gets, documented rather than fixed: a request line whose version Netty parses
     * ({@code name/major.minor}) but that is not HTTP/1.0 or 1.1. Vert.x 5.0.7's {@code Http1xServerRequestHandler}
     * answers it {@code 501} with an empty body and closes the connection before any handler runs;
     * {@code invalidRequestHandler} only sees requests that failed to decode, and the server offers no other hook. No
     * HTTP client sends such a line, and the connection is closed, so nothing is retried on it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"HTTP/9.9", "HTTP/2.0", "FOO/1.1", "HTTP/1.2"})
    void anUnsupportedHttpVersionGetsVertxsOwn501AndAClose(String version) throws Exception {
        String answer = http.exchange(ascii("GET /v1/IpRecords " + version + "\r\nHost: x\r\n" + AUTH + "\r\n\r\n"),
                5_000);

        assertThat(answer).startsWith(version + " 501 Not Implemented\r\n").containsIgnoringCase("content-length: 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz\r\nIpAddress=1.2.3.4\r\n0\r\n\r\n", "-1\r\nx\r\n0\r\n\r\n",
            "ffffffffffffffffff\r\nx\r\n", "5\r\nIpAddressXXXXXX\r\n0\r\n\r\n"})
    void aMalformedChunkedBodyIsA4xxOrAClose(String chunks) throws Exception {
        String answer = http.exchange(ascii("POST /v1/IpRecords HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\nContent-Type: "
                + RawHttp.FORM + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks), 5_000);

        assertThat(answer).as(RawHttp.abbreviate(answer)).matches("(?s)(HTTP/1\\.[01] 4\\d\\d .*)?");
        if (!answer.isEmpty()) {
            RawHttp.assertRawTwilioError(answer);
        }
    }

    @Test
    void expectContinueIsAnsweredOnEveryMethod() throws Exception {
        for (String method : new String[] {"POST", "GET", "HEAD", "DELETE", "PUT"}) {
            try (Socket socket = connect()) {
                OutputStream out = socket.getOutputStream();
                out.write(ascii(method + " /v1/IpRecords HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\nContent-Type: "
                        + RawHttp.FORM + "\r\nExpect: 100-continue\r\nContent-Length: 17\r\n\r\n"));
                InputStream in = socket.getInputStream();
                assertThat(RawHttp.readAnswer(in)).as(method).startsWith("HTTP/1.1 100 Continue");
                out.write(ascii("IpAddress=1.2.3.4"));

                String answer = RawHttp.readAnswer(in);

                assertThat(answer).as(method).matches("(?s)HTTP/1\\.1 (201|200|405) .*");
            }
        }
    }

    @Test
    void aBodyFarOverTheLimitWithoutCredentialsIsRefusedWithoutReadingIt() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(ascii("POST /v1/IpRecords HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    + RawHttp.FORM + "\r\nContent-Length: 1000000000\r\n\r\nIpAddress=1.2.3.4"));

            JsonObject error = RawHttp.assertRawTwilioError(RawHttp.readAnswer(socket.getInputStream()));

            assertThat(error.getInteger("status")).isEqualTo(401);
        }
    }
}
