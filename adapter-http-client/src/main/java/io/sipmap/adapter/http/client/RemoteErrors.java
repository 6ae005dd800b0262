package io.sipmap.adapter.http.client;

import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SipmapException.RemoteError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a Twilio error answer back into the {@link SipmapException} variant the server started from: 404 is
 * {@code NotFound}, 400 {@code InvalidParameter}, 409 {@code Conflict}, 503 {@code Unavailable}, anything else
 * {@code Upstream}; each keeps the body as a {@link RemoteError}. A body that is not a Twilio error (a proxy's HTML page) is always {@code Upstream}.
 */
final class RemoteErrors {

    /** Every parameter a 400 can be about, longest first where one name contains another. */
    static final List<String> PARAMETERS = List.of("CidrPrefixLength", "FriendlyName", "IpAddress", "IpRecordSid",
            "SipDomainSid", "PageToken", "PageSize", "Page", "Sid");
    static final String UNKNOWN_PARAMETER = "unknown";

    private static final Pattern WORD = Pattern.compile("[A-Za-z]+");
    private static final int SNIPPET_CHARS = 200;

    private RemoteErrors() {
    }

    /** @param request the request as a message names it: method, URL, and how many tries it took */
    static SipmapException toException(String request, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        Buffer body = response.body();
        JsonObject error = twilioError(body);
        if (error == null) {
            String snippet = snippet(body);
            String type = response.getHeader("Content-Type");
            return new SipmapException.Upstream(request + " answered HTTP " + status
                    + " with a body that is not a Twilio error (" + (type == null ? "no Content-Type" : type) + "): "
                    + snippet, new RemoteError(status, 0, snippet, null), null);
        }
        int code = error.getValue("code") instanceof Number n ? n.intValue() : 0;
        String message = error.getValue("message") instanceof String s ? s : "";
        String moreInfo = error.getValue("more_info") instanceof String s ? s : null;
        RemoteError remote = new RemoteError(status, code, message, moreInfo);
        if ((status == 400 || status == 409) && error.getValue("errors") instanceof JsonArray items
                && !items.isEmpty()) {
            return batchRefused(message, items, remote);
        }
        switch (status) {
            case 404:
                return new SipmapException.NotFound(message, remote);
            case 400:
                return new SipmapException.InvalidParameter(parameterOf(code, message), message, remote);
            case 409:
                return new SipmapException.Conflict(message, remote);
            case 503:
                return new SipmapException.Unavailable(request + " answered HTTP 503, Twilio error " + code + ": "
                        + message, remote, null);
            default:
                return new SipmapException.Upstream(request + " answered HTTP " + status + ", Twilio error "
                        + code + ": " + message, remote, null);
        }
    }

    /** A refused batch (sipmap's extension): each failed change back as the variant of its code. */
    private static SipmapException batchRefused(String message, JsonArray items, RemoteError remote) {
        List<SipmapException.BatchRefused.Failure> failures = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof JsonObject o) || !(o.getValue("index") instanceof Number index)) {
                continue;
            }
            int code = o.getValue("code") instanceof Number n ? n.intValue() : 0;
            String text = o.getValue("message") instanceof String s ? s : "";
            SipmapException cause = code == 20409 ? new SipmapException.Conflict(text)
                    : code == 20404 ? new SipmapException.NotFound(text)
                    : new SipmapException.InvalidParameter(parameterOf(code, text), text);
            failures.add(new SipmapException.BatchRefused.Failure(index.intValue(), cause));
        }
        return failures.isEmpty() ? new SipmapException.InvalidParameter(UNKNOWN_PARAMETER, message, remote)
                : new SipmapException.BatchRefused(message, failures, remote);
    }

    /** The parameter a 400 is about: fixed by the code for paging errors, else the first known name in the message. */
    static String parameterOf(int code, String message) {
        if (code == 20007) {
            return "PageSize";
        }
        if (code == 21481) {
            return "PageToken";
        }
        Matcher words = WORD.matcher(message);
        while (words.find()) {
            String word = words.group();
            if (PARAMETERS.contains(word)) {
                return word;
            }
        }
        return UNKNOWN_PARAMETER;
    }

    private static JsonObject twilioError(Buffer body) {
        if (body == null || body.length() == 0) {
            return null;
        }
        try {
            Object parsed = Json.decodeValue(body);
            if (parsed instanceof JsonObject object
                    && (object.getValue("message") instanceof String || object.getValue("code") instanceof Number)) {
                return object;
            }
            return null;
        } catch (DecodeException e) {
            return null;
        }
    }

    /** The start of a body, on one line, for a message. */
    static String snippet(Buffer body) {
        if (body == null || body.length() == 0) {
            return "(empty body)";
        }
        String text = new String(body.getBytes(0, Math.min(body.length(), SNIPPET_CHARS * 4)), StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ").trim();
        return text.length() > SNIPPET_CHARS ? text.substring(0, SNIPPET_CHARS) + "..." : text;
    }
}
