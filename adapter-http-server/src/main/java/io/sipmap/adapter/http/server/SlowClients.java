package io.sipmap.adapter.http.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Cuts off clients that send too slowly to be idle: one byte now and then keeps a connection from the idle timeout
 * while it holds a connection and a request open for ever. Each HTTP/1 connection gets {@code timeout} to send a
 * request's head, from its opening or from the end of the previous answer, and each request {@code timeout} to
 * send its body, from its head; a connection that does not is closed, after a 408 when the request had begun and no
 * answer had. Checked by one periodic timer, so a client is cut off between {@code timeout} and {@code timeout} plus
 * a tenth of it. Runs on the verticle's event loop only, where its connections and requests are handled.
 */
final class SlowClients {

    private static final class Waiting {
        HttpServerRequest request; // null while waiting for a request's head
        long since;

        Waiting(long since) {
            this.since = since;
        }
    }

    private final Vertx vertx;
    private final long timeoutNanos;
    private final Map<HttpConnection, Waiting> connections = new HashMap<>();

    SlowClients(Vertx vertx, long timeoutMillis) {
        this.vertx = vertx;
        this.timeoutNanos = timeoutMillis * 1_000_000;
        vertx.setPeriodic(Math.max(10, timeoutMillis / 10), id -> sweep());
    }

    void opened(HttpConnection connection) {
        connections.put(connection, new Waiting(System.nanoTime()));
        connection.closeHandler(closed -> connections.remove(connection));
    }

    void requestBegan(HttpServerRequest request) {
        Waiting waiting = request.version() == HttpVersion.HTTP_2 ? null : connections.get(request.connection());
        if (waiting != null) {
            waiting.request = request;
            waiting.since = System.nanoTime();
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<HttpConnection, Waiting>> it = connections.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<HttpConnection, Waiting> entry = it.next();
            Waiting waiting = entry.getValue();
            HttpServerRequest request = waiting.request;
            if (request != null && request.isEnded()) {
                if (request.response().ended()) { // answered: the time for the next head starts now
                    waiting.request = null;
                    waiting.since = now;
                }
                continue; // the request is all in, the answer is the server's business
            }
            if (now - waiting.since < timeoutNanos) {
                continue;
            }
            it.remove();
            if (request != null && !request.response().headWritten()) {
                HttpConnection connection = entry.getKey();
                Answers.error(request.response(), ErrorTable.requestTimeout(), true)
                        .onComplete(done -> connection.close());
            } else {
                entry.getKey().close();
            }
        }
    }
}
