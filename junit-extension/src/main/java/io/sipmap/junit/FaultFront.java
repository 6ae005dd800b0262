package io.sipmap.junit;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request handler in front of the sipmap router: a request that takes an armed {@link SipmapFaults.Fault} is
 * answered with it (429 or 503 in Twilio's error shape) or held back and then handed on; every other request goes
 * straight to the router. Runs on the server's event loop and never blocks: a delay is a Vert.x timer.
 */
final class FaultFront implements Handler<HttpServerRequest> {

    static final int TOO_MANY_REQUESTS = 20429;
    static final int UNAVAILABLE = 20503;
    private static final String MORE_INFO = "https://www.twilio.com/docs/errors/";
    /** The methods whose body sipmap's router reads (as a form), and so resumes a paused request for. */
    private static final Set<HttpMethod> FORM_METHODS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);

    private final Vertx vertx;
    private final SipmapFaults faults;
    private final Handler<HttpServerRequest> router;

    FaultFront(Vertx vertx, SipmapFaults faults, Handler<HttpServerRequest> router) {
        this.vertx = vertx;
        this.faults = faults;
        this.router = router;
    }

    @Override
    public void handle(HttpServerRequest request) {
        SipmapFaults.Fault fault = faults.take(request.path());
        if (fault == null) {
            router.handle(request);
            return;
        }
        switch (fault.kind()) {
            case TOO_MANY_REQUESTS -> answer(request, 429, TOO_MANY_REQUESTS,
                    "Too many requests: a fault armed by the test", fault.retryAfterSeconds());
            case UNAVAILABLE -> answer(request, 503, UNAVAILABLE,
                    "Service unavailable: a fault armed by the test; try again later", fault.retryAfterSeconds());
            case DELAY -> delay(request, fault.duration().toMillis());
        }
    }

    /**
     * Hands the request on after {@code millis}. A request that may have a body is paused meanwhile, or its body
     * would be read and dropped before the router is there to take it; the router's body handler resumes it. A
     * request without one is not: nothing would resume it.
     */
    private void delay(HttpServerRequest request, long millis) {
        if (mayHaveBody(request)) {
            request.pause();
        }
        vertx.setTimer(Math.max(1, millis), timer -> router.handle(request));
    }

    /** Whether sipmap's router reads a body for this request: as it decides, by method and framing headers. */
    private static boolean mayHaveBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return FORM_METHODS.contains(request.method()) || length != null && !length.equals("0")
                || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    /** Answers once the request's body, if any, is read, so that the connection stays usable. */
    private static void answer(HttpServerRequest request, int status, int code, String message, long retryAfter) {
        request.body().onComplete(read -> request.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader("Twilio-Request-Id", requestId())
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .putHeader("Retry-After", Long.toString(retryAfter))
                .end(errorBody(status, code, message)));
    }

    /** Twilio's error body, {@code {"code", "message", "more_info", "status"}} in its order, as sipmap writes it. */
    static String errorBody(int status, int code, String message) {
        return "{\"code\":" + code + ",\"message\":\"" + escape(message) + "\",\"more_info\":\"" + MORE_INFO + code
                + "\",\"status\":" + status + "}";
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code RQ} and 32 hex digits, as Twilio's request ids; unique enough for a test, not unguessable. */
    private static String requestId() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "RQ" + HexFormat.of().formatHex(bytes);
    }
}
