package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every answer carries {@code Twilio-Request-Id: RQ} and 32 hex digits, whoever writes it: the handlers, the failure
 * handler, CORS preflights, the slow-client timer and the HTTP decoder's refusals. The request's log line carries the
 * same id. Over raw sockets against {@link SipmapVerticle}, so that nothing between test and server hides a header.
 */
@ExtendWith(VertxExtension.class)
class RequestIdHttpTest {

    private static final Pattern ID = Pattern.compile("(?im)^Twilio-Request-Id: (RQ[0-9a-f]{32})$");
    private static final String AUTH = "Authorization: Basic " + Base64.getEncoder().encodeToString(
            (ServerTestBase.ACCOUNT.value() + ":" + ServerTestBase.TOKEN).getBytes(StandardCharsets.UTF_8));

    private final Logger requests = Logger.getLogger(RequestLog.LOGGER);
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private int port;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        requests.addHandler(capture);
        var options = SipmapServerOptions.of(ServerTestBase.CREDENTIALS).withPort(0).withRequestLog(true)
                .withBodyLimit(1024).withRequestTimeout(Duration.ofMillis(300));
        var verticle = new SipmapVerticle(new FakeApi().sourceIpMappings, new FakeApi().ipRecords, options);
        vertx.deployVerticle(verticle).await(5, TimeUnit.SECONDS);
        port = verticle.actualPort();
    }

    @AfterEach
    void stop() {
        requests.removeHandler(capture);
    }

    @Test
    void everyKindOfAnswerCarriesADistinctRequestId() throws Exception {
        String form = "Content-Type: application/x-www-form-urlencoded\r\n";
        Map<String, String> requestsByStatus = new LinkedHashMap<>();
        requestsByStatus.put("200", "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n\r\n");
        requestsByStatus.put("201", "POST /v1/IpRecords HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n" + form
                + "Content-Length: 19\r\n\r\nIpAddress=192.0.2.1");
        requestsByStatus.put("204", "OPTIONS /v1/IpRecords HTTP/1.1\r\nHost: x\r\nOrigin: https://a.example\r\n"
                + "Access-Control-Request-Method: POST\r\n\r\n");
        requestsByStatus.put("401", "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\n\r\n");
        requestsByStatus.put("404", "GET /v1/Nothing HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n\r\n");
        requestsByStatus.put("405", "PUT /v1/IpRecords HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n\r\n");
        requestsByStatus.put("413", "POST /v1/IpRecords HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n" + form
                + "Content-Length: 5000\r\n\r\n" + "x".repeat(5000));
        requestsByStatus.put("408", "POST /v1/IpRecords HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n" + form
                + "Content-Length: 100\r\n\r\nIpAddress=");
        requestsByStatus.put("414", "GET /v1/IpRecords?x=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        requestsByStatus.put("431", "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000)
                + "\r\n\r\n");
        requestsByStatus.put("400", "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");

        var ids = new HashSet<String>();
        for (var entry : requestsByStatus.entrySet()) {
            String answer = exchange(entry.getValue());
            assertThat(answer).as(entry.getKey()).matches("(?s)HTTP/1\\.[01] " + entry.getKey() + " .*");
            Matcher id = ID.matcher(answer);
            assertThat(id.find()).as(entry.getKey() + ":\n" + answer).isTrue();
            assertThat(ids.add(id.group(1))).as("unique " + id.group(1)).isTrue();
            assertThat(id.find()).as("one id only, " + entry.getKey()).isFalse();
        }
    }

    @Test
    void theLogLineOfARequestCarriesTheIdOfItsAnswer() throws Exception {
        List<String> answered = new ArrayList<>();
        for (String request : List.of("GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n\r\n",
                "GET /v1/IpRecords HTTP/1.1\r\nHost: x\r\n\r\n")) {
            Matcher id = ID.matcher(exchange(request));
            assertThat(id.find()).isTrue();
            answered.add(id.group(1));
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (logged.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(logged).hasSize(2);
        for (int i = 0; i < 2; i++) {
            LogRecord record = logged.get(i);
            assertThat(record.getLevel()).isEqualTo(Level.INFO);
            assertThat(record.getParameters()).hasSize(RequestLog.FIELDS.size());
            assertThat(record.getParameters()[RequestLog.FIELDS.indexOf("request_id")]).isEqualTo(answered.get(i));
            assertThat(java.text.MessageFormat.format(record.getMessage(), record.getParameters()))
                    .isEqualTo("GET /v1/IpRecords " + (i == 0 ? 200 : 401) + " "
                            + record.getParameters()[3] + " ms " + answered.get(i));
        }
    }

    @Test
    void idsAreUniqueAndLookRandomAcrossThreads() throws Exception {
        var ids = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    ids.add(RequestIds.next());
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(ids).hasSize(200_000).allMatch(id -> id.matches("RQ[0-9a-f]{32}"));
        // consecutive ids of one thread share no long prefix, as a counter's would
        String a = RequestIds.next();
        String b = RequestIds.next();
        assertThat(a.substring(0, 10)).isNotEqualTo(b.substring(0, 10));
    }

    /** Sends {@code request} and reads the answer until the server closes, or for at most a second after it. */
    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            try {
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    answer.write(chunk, 0, n);
                    String text = answer.toString(StandardCharsets.ISO_8859_1);
                    if (complete(text)) {
                        break;
                    }
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // what came is the answer
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Whether {@code text} holds a whole answer: its head, and a body of its Content-Length. */
    private static boolean complete(String text) {
        int head = text.indexOf("\r\n\r\n");
        if (head < 0) {
            return false;
        }
        Matcher length = Pattern.compile("(?im)^content-length: (\\d+)$").matcher(text.substring(0, head));
        int body = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return text.length() >= head + 4 + body;
    }
}
