package io.sipmap.console;

import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapServerOptions.PublicRoute;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The web console's files, served at {@link #PATH}{@code /} on the API's origin: plain HTML, CSS and JavaScript
 * modules read from the class path once, at start, and held in memory. The page calls {@code /v1} and
 * {@code /sipmap/v1/Resolve} with the Basic credentials its user typed, so nothing here knows the API or any account.
 *
 * <p>Every file goes with a Content-Security-Policy that lets the page load its own files only (no inline script or
 * style, no other origin, not framed, no form submission anywhere), {@code X-Frame-Options: DENY},
 * {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer}, and none of the API's CORS headers.
 * Files are always revalidated ({@code Cache-Control: no-cache}) by a strong {@code ETag} and a {@code Last-Modified},
 * so a new version is never mixed with a cached old one. GET and HEAD only; runs on the event loop, never blocks.
 */
public final class Console {

    /** Where the console is: {@code /console} redirects to {@code /console/}, the page. */
    public static final String PATH = "/console";

    /** The files, each served at {@code /console/<name>}; the page at {@code /console/} is {@code index.html}. */
    static final List<String> FILES = List.of("index.html", "console.css", "app.js", "api.js", "ui.js", "icon.svg");

    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'",
            "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'");

    /** The headers every answer of the console carries. */
    static final Map<String, String> SECURITY_HEADERS = orderedMap(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Frame-Options", "DENY",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cross-Origin-Opener-Policy", "same-origin",
            "Cross-Origin-Resource-Policy", "same-origin",
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");

    /** The API's CORS headers, which the router sets on every answer and which the console's files go without. */
    private static final List<CharSequence> CORS_HEADERS = List.of(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN,
            HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS,
            HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS);

    /** IMF-fixdate, as HTTP dates are written: {@code Tue, 01 Dec 2026 15:52:17 GMT}. */
    static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
            Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final Map<String, Asset> assets;

    private Console(Map<String, Asset> assets) {
        this.assets = assets;
    }

    /** The console with its files read from the class path now; {@code loaded} is their Last-Modified. */
    public static Console load(Instant loaded) {
        Instant second = loaded.truncatedTo(ChronoUnit.SECONDS);
        Map<String, Asset> assets = new LinkedHashMap<>();
        for (String name : FILES) {
            byte[] bytes = read(name);
            assets.put(name, new Asset(Buffer.buffer(bytes), contentType(name), etag(bytes), second));
        }
        return new Console(assets);
    }

    /** {@code options} with the console mounted: its two public routes, {@code /console} and the files under it. */
    public SipmapServerOptions mountedOn(SipmapServerOptions options) {
        return options.withPublicRoute(new PublicRoute(PATH, this::redirect))
                .withPublicRoute(new PublicRoute(PATH + "/*", this::serve));
    }

    /** Answers {@code /console}: a redirect to {@code /console/}, relative, so that it holds behind a path prefix. */
    void redirect(RoutingContext ctx) {
        if (!ctx.normalizedPath().equals(PATH)) {
            ctx.next(); // Vert.x routes /console/ here too: the page's
            return;
        }
        secured(ctx.response()).setStatusCode(301)
                .putHeader(HttpHeaders.LOCATION, "console/")
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end("The console is at console/\n");
    }

    /** Answers {@code /console/<file>}: the file, a 304 when the client's copy is current, else a 404. */
    void serve(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        String name = path.startsWith(PATH + "/") ? path.substring(PATH.length() + 1) : null;
        Asset asset = name == null ? null : assets.get(name.isEmpty() ? "index.html" : name);
        if (asset == null) {
            ctx.fail(404); // answered by the router as every unknown path is: a Twilio 404
            return;
        }
        HttpServerResponse response = secured(ctx.response())
                .putHeader(HttpHeaders.ETAG, asset.etag())
                .putHeader(HttpHeaders.LAST_MODIFIED, HTTP_DATE.format(asset.lastModified()))
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType());
        if (current(ctx, asset)) {
            response.setStatusCode(304).end();
        } else if (ctx.request().method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(asset.bytes().length())).end();
        } else {
            response.end(asset.bytes());
        }
    }

    private static HttpServerResponse secured(HttpServerResponse response) {
        var headers = response.headers();
        CORS_HEADERS.forEach(headers::remove);
        SECURITY_HEADERS.forEach(headers::set);
        return response;
    }

    /**
     * Whether the client's copy is current: its {@code If-None-Match} lists the file's tag (weakly compared), or,
     * without one, its {@code If-Modified-Since} is no earlier than the file's Last-Modified.
     */
    static boolean current(RoutingContext ctx, Asset asset) {
        String ifNoneMatch = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            return Arrays.stream(ifNoneMatch.split(",")).map(String::trim)
                    .anyMatch(tag -> tag.equals("*") || opaque(tag).equals(opaque(asset.etag())));
        }
        String ifModifiedSince = ctx.request().getHeader(HttpHeaders.IF_MODIFIED_SINCE);
        if (ifModifiedSince == null) {
            return false;
        }
        try {
            Instant since = ZonedDateTime.parse(ifModifiedSince.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            return !asset.lastModified().isAfter(since);
        } catch (DateTimeParseException e) {
            return false; // an unreadable date is ignored, as HTTP says
        }
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    static String contentType(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return switch (extension) {
            case "html" -> "text/html; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "svg" -> "image/svg+xml";
            default -> throw new IllegalArgumentException("No content type known for " + name);
        };
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return '"' + HexFormat.of().formatHex(digest, 0, 16) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] read(String name) {
        try (InputStream in = Console.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("The console's " + name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> orderedMap(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    /** One file: its bytes (shared, never changed), type, tag and time. */
    record Asset(Buffer bytes, String contentType, String etag, Instant lastModified) {
    }
}
