package io.sipmap.junit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Plain HTTP for tests that look at status, headers and bytes: the JDK's client, Basic credentials. */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    static HttpResponse<String> get(String url, String user, String password) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", basic(user, password))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String url, String user, String password, String form) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", basic(user, password))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> delete(SipmapServerInfo server, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", basic(server.accountSid(), server.authToken()))
                .timeout(Duration.ofSeconds(10)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(SipmapServerInfo server, String path) throws Exception {
        return get(server.baseUrl() + path, server.accountSid(), server.authToken());
    }

    static HttpResponse<String> post(SipmapServerInfo server, String path, String form) throws Exception {
        return post(server.baseUrl() + path, server.accountSid(), server.authToken(), form);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
