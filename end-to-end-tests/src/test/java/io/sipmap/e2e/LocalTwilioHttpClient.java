package io.sipmap.e2e;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;

/**
 * Twilio's own HTTP client, with one change: requests for {@code https://voice.twilio.com} go to a local server
 * instead. Everything else (form encoding, auth header, JSON reading, paging by the URLs the server returns) is the
 * SDK's.
 */
final class LocalTwilioHttpClient extends NetworkHttpClient {

    static final String TWILIO = "https://voice.twilio.com";

    private final String target;

    /** @param target for example {@code http://127.0.0.1:8080} */
    LocalTwilioHttpClient(String target) {
        this.target = target;
    }

    /** Over an Apache HTTP client of the test's making, for instance one that trusts a test certificate. */
    LocalTwilioHttpClient(String target, org.apache.hc.client5.http.impl.classic.HttpClientBuilder builder) {
        super(builder);
        this.target = target;
    }

    @Override
    public Response makeRequest(Request request) {
        if (!request.getUrl().startsWith(TWILIO)) {
            return super.makeRequest(request);
        }
        Request local = new Request(request.getMethod(), target + request.getUrl().substring(TWILIO.length()));
        request.getQueryParams().forEach((name, values) -> values.forEach(v -> local.addQueryParam(name, v)));
        request.getPostParams().forEach((name, values) -> values.forEach(v -> local.addPostParam(name, v)));
        request.getHeaderParams().forEach((name, values) -> values.forEach(v -> local.addHeaderParam(name, v)));
        if (request.getAuthStrategy() != null) {
            local.setAuth(request.getAuthStrategy());
        } else if (request.getUsername() != null) {
            local.setAuth(request.getUsername(), request.getPassword());
        }
        local.setContentType(request.getContentType());
        if (request.getBody() != null) {
            local.setBody(request.getBody());
        }
        return super.makeRequest(local);
    }
}
