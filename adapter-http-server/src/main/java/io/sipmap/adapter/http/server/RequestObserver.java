package io.sipmap.adapter.http.server;

/**
 * Told of every answered request once its response has ended, on the request's event loop: for metrics kept by the
 * host that serves the router. Must be quick and must not block: it runs on every request.
 */
@FunctionalInterface
public interface RequestObserver {

    /**
     * @param route  the path template of the route that answered ({@code /v1/IpRecords/:sid}), never the request's
     *               path: a SID never reaches a metric; empty when no route with a path did (refused before routing,
     *               no such path)
     * @param method the request method, as sent
     * @param status the status answered
     * @param nanos  the time from the request's routing to its response's end
     */
    void answered(String route, String method, int status, long nanos);

    /**
     * {@link #answered(String, String, int, long)}, with what failed when the answer is a server error.
     *
     * @param failure the exception behind a 5xx answer; null for every other answer, refusals and client errors
     *                included, which are answers rather than failures
     */
    default void answered(String route, String method, int status, Throwable failure, long nanos) {
        answered(route, method, status, nanos);
    }
}
