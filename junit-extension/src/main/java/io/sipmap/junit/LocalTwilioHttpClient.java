package io.sipmap.junit;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.io.IOException;

/**
 * Twilio's own HTTP client with one change: a request for {@code https://voice.twilio.com} goes to the local server
 * instead. Everything else (form encoding, the auth header, reading JSON, paging by the URLs the server returns,
 * retrying a 5xx) is the SDK's. Names Twilio's SDK: loaded only through {@link TwilioClients}. Thread-safe as the SDK's
 * client is.
 */
final class LocalTwilioHttpClient extends NetworkHttpClient implements AutoCloseable {

    static final String TWILIO = "https://voice.twilio.com";

    private final String target;

    /** @param target the local server's base URL, such as {@code http://127.0.0.1:8080} */
    LocalTwilioHttpClient(String target) {
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

    /** Closes the connections it keeps. */
    @Override
    public void close() throws IOException {
        client.close();
    }
}
