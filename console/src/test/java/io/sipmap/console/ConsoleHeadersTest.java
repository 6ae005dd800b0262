package io.sipmap.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.Calls;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The web console's files as a plain HTTP client sees them from the real server: without credentials, with a strict
 * Content-Security-Policy and the other security headers, without the API's CORS headers, cacheable with validators
 * (304 on If-None-Match and If-Modified-Since), and the API beside them unchanged.
 */
@Timeout(60)
class ConsoleHeadersTest {

    static final String SID = "AC" + "c0".repeat(16);
    static final String TOKEN = "console-headers-token";

    static ConsoleUnderTest server;
    static String base;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        server = new ConsoleUnderTest(ConsoleUnderTest.account(SID, TOKEN));
        base = server.baseUrl();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, Map.of());
    }

    static void assertSecured(HttpResponse<String> response) {
        var headers = response.headers();
        assertThat(headers.firstValue("Content-Security-Policy")).contains("default-src 'none'; script-src 'self';"
                + " style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none';"
                + " frame-ancestors 'none'");
        assertThat(headers.firstValue("X-Frame-Options")).contains("DENY");
        assertThat(headers.firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(headers.firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(headers.firstValue("Cross-Origin-Opener-Policy")).contains("same-origin");
        assertThat(headers.firstValue("Twilio-Request-Id").orElseThrow()).matches("RQ[0-9a-f]{32}");
        assertThat(headers.map().keySet().stream().map(String::toLowerCase))
                .noneMatch(name -> name.startsWith("access-control-"));
    }

    @Test
    void consoleRedirectsToTheDirectoryOfThePage() throws Exception {
        HttpResponse<String> response = get("/console");

        assertThat(response.statusCode()).isEqualTo(301);
        assertThat(response.headers().firstValue("Location")).contains("console/");
        assertThat(URI.create(base + "/console").resolve("console/").getPath()).isEqualTo("/console/");
        assertSecured(response);
    }

    @Test
    void thePageIsServedWithoutCredentialsUnderAStrictPolicy() throws Exception {
        HttpResponse<String> page = get("/console/");
        HttpResponse<String> named = get("/console/index.html");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>sipmap console</title>", "<script type=\"module\" src=\"app.js\">");
        assertThat(named.body()).isEqualTo(page.body());
        assertSecured(page);
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-cache");
        assertThat(page.headers().firstValue("ETag").orElseThrow()).matches("\"[0-9a-f]{32}\"");
        assertThat(page.headers().firstValue("Last-Modified").orElseThrow())
                .matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
    }

    @Test
    void everyFileHasItsTypeAndIsCurrentAgainstItsOwnValidators() throws Exception {
        Map<String, String> types = Map.of("html", "text/html; charset=utf-8", "css", "text/css; charset=utf-8",
                "js", "text/javascript; charset=utf-8", "svg", "image/svg+xml");
        for (String name : ConsoleFiles.names()) {
            HttpResponse<String> response = get("/console/" + name);
            assertThat(response.statusCode()).as(name).isEqualTo(200);
            assertSecured(response);
            assertThat(response.headers().firstValue("Content-Type"))
                    .contains(types.get(name.substring(name.lastIndexOf('.') + 1)));
            assertThat(response.body()).isEqualTo(Files.readString(ConsoleFiles.SOURCE.resolve(name)));
            String etag = response.headers().firstValue("ETag").orElseThrow();
            String lastModified = response.headers().firstValue("Last-Modified").orElseThrow();

            HttpResponse<String> same = send("GET", "/console/" + name, Map.of("If-None-Match", "\"other\", " + etag));
            assertThat(same.statusCode()).as(name).isEqualTo(304);
            assertThat(same.body()).isEmpty();
            assertThat(same.headers().firstValue("ETag")).contains(etag);
            assertSecured(same);
            assertThat(send("GET", "/console/" + name, Map.of("If-None-Match", "W/" + etag)).statusCode())
                    .isEqualTo(304);
            assertThat(send("GET", "/console/" + name, Map.of("If-Modified-Since", lastModified)).statusCode())
                    .isEqualTo(304);
            // If-None-Match wins over If-Modified-Since, as HTTP says
            HttpResponse<String> changed = send("GET", "/console/" + name,
                    Map.of("If-None-Match", "\"0123\"", "If-Modified-Since", lastModified));
            assertThat(changed.statusCode()).isEqualTo(200);
            assertThat(changed.body()).isEqualTo(response.body());
            assertThat(send("GET", "/console/" + name, Map.of("If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"))
                    .statusCode()).isEqualTo(200);
        }
    }

    @Test
    void headAnswersTheHeadersWithoutTheBody() throws Exception {
        HttpResponse<String> head = send("HEAD", "/console/app.js", Map.of());

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValueAsLong("Content-Length").orElseThrow())
                .isEqualTo(Files.size(ConsoleFiles.SOURCE.resolve("app.js")));
        assertSecured(head);
    }

    @Test
    void otherPathsAndMethodsAreTwilioErrors() throws Exception {
        HttpResponse<String> missing = get("/console/missing.js");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(missing.body()).getInteger("code")).isEqualTo(20404);
        assertThat(get("/console/../v1/IpRecords").statusCode()).isEqualTo(401);
        assertThat(get("/console/sub/app.js").statusCode()).isEqualTo(404);

        // only reading is public: another method needs credentials, as anywhere, and is then not allowed
        assertThat(send("POST", "/console/", Map.of()).statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/console", Map.of()).statusCode()).isEqualTo(401);
        HttpResponse<String> post = new Calls(new AccountSid(SID), TOKEN).call("POST", base + "/console/", "a=b");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(new JsonObject(post.body()).getInteger("code")).isEqualTo(20004);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
        for (String path : new String[] {"/console", "/console/", "/console/app.js", "/console/missing.js"}) {
            assertThat(new Calls(new AccountSid(SID), TOKEN).call("DELETE", base + path, null).statusCode())
                    .as(path).isEqualTo(405);
        }
    }

    @Test
    void theApiBesideItStillAsksForCredentialsAndKeepsItsCors() throws Exception {
        HttpResponse<String> anonymous = get("/v1/IpRecords");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(anonymous.headers().firstValue("Content-Security-Policy")).isEmpty();

        HttpResponse<String> authed = new Calls(new AccountSid(SID), TOKEN).call("GET", base + "/v1/IpRecords", null);
        assertThat(authed.statusCode()).isEqualTo(200);
    }

    /** No inline script, no inline style, no event handler attribute: the policy would refuse them anyway. */
    @Test
    void thePageHoldsNothingInline() throws Exception {
        String page = Files.readString(ConsoleFiles.SOURCE.resolve("index.html"));

        assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>").matcher(page).find()).isFalse();
        assertThat(page).doesNotContain("<style", " style=", "javascript:");
        assertThat(Pattern.compile("\\son[a-z]+=", Pattern.CASE_INSENSITIVE).matcher(page).find()).isFalse();
        for (String name : ConsoleFiles.names()) {
            if (name.endsWith(".svg")) {
                continue; // its XML namespace is a URL, never fetched
            }
            assertThat(Files.readString(ConsoleFiles.SOURCE.resolve(name))).as(name)
                    .doesNotContain("http://", "https://", "innerHTML", "localStorage", "eval(");
        }
    }

    /** Every file in the console's folder is served, and nothing else is. */
    @Test
    void servesExactlyTheFilesOfItsFolder() throws Exception {
        try (Stream<Path> files = Files.list(ConsoleFiles.SOURCE)) {
            Set<String> present = files.map(path -> path.getFileName().toString()).collect(Collectors.toSet());
            assertThat(present).containsExactlyInAnyOrderElementsOf(ConsoleFiles.names());
        }
    }
}
