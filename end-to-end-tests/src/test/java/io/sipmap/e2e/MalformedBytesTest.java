package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Bytes no HTTP client would send: valid requests with random bytes inserted, deleted and replaced, written on a plain
 * socket, ten connections at a time. The answer is a non-5xx status line (a 4xx with a Twilio body) or a closed
 * connection, within a few seconds: the server runs with a 200 ms idle timeout, so a request left incomplete by the
 * mutation is closed, never left hanging. The one 5xx allowed is Vert.x's own 501 to a version other than HTTP/1.0
 * and 1.1 (see {@link ProtocolAbuseTest}).
 */
class MalformedBytesTest {

    static final int BATCH = 10;
    static final String AUTH = "Authorization: Basic " + Base64.getEncoder().encodeToString(
            (LocalServer.ACCOUNT.value() + ":" + LocalServer.TOKEN).getBytes(StandardCharsets.UTF_8));
    static final List<String> VALID = List.of(
            "GET /v1/IpRecords?PageSize=2&Page=0 HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n\r\n",
            "POST /v1/IpRecords HTTP/1.1\r\nHost: x\r\n" + AUTH
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 37\r\n\r\n"
                    + "IpAddress=192.0.2.1&FriendlyName=a%20b",
            "POST /v1/SourceIpMappings HTTP/1.1\r\nHost: x\r\n" + AUTH
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "d\r\nIpRecordSid=I\r\n0\r\n\r\n",
            "DELETE /v1/IpRecords/IL00000000000000000000000000000001 HTTP/1.1\r\nHost: x\r\n" + AUTH
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n\r\n",
            "GET /v1/SourceIpMappings/IB00000000000000000000000000000001 HTTP/1.0\r\n" + AUTH + "\r\n\r\n");

    static LocalServer server;
    static RawHttp http;
    static ExecutorService pool;
    static final AtomicInteger sent = new AtomicInteger();
    static final Map<String, AtomicInteger> outcomes = new TreeMap<>();

    @BeforeContainer
    static void start() throws Exception {
        server = new LocalServer(options -> options.withIdleTimeout(Duration.ofMillis(200)));
        http = new RawHttp(server.vertx, server.verticle.actualPort(), 1);
        pool = Executors.newFixedThreadPool(BATCH);
    }

    @AfterContainer
    static void stop() throws Exception {
        System.out.printf("MalformedBytesTest: %d mutated requests sent on sockets; outcomes %s%n", sent.get(),
                outcomes);
        pool.shutdownNow();
        http.close();
        server.close();
    }

    /** One mutation: at a position, delete some bytes and insert others. */
    record Mutation(double at, int delete, byte[] insert) {
    }

    @Provide
    Arbitrary<List<List<Mutation>>> batches() {
        Arbitrary<byte[]> insert = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(4),
                Arbitraries.of("\r\n", "\n", "\r", ":", " ", "\u0000", "%", "/", "9", "HTTP/9.9", "\r\n\r\n",
                                "Content-Length: 99\r\n", "Transfer-Encoding: chunked\r\n", "\u00ff\u00fe", "?x=%",
                                "Host: y\r\n")
                        .map(s -> s.getBytes(StandardCharsets.ISO_8859_1)));
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(0, 6), insert).as(Mutation::new);
        return mutation.list().ofMinSize(1).ofMaxSize(4).list().ofSize(BATCH);
    }

    @Property(tries = 60)
    void mutatedRequestsAreAnsweredWithoutA5xxOrClosed(@ForAll("batches") List<List<Mutation>> batch)
            throws Exception {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        List<byte[]> requests = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            byte[] request = mutate(VALID.get(i % VALID.size()).getBytes(StandardCharsets.ISO_8859_1), batch.get(i));
            requests.add(request);
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return http.exchange(request, 5_000);
                } catch (Exception e) {
                    return "<" + e + ">";
                }
            }, pool));
        }
        for (int i = 0; i < answers.size(); i++) {
            String answer = answers.get(i).get(10, TimeUnit.SECONDS);
            String request = new String(requests.get(i), StandardCharsets.ISO_8859_1);
            String firstLine = request.split("\r?\n", 2)[0];
            sent.incrementAndGet();
            java.util.regex.Matcher status = java.util.regex.Pattern.compile("^\\S+ (\\d{3}) ").matcher(answer);
            String outcome = answer.isEmpty() ? "closed" : answer.startsWith("<") ? "reset"
                    : status.find() ? status.group(1) : "other";
            synchronized (outcomes) {
                outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
            }
            String what = RawHttp.abbreviate(request.replace("\r", "\\r").replace("\n", "\\n")) + " -> "
                    + RawHttp.abbreviate(answer);
            assertThat(answer).as(what).doesNotContain(LocalServer.TOKEN);
            if (answer.isEmpty() || answer.startsWith("<")) {
                continue; // closed or reset: no answer is an answer, a hang would have timed out above
            }
            String[] tokens = firstLine.trim().split("[ \t\r\u000b\f]+");
            String version = tokens[tokens.length - 1];
            boolean oddVersion = !version.equals("HTTP/1.0") && !version.equals("HTTP/1.1");
            if (oddVersion && answer.matches("(?s)\\S+ 501 Not Implemented\r\n.*")) {
                continue;
            }
            assertThat(answer).as(what).matches(oddVersion ? "(?s)\\S+ [1-4]\\d\\d .*" : "(?s)HTTP/1\\.[01] [1-4]\\d\\d .*");
            if (answer.matches("(?s)\\S+ 4\\d\\d .*")) {
                RawHttp.assertRawTwilioError(answer);
            }
        }
    }

    private static byte[] mutate(byte[] request, List<Mutation> mutations) {
        byte[] bytes = request;
        for (Mutation m : mutations) {
            int at = (int) Math.min(bytes.length, Math.floor(m.at() * bytes.length));
            int delete = Math.min(m.delete(), bytes.length - at);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(bytes, 0, at);
            out.writeBytes(m.insert());
            out.write(bytes, at + delete, bytes.length - at - delete);
            bytes = out.toByteArray();
        }
        return bytes;
    }
}
