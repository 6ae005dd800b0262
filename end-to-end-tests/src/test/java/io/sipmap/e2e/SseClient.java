package io.sipmap.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server-sent events client for tests, reading a real stream over a real socket: each event (its id, type and data)
 * and each comment arrives in a queue, and the end of the stream as {@link #END}. Everything waits with a timeout.
 */
final class SseClient implements AutoCloseable {

    /** One frame of the stream; a comment has only {@code comment}. */
    record Frame(String id, String event, String data, String comment) {
    }

    /** The stream's end as HTTP ends a response: the last chunk, then the connection's end or reuse. */
    static final Frame END = new Frame(null, null, null, "(end of stream)");
    /** The stream cut short: the connection closed before the response's last chunk. */
    static final Frame CUT = new Frame(null, null, null, "(stream cut)");
    private static final Duration WAIT = Duration.ofSeconds(10);

    final HttpResponse<InputStream> response;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final Thread reader;

    /** The body of an answer other than 200, read whole; null for a stream. */
    final String errorBody;

    private SseClient(HttpResponse<InputStream> response) throws IOException {
        this.response = response;
        this.reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        if (response.statusCode() == 200) {
            errorBody = null;
            reader.start();
        } else {
            errorBody = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Opens {@code url} as {@code user:password} with the extra request {@code headers}; any status. */
    static SseClient open(HttpClient http, String url, String user, String password, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET()
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        headers.forEach(request::header);
        return new SseClient(http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        frames.add(new Frame(id, event, data.toString(), null));
                    }
                    id = null;
                    event = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    frames.add(new Frame(null, null, null, line.substring(1).trim()));
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line, 6,
                            line.length());
                } else if (line.startsWith("retry: ")) {
                    frames.add(new Frame(null, "retry", line.substring(7), null));
                }
            }
            frames.add(END);
        } catch (IOException e) {
            frames.add(CUT);
        }
    }

    /** The next frame that is not a comment nor the retry advice; fails after 10 s. */
    Frame next() throws InterruptedException {
        while (true) {
            Frame frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no event within " + WAIT);
            }
            if (frame == END || frame == CUT || frame.comment() == null && !"retry".equals(frame.event())) {
                return frame;
            }
        }
    }

    /** The next {@code count} events. */
    List<Frame> next(int count) throws InterruptedException {
        List<Frame> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(next());
        }
        return events;
    }

    /** The next frame of any kind, comments and retry included, or null after {@code wait}. */
    Frame poll(Duration wait) throws InterruptedException {
        return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether nothing but comments arrives within {@code wait}. */
    boolean quietFor(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            Frame frame = frames.poll(left, TimeUnit.NANOSECONDS);
            if (frame != null && frame.comment() == null && !"retry".equals(frame.event())) {
                return false;
            }
        }
    }

    @Override
    public void close() throws Exception {
        response.body().close();
        if (reader.isAlive()) {
            reader.join(WAIT.toMillis());
        }
    }
}
