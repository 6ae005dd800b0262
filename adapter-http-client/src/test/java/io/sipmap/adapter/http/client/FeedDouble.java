package io.sipmap.adapter.http.client;

import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpPrefix;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the sipmap server's address export and change feed, as the wire spec describes them, for the edge
 * cases the real server does not produce on demand: a stream dropped mid-way, a reset, a gap in the sequence, lines
 * cut with CR LF or data split over several lines, a history started again. Event ids are {@code <seq>-<tag>}, the
 * tag naming the history, and a mapping's event carries its record's address and prefix length, as the server sends
 * them. Addresses of either family, as the server holds them. One account; thread-safe.
 */
final class FeedDouble implements AutoCloseable {

    record Event(long id, String type, JsonObject data) {
    }

    private final Vertx vertx;
    private HttpServer server;
    private final Map<String, JsonObject> records = new LinkedHashMap<>();
    private final Map<String, JsonObject> mappings = new LinkedHashMap<>();
    private final List<Event> log = new ArrayList<>();
    private final List<HttpServerResponse> streams = new CopyOnWriteArrayList<>();
    final List<String> lastEventIds = new CopyOnWriteArrayList<>();
    final AtomicInteger exports = new AtomicInteger();
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicInteger streamRequests = new AtomicInteger();
    final AtomicInteger closedStreams = new AtomicInteger();
    volatile boolean resetNext;
    /** Every stream answers {@code reset} at once: a server that keeps undoing each export. */
    volatile boolean resetAlways;
    volatile String lineEnd = "\n";
    volatile boolean splitData;
    volatile boolean changesAnswer404;
    /**
     * The feed answered as a misdirected URL might be: 200, text/html, a body that does not end (8 KB every 10 ms, for
     * at most 20 s); {@link #endlessClosed} counts the connections the client closed meanwhile.
     */
    volatile boolean changesAnswerEndlessHtml;
    final AtomicInteger endlessClosed = new AtomicInteger();
    /** Mapping events as a server before the feed's extension sent them: without the record's address. */
    volatile boolean mappingEventsWithoutAddress;
    /**
     * The history's tag, 8 hex digits in every event id, as the server's nonces are: a server whose history started
     * again has another. (The server draws a nonce per change; one per history is enough to tell histories apart.)
     */
    private int history = 1;
    /** How many times the IP records list was read. */
    final AtomicInteger listReads = new AtomicInteger();
    /** How long each event waits before it is sent to open streams: a feed slower than the write's answer. */
    volatile long eventDelayMillis;
    private int sidCounter;

    FeedDouble(Vertx vertx) {
        this.vertx = vertx;
    }

    FeedDouble start() throws Exception {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0).await(5, TimeUnit.SECONDS);
        return this;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    int openStreams() {
        return streams.size();
    }

    private void endless(HttpServerResponse response) {
        response.setChunked(true).putHeader("Content-Type", "text/html");
        byte[] chunk = "<p>not a feed</p>\n".repeat(455).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long[] sent = {0};
        long timer = vertx.setPeriodic(10, id -> {
            if (sent[0]++ < 2_000) {
                response.write(io.vertx.core.buffer.Buffer.buffer(chunk));
            } else {
                vertx.cancelTimer(id);
                response.end();
            }
        });
        response.closeHandler(v -> {
            vertx.cancelTimer(timer);
            endlessClosed.incrementAndGet();
        });
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        HttpServerResponse response = request.response();
        if (path.equals("/sipmap/v1/Exports/Addresses")) {
            exports.incrementAndGet();
            String body;
            synchronized (this) {
                body = export().encode();
            }
            response.putHeader("Content-Type", "application/json").end(body);
        } else if (path.equals("/sipmap/v1/Changes")) {
            streamRequests.incrementAndGet();
            if (changesAnswerEndlessHtml) {
                endless(response);
                return;
            }
            if (changesAnswer404) {
                response.setStatusCode(404).putHeader("Content-Type", "application/json")
                        .end("{\"code\":20404,\"message\":\"The requested resource was not found\",\"status\":404}");
                return;
            }
            String last = request.getHeader("Last-Event-ID");
            lastEventIds.add(last == null ? "" : last);
            stream(response, last);
        } else if (path.startsWith("/v1/SourceIpMappings")) {
            if (request.method() == HttpMethod.POST) {
                request.setExpectMultipart(true);
            }
            request.endHandler(v -> write(request));
        } else if (path.equals("/v1/IpRecords")) {
            listReads.incrementAndGet();
            JsonArray all;
            synchronized (this) {
                all = new JsonArray(new ArrayList<>(records.values()));
            }
            JsonObject meta = new JsonObject().put("page", 0).put("page_size", 1000).put("first_page_url",
                    baseUrl() + "/v1/IpRecords?PageSize=1000&Page=0").put("previous_page_url", null)
                    .put("url", baseUrl() + "/v1/IpRecords?PageSize=1000&Page=0").put("next_page_url", null)
                    .put("key", "ip_records");
            response.putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("ip_records", all).put("meta", meta).encode());
        } else if (path.startsWith("/v1/IpRecords/")) {
            fetches.incrementAndGet();
            JsonObject record;
            synchronized (this) {
                record = records.get(path.substring("/v1/IpRecords/".length()));
            }
            if (record == null) {
                response.setStatusCode(404).end("{\"code\":20404,\"message\":\"not found\",\"status\":404}");
            } else {
                response.putHeader("Content-Type", "application/json").end(record.encode());
            }
        } else {
            response.setStatusCode(404).end();
        }
    }

    /** The mapping writes of Twilio's API, enough for the client's create, update and delete. */
    private void write(HttpServerRequest request) {
        String path = request.path();
        HttpServerResponse response = request.response().putHeader("Content-Type", "application/json");
        String domain = request.formAttributes().get("SipDomainSid");
        synchronized (this) {
            if (request.method() == HttpMethod.POST && path.equals("/v1/SourceIpMappings")) {
                String sid = map(request.formAttributes().get("IpRecordSid"), domain);
                response.setStatusCode(201).end(mappings.get(sid).encode());
            } else if (request.method() == HttpMethod.POST) {
                String sid = path.substring("/v1/SourceIpMappings/".length());
                remap(sid, domain);
                response.end(mappings.get(sid).encode());
            } else if (request.method() == HttpMethod.DELETE) {
                unmap(path.substring("/v1/SourceIpMappings/".length()));
                response.setStatusCode(204).end();
            } else {
                response.setStatusCode(405).end();
            }
        }
    }

    private synchronized void stream(HttpServerResponse response, String last) {
        long after = last == null ? log.size() : Long.parseLong(last.split("-")[0]);
        response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-store");
        boolean otherHistory = last != null && after > 0 && !last.equals(id(after));
        if (resetNext || resetAlways || otherHistory || after > log.size()) {
            resetNext = false;
            response.end("event: reset" + lineEnd + "data: {\"last_event_id\":\"" + head() + "\"}" + lineEnd
                    + lineEnd);
            return;
        }
        response.write("retry: 50" + lineEnd + ": hello" + lineEnd + lineEnd);
        for (Event e : log) {
            if (e.id() > after) {
                response.write(render(e));
            }
        }
        streams.add(response);
        response.closeHandler(v -> {
            streams.remove(response);
            closedStreams.incrementAndGet();
        });
    }

    private String render(Event e) {
        String data = e.data().encode();
        String lines;
        if (splitData) {
            // JSON may break lines between members: the joined data lines are the same object
            lines = "data: " + data.replace(",\"", "," + lineEnd + "data: \"");
        } else {
            lines = "data: " + data;
        }
        return ": keep-alive" + lineEnd + "id: " + id(e.id()) + lineEnd + "event: " + e.type() + lineEnd + lines
                + lineEnd + lineEnd;
    }

    /** The id of the last change, {@code 0} before any. */
    synchronized String head() {
        return log.isEmpty() ? "0" : id(log.size());
    }

    /** The id of change {@code seq} of the current history: {@code <seq>-<8 hex digits>}. */
    static String id(long seq, int history) {
        return seq + "-" + String.format("%08x", 0xa0000000 + history);
    }

    private String id(long seq) {
        return id(seq, history);
    }

    private synchronized JsonObject export() {
        List<JsonObject> entries = new ArrayList<>();
        for (JsonObject m : mappings.values()) {
            JsonObject r = records.get(m.getString("ip_record_sid"));
            int length = r.getInteger("cidr_prefix_length");
            IpPrefix prefix = new IpPrefix(IpAddress.parse(r.getString("ip_address")), length);
            entries.add(new JsonObject().put("ip_address", prefix.network().toString())
                    .put("cidr_prefix_length", length)
                    .put("ip_record_sid", r.getString("sid"))
                    .put("ip_record_address", r.getString("ip_address"))
                    .put("source_ip_mapping_sid", m.getString("sid"))
                    .put("sip_domain_sid", m.getString("sip_domain_sid")));
        }
        return new JsonObject().put("last_event_id", head()).put("entries", new JsonArray(entries));
    }

    /** The server started again over an empty store: a new history, numbered from 1 again under another tag. */
    synchronized void startHistoryAgain() {
        records.clear();
        mappings.clear();
        log.clear();
        history++;
        dropStreams();
    }

    // ---- changes, applied to the model and appended to the log (call them through run) ----

    private String sid(String prefix) {
        return prefix + String.format("%032x", ++sidCounter);
    }

    synchronized String createRecord(String address, int length) {
        String sid = sid("IL");
        JsonObject record = new JsonObject().put("account_sid", LiveSipDomainResolverTest.ACCOUNT.value())
                .put("sid", sid).put("friendly_name", sid).put("ip_address", address)
                .put("cidr_prefix_length", length).put("date_created", "2026-12-01T16:00:00Z")
                .put("date_updated", "2026-12-01T16:00:00Z").put("url", baseUrl() + "/v1/IpRecords/" + sid);
        records.put(sid, record);
        append("ip_record.created", record);
        return sid;
    }

    synchronized String map(String recordSid, String domain) {
        String sid = sid("IB");
        JsonObject mapping = new JsonObject().put("sid", sid).put("ip_record_sid", recordSid)
                .put("sip_domain_sid", domain).put("date_created", "2026-12-01T16:00:00Z")
                .put("date_updated", "2026-12-01T16:00:00Z").put("url", baseUrl() + "/v1/SourceIpMappings/" + sid);
        mappings.put(sid, mapping);
        append("source_ip_mapping.created", withRecordAddress(mapping));
        return sid;
    }

    synchronized void remap(String mappingSid, String domain) {
        JsonObject mapping = mappings.get(mappingSid).copy().put("sip_domain_sid", domain);
        mappings.put(mappingSid, mapping);
        append("source_ip_mapping.updated", withRecordAddress(mapping));
    }

    synchronized void unmap(String mappingSid) {
        append("source_ip_mapping.deleted", withRecordAddress(mappings.remove(mappingSid)));
    }

    /** A mapping's event data: the mapping and, as the feed extends it, its record's address and prefix length. */
    private JsonObject withRecordAddress(JsonObject mapping) {
        JsonObject record = records.get(mapping.getString("ip_record_sid"));
        return mappingEventsWithoutAddress ? mapping : mapping.copy()
                .put("ip_record_address", record.getString("ip_address"))
                .put("cidr_prefix_length", record.getInteger("cidr_prefix_length"));
    }

    private synchronized void send(String text) {
        for (HttpServerResponse r : streams) {
            r.write(text);
        }
    }

    synchronized void deleteRecord(String recordSid) {
        append("ip_record.deleted", records.remove(recordSid));
    }

    /** Skips a sequence number, as a broken server would. */
    synchronized void skipOne() {
        log.add(new Event(log.size() + 1, "ip_record.updated", new JsonObject()));
    }

    /** Closes every open stream, as a restarting server or a broken connection does. */
    synchronized void dropStreams() {
        for (HttpServerResponse r : streams) {
            r.reset();
            streams.remove(r); // at once: its close handler comes later, and no later write may go to it
        }
    }

    private synchronized void append(String type, JsonObject data) {
        Event e = new Event(log.size() + 1, type, data.copy());
        log.add(e);
        String text = render(e);
        if (eventDelayMillis > 0) {
            vertx.setTimer(eventDelayMillis, id -> send(text));
        } else {
            send(text);
        }
    }

    @Override
    public void close() throws Exception {
        server.close().await(5, TimeUnit.SECONDS);
    }
}
