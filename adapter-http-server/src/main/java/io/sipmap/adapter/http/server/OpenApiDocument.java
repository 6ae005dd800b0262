package io.sipmap.adapter.http.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The OpenAPI document of what the router serves, at {@link #PATH}: the resource {@code openapi.json} beside this
 * class (Twilio's two resources and the sipmap extensions), and when the router has a resolver, the resolve
 * extension's path item, {@code openapi-resolve.fragment}, spliced in as the first of its paths, and when it has a
 * change feed, the feed's and the exports' path items, {@code openapi-feed.fragment}, likewise (text, as this module
 * writes no JSON through a library). Served without credentials: like Twilio's published API description it holds
 * no account's data, and tools that render it (a Swagger UI, a client generator) fetch it without any. A test parses
 * both forms and holds each to its router's routes, both ways.
 */
final class OpenApiDocument {

    static final String PATH = "/sipmap/v1/openapi.json";

    private static final String PATHS = "\"paths\": {";

    private OpenApiDocument() {
    }

    /**
     * The document's bytes for a router that serves the resolve extension or not, the change feed and exports
     * ({@code openapi-feed.fragment}) or not, and the batch extension ({@code openapi-batches.fragment}) or not.
     */
    static byte[] bytes(boolean resolve, boolean feed, boolean batches) {
        String document = resource("openapi.json");
        if (batches) {
            document = splice(document, resource("openapi-batches.fragment"));
        }
        if (feed) {
            document = splice(document, resource("openapi-feed.fragment"));
        }
        if (resolve) {
            document = splice(document, resource("openapi-resolve.fragment"));
        }
        return document.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code document} with {@code paths} (path items, each followed by a comma) as the first of its paths. */
    private static String splice(String document, String paths) {
        int at = document.indexOf(PATHS) + PATHS.length();
        return document.substring(0, at) + paths + document.substring(at);
    }

    private static String resource(String name) {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
