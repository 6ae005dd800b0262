package io.sipmap.junit;

import com.twilio.http.TwilioRestClient;
import java.util.function.Consumer;

/**
 * Twilio's {@link TwilioRestClient} for the local server. With {@link LocalTwilioHttpClient}, the only classes of the
 * extension that name Twilio's SDK: the extension reaches this one only for a test parameter of type
 * {@code TwilioRestClient}, which a test can only declare with the SDK on its class path, so without the SDK neither
 * class is ever loaded.
 */
final class TwilioClients {

    /** The name the extension recognises a parameter's type by, without loading any SDK class itself. */
    static final String REST_CLIENT = "com.twilio.http.TwilioRestClient";

    private TwilioClients() {
    }

    /**
     * A client acting for the server's account with its auth token, whose requests reach the server; and what to
     * close after the test (the HTTP client's connections).
     */
    static Object restClient(SipmapServerInfo server, Consumer<AutoCloseable> closeAfter) {
        LocalTwilioHttpClient http = new LocalTwilioHttpClient(server.baseUrl());
        closeAfter.accept(http);
        return new TwilioRestClient.Builder(server.accountSid(), server.authToken()).httpClient(http).build();
    }
}
