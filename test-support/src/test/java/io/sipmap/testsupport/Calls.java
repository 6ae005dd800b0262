package io.sipmap.testsupport;

import io.sipmap.domain.AccountSid;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Requests to a running server as one account, over the JDK's HTTP client: what the tests of programs send. */
public final class Calls {

    /** HTTP/1.1, as Twilio's API: the JDK's client otherwise asks every plain-HTTP server for an h2c upgrade. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String authorization;

    /** A TCP port of 127.0.0.1 free when this returns, for a server a test starts. */
    public static int freePort() throws IOException {
        try (var free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    public Calls(AccountSid account, String token) {
        this(account.value(), token);
    }

    /** As {@code user}, the account or one of its API keys. */
    public Calls(String user, String secret) {
        authorization = "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code method url}, with the account's credentials, and the form when not null. */
    public HttpResponse<String> call(String method, String url, String form) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Authorization", authorization);
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        return http.send(request.method(method, form == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET url} without credentials. */
    public HttpResponse<String> anonymous(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
