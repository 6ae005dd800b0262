package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client that sends what a test asks, malformed or not: Vert.x's {@code HttpClient} for anything it lets through
 * (any method, raw URI, any header, any body bytes), a plain socket for bytes no client would send. Every wait has a
 * timeout, and a server that does not answer in time fails the test as a hang.
 */
final class RawHttp implements AutoCloseable {

    static final String FORM = "application/x-www-form-urlencoded";

    /** What came back. */
    record Answer(int status, MultiMap headers, Buffer body) {
        String contentType() {
            return headers.get("Content-Type");
        }

        JsonObject json() {
            return new JsonObject(body);
        }

        @Override
        public String toString() {
            String text = body.toString(StandardCharsets.UTF_8);
            return status + " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
    }

    private final HttpClientAgent client;
    private final int port;

    RawHttp(Vertx vertx, int port, int connections) {
        this.port = port;
        this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
                .setConnectTimeout(5000).setIdleTimeout(20).setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(connections));
    }

    /** Sends asynchronously; the future fails if no whole answer came in 10 s. */
    Future<Answer> sendAsync(String method, String uri, List<Map.Entry<String, String>> headers, byte[] body) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(method)).setURI(uri)
                .setIdleTimeout(10_000);
        return client.request(options).compose(request -> {
            for (Map.Entry<String, String> header : headers) {
                request.headers().add(header.getKey(), header.getValue());
            }
            Future<HttpClientResponse> sent = body == null ? request.send() : request.send(Buffer.buffer(body));
            return sent.compose(response -> response.body()
                    .map(bytes -> new Answer(response.statusCode(), response.headers(), bytes)));
        });
    }

    /** Sends and waits at most 15 s for the whole answer. */
    Answer send(String method, String uri, List<Map.Entry<String, String>> headers, byte[] body) {
        try {
            return sendAsync(method, uri, headers, body).await(15, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer in 15 s to " + method + " " + abbreviate(uri), e);
        }
    }

    Answer get(String uri, String user, String password) {
        return send("GET", uri, List.of(basic(user, password)), null);
    }

    Answer post(String uri, String user, String password, String form) {
        return send("POST", uri, List.of(basic(user, password), Map.entry("Content-Type", FORM)),
                form.getBytes(StandardCharsets.UTF_8));
    }

    Answer delete(String uri, String user, String password) {
        return send("DELETE", uri, List.of(basic(user, password)), null);
    }

    static Map.Entry<String, String> basic(String user, String password) {
        return Map.entry("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Writes raw bytes on a fresh connection and reads what comes back until the server closes or resets it or the
     * answer's declared length is read; fails as a hang if {@code readTimeoutMillis} pass without a byte first.
     */
    String exchange(byte[] bytes, int readTimeoutMillis) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(readTimeoutMillis);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return readAnswer(socket.getInputStream());
        }
    }

    /** One answer: head, then the body by Content-Length when there is one, else until the connection closes. */
    static String readAnswer(InputStream in) throws Exception {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        int contentLength = -1;
        int headEnd = -1;
        try {
            int b;
            while ((b = in.read()) != -1) {
                read.write(b);
                if (headEnd < 0) {
                    String text = read.toString(StandardCharsets.ISO_8859_1);
                    if (text.endsWith("\r\n\r\n")) {
                        headEnd = read.size();
                        contentLength = contentLength(text);
                        if (contentLength == 0 || text.matches("(?s)HTTP/1\\.[01] 1\\d\\d .*")) {
                            break;
                        }
                    }
                } else if (contentLength >= 0 && read.size() - headEnd >= contentLength) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("neither a whole answer nor a close before the read timeout; read: "
                    + abbreviate(read.toString(StandardCharsets.ISO_8859_1)), e);
        } catch (java.net.SocketException e) {
            // reset: what was read is the answer
        }
        return read.toString(StandardCharsets.ISO_8859_1);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                try {
                    return Integer.parseInt(line.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Asserts a Twilio error: JSON, exactly code/message/more_info/status, status as on the status line. */
    static JsonObject assertTwilioError(Answer answer) {
        assertThat(answer.status()).as("%s", answer).isBetween(400, 499);
        assertThat(answer.contentType()).as("Content-Type of %s", answer).isEqualTo("application/json");
        JsonObject body = answer.json();
        assertThat(new ArrayList<>(body.fieldNames())).as("%s", answer)
                .containsExactly("code", "message", "more_info", "status");
        assertThat(body.getInteger("status")).as("%s", answer).isEqualTo(answer.status());
        assertThat(body.getString("more_info")).isEqualTo("https://www.twilio.com/docs/errors/" + body.getInteger("code"));
        assertThat(body.getString("message")).isNotBlank();
        return body;
    }

    /** The JSON body of a raw answer, after its head; asserts a Twilio error with the head's status. */
    static JsonObject assertRawTwilioError(String answer) {
        // Vert.x repeats the request's version in the status line, whatever it was
        assertThat(answer).as(abbreviate(answer)).matches("(?s)\\S+ 4\\d\\d .*");
        int status = Integer.parseInt(answer.substring(answer.indexOf(' ') + 1, answer.indexOf(' ') + 4));
        String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
        assertThat(head).as(abbreviate(answer)).contains("content-type: application/json");
        JsonObject body = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertThat(new ArrayList<>(body.fieldNames())).containsExactly("code", "message", "more_info", "status");
        assertThat(body.getInteger("status")).isEqualTo(status);
        return body;
    }

    static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    @Override
    public void close() {
        try {
            client.close().await(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the client did not close in 5 s", e);
        }
    }
}
