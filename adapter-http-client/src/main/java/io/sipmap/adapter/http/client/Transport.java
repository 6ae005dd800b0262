package io.sipmap.adapter.http.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.sipmap.domain.SipmapException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * Sends one logical request: basic authentication, {@code User-Agent}, timeouts, retries (see {@link RetryPolicy}), and
 * turns what comes back into a JSON body or a {@link SipmapException}. Futures complete on the Vert.x context the
 * call was made from, or on an event loop when it was made from elsewhere. Thread-safe: it holds no mutable state.
 */
final class Transport {

    private final Vertx vertx;
    private final WebClient client;
    private final String origin;
    private final String basePath;
    private final String username;
    private final String password;
    private final String userAgent;
    private final long connectTimeoutMillis;
    private final long requestTimeoutMillis;
    private final RetryPolicy retry;

    Transport(Vertx vertx, WebClient client, URI baseUrl, String username, String password, String userAgent,
              Duration connectTimeout, Duration requestTimeout, RetryPolicy retry) {
        this.vertx = vertx;
        this.client = client;
        this.origin = baseUrl.getScheme() + "://" + baseUrl.getRawAuthority();
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.username = username;
        this.password = password;
        this.userAgent = userAgent;
        this.connectTimeoutMillis = connectTimeout.toMillis();
        this.requestTimeoutMillis = requestTimeout.toMillis();
        this.retry = retry;
    }

    /** The Vert.x the client runs on: its timers, and the streams of a live resolver. */
    Vertx vertx() {
        return vertx;
    }

    /** The {@code Authorization} header value for a request made outside the web client (a change feed stream). */
    String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(UTF_8));
    }

    String userAgent() {
        return userAgent;
    }

    long connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    RetryPolicy retry() {
        return retry;
    }

    /**
     * The absolute URL for {@code target}: a path below the base URL, or a server's absolute URL (a next page) whose
     * path and query are kept but which goes to the configured origin, so credentials never reach another host.
     *
     * @throws IllegalArgumentException when an absolute target is not a URL
     */
    String resolve(String target) {
        if (target.startsWith("/")) {
            return origin + basePath + target;
        }
        URI uri = URI.create(target);
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return origin + uri.getRawPath() + query;
    }

    /** Sends a request whose success is a JSON object with one of the given statuses. */
    Future<JsonObject> json(HttpMethod method, String target, Object form, int... success) {
        String url = resolve(target);
        return expect(method, url, form, null, success).compose(response -> decode(method, url, response));
    }

    /** Sends a request and reads its JSON body with {@code reader}; a body it refuses fails with {@code Upstream}. */
    <T> Future<T> read(HttpMethod method, String target, Object form, Function<JsonObject, T> reader,
                       int... success) {
        return json(method, target, form, success).compose(body -> {
            try {
                return Future.succeededFuture(reader.apply(body));
            } catch (SipmapException.Upstream e) {
                return Future.failedFuture(new SipmapException.Upstream(
                        method + " " + resolve(target) + ": " + e.getMessage(), null, e));
            }
        });
    }

    /** A {@code GET} with {@code headers} replacing {@code Accept}: the response if its status is in {@code success}. */
    Future<HttpResponse<Buffer>> get(String target, MultiMap headers, int... success) {
        return expect(HttpMethod.GET, resolve(target), null, headers, success);
    }

    private Future<HttpResponse<Buffer>> expect(HttpMethod method, String url, Object form, MultiMap headers,
                                                int... success) {
        return send(method, url, form, headers).compose(answer -> isOneOf(answer.response().statusCode(), success)
                ? Future.succeededFuture(answer.response())
                : Future.failedFuture(RemoteErrors.toException(answer.describe(method, url), answer.response())));
    }

    /** Sends a request whose success is {@code 2xx} with a body that does not matter ({@code DELETE}). */
    Future<Void> noContent(HttpMethod method, String target) {
        String url = resolve(target);
        return send(method, url, null, null).compose(answer -> answer.response().statusCode() / 100 == 2
                ? Future.succeededFuture()
                : Future.failedFuture(RemoteErrors.toException(answer.describe(method, url), answer.response())));
    }

    /** The response that ended the retries, and how many tries it took. */
    private record Answer(HttpResponse<Buffer> response, int attempts) {
        String describe(HttpMethod method, String url) {
            return method + " " + url + (attempts > 1 ? " (after " + attempts + " attempts)" : "");
        }
    }

    private Future<Answer> send(HttpMethod method, String url, Object form, MultiMap headers) {
        return attempt(method, url, form, headers, 1, System.nanoTime());
    }

    private Future<Answer> attempt(HttpMethod method, String url, Object form, MultiMap headers, int attempt,
                                   long startNanos) {
        return once(method, url, form, headers).transform(ar -> {
            boolean idempotent = method == HttpMethod.GET || method == HttpMethod.DELETE;
            if (ar.succeeded()) {
                HttpResponse<Buffer> response = ar.result();
                int status = response.statusCode();
                if (idempotent && (status == 429 || status >= 500)) {
                    long wait = retry.jitteredMillis(attempt, retryAfterMillis(response.getHeader("Retry-After")));
                    if (mayRetry(attempt, startNanos, wait)) {
                        return sleep(wait).compose(v -> attempt(method, url, form, headers, attempt + 1, startNanos));
                    }
                }
                return Future.succeededFuture(new Answer(response, attempt));
            }
            Throwable cause = ar.cause();
            // refused, or not opened in time: nothing was sent (Netty's ConnectTimeoutException is a ConnectException)
            if (cause instanceof ConnectException) {
                long wait = retry.jitteredMillis(attempt, -1);
                if (mayRetry(attempt, startNanos, wait)) {
                    return sleep(wait).compose(v -> attempt(method, url, form, headers, attempt + 1, startNanos));
                }
            }
            return Future.failedFuture(describe(method, url, cause, attempt));
        });
    }

    /** @param form a {@link MultiMap} sent as a form, a {@link JsonObject} sent as JSON (the extensions'), or null */
    private Future<HttpResponse<Buffer>> once(HttpMethod method, String url, Object form, MultiMap headers) {
        Future<HttpResponse<Buffer>> sent;
        try {
            // No request-level connect timeout: it fails with a TimeoutException that cannot be told from a response
            // timeout, while the socket-level one of WebClientOptions fails with a ConnectException, safe to retry.
            HttpRequest<Buffer> request = client.requestAbs(method, url)
                    .basicAuthentication(username, password)
                    .putHeader("User-Agent", userAgent)
                    .putHeader("Accept", "application/json")
                    .followRedirects(false)
                    .idleTimeout(requestTimeoutMillis);
            if (headers != null) {
                headers.forEach(request::putHeader);
            }
            sent = form == null ? request.send() : form instanceof JsonObject json ? request.sendJsonObject(json)
                    : request.sendForm((MultiMap) form, "UTF-8");
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        // The idle timeout only fires when nothing arrives for that long; this bounds the whole exchange.
        Promise<HttpResponse<Buffer>> result = Promise.promise();
        long timer = vertx.setTimer(requestTimeoutMillis + connectTimeoutMillis, id -> result.tryFail(
                new TimeoutException("no complete response within " + requestTimeoutMillis + " ms")));
        sent.onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) {
                result.tryComplete(ar.result());
            } else {
                result.tryFail(ar.cause());
            }
        });
        return result.future();
    }

    private boolean mayRetry(int attempt, long startNanos, long waitMillis) {
        if (attempt >= retry.maxAttempts()) {
            return false;
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        return elapsed + waitMillis <= retry.maxElapsed().toMillis();
    }

    private Future<Void> sleep(long millis) {
        if (millis <= 0) {
            return Future.succeededFuture();
        }
        Promise<Void> promise = Promise.promise();
        vertx.setTimer(millis, id -> promise.complete());
        return promise.future();
    }

    /** {@code Retry-After} in milliseconds, from delta-seconds or an HTTP date; -1 when absent or unreadable. */
    static long retryAfterMillis(String header) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String value = header.trim();
        try {
            return Math.max(0, Long.parseLong(value)) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
            } catch (DateTimeParseException notDate) {
                return -1;
            }
        }
    }

    private static SipmapException describe(HttpMethod method, String url, Throwable cause, int attempts) {
        String what;
        SSLException tls = tlsFailure(cause);
        if (tls != null) {
            what = "failed to set up TLS (is the server's certificate trusted and for this host?): "
                    + deepestMessage(tls);
        } else if (cause instanceof ConnectException) {
            what = "could not connect: " + cause.getMessage();
        } else if (cause instanceof TimeoutException) {
            what = "timed out: " + cause.getMessage();
        } else if (cause instanceof HttpClosedException || cause instanceof IOException) {
            what = "the connection was closed or reset before the response was complete (" + cause.getMessage() + ")";
        } else {
            what = "failed: " + cause;
        }
        String tries = attempts > 1 ? " (after " + attempts + " attempts)" : "";
        return new SipmapException.Upstream(method + " " + url + " " + what + tries, null, cause);
    }

    private static SSLException tlsFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }

    private static String deepestMessage(Throwable t) {
        String message = t.getMessage();
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null) {
                message = c.getMessage();
            }
        }
        return message;
    }

    private static Future<JsonObject> decode(HttpMethod method, String url, HttpResponse<Buffer> response) {
        Buffer body = response.body();
        Object parsed;
        try {
            parsed = body == null ? null : Json.decodeValue(body);
        } catch (DecodeException e) {
            return Future.failedFuture(new SipmapException.Upstream(method + " " + url + " answered HTTP "
                    + response.statusCode() + " with malformed JSON: " + RemoteErrors.snippet(body), null, e));
        }
        if (parsed instanceof JsonObject object) {
            return Future.succeededFuture(object);
        }
        return Future.failedFuture(new SipmapException.Upstream(method + " " + url + " answered HTTP "
                + response.statusCode() + " with a body that is not a JSON object: " + RemoteErrors.snippet(body),
                null, null));
    }

    private static boolean isOneOf(int status, int... statuses) {
        for (int s : statuses) {
            if (s == status) {
                return true;
            }
        }
        return false;
    }
}
