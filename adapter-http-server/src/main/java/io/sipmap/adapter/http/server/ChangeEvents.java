package io.sipmap.adapter.http.server;

import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.SourceIpMapping;
import java.nio.charset.StandardCharsets;

/**
 * The change feed's server-sent events, as bytes: a change is {@code id: <seq>-<nonce>} ({@link ChangeId}),
 * {@code event: <kind>} and one {@code data:} line holding the resource exactly as a GET of it answers (so its
 * {@code url} too), then a blank line. A mapping's data adds, after Twilio's fields, its IP record's address as given
 * and prefix length, named as the address export names them, so that a follower needs no read of the record.
 * Also the feed's other frames: the {@code retry} at the start, the keep-alive comment and {@code reset}.
 */
final class ChangeEvents {

    /** Sent once at the start: a client that loses the stream reconnects after a second. */
    static final byte[] RETRY = ascii("retry: 1000\n\n");
    /** Sent when the stream has been quiet for the keep-alive period; clients ignore comments. */
    static final byte[] KEEP_ALIVE = ascii(": keep-alive\n\n");

    private static final byte[] END = ascii("\n\n");

    private ChangeEvents() {
    }

    /** The resources' writers for answers under one base URL. */
    record Writers(String base, ResourceWriter<IpRecord> ipRecords, ResourceWriter<SourceIpMapping> mappings) {

        static Writers of(String base) {
            return new Writers(base,
                    IpRecordJson.RESOURCE.writer().apply(JsonWriter.escape(base + IpRecordJson.PATH + "/")),
                    SourceIpMappingJson.RESOURCE.writer().apply(JsonWriter.escape(base + SourceIpMappingJson.PATH
                            + "/")));
        }
    }

    /**
     * One change as an account's subscribers get it, encoded for the first base URL that asks and kept for the next
     * asking with the same. Thread-safe: a race encodes twice, to equal bytes.
     */
    static final class Event {
        final Change change;
        private volatile Encoded last;

        Event(Change change) {
            this.change = change;
        }

        long seq() {
            return change.seq();
        }

        byte[] bytes(Writers writers) {
            Encoded encoded = last;
            if (encoded == null || !encoded.base.equals(writers.base())) {
                encoded = new Encoded(writers.base(), encode(change, writers));
                last = encoded;
            }
            return encoded.bytes;
        }

        private record Encoded(String base, byte[] bytes) {
        }
    }

    static byte[] encode(Change change, Writers writers) {
        JsonWriter json;
        if (change.kind().ofIpRecord()) {
            json = new JsonWriter(writers.ipRecords().length() + 64);
            writers.ipRecords().write(json, change.ipRecord());
        } else {
            json = new JsonWriter(writers.mappings().length() + 64);
            writers.mappings().write(json, change.mapping());
        }
        IpPrefix prefix = change.ipRecordPrefix();
        if (prefix != null) { // a mapping's extension fields, after Twilio's
            json.reopenObject()
                    .name("ip_record_address").value(String.valueOf(prefix.address()))
                    .name("cidr_prefix_length").value(prefix.length())
                    .endObject();
        }
        return frame(ascii("id: " + change.id() + "\nevent: " + change.kind().wireName() + "\ndata: "), json);
    }

    /** Tells the client to start again from a snapshot: the head it would then follow from. */
    static byte[] reset(ChangeId head) {
        return frame(ascii("event: reset\ndata: "),
                new JsonWriter(64).beginObject().name("last_event_id").value(head.toString()).endObject());
    }

    /** An event: {@code head}, then {@code data} as its one data line, then the blank line that ends it. */
    private static byte[] frame(byte[] head, JsonWriter data) {
        return data.finish((bytes, length, lent) -> {
            byte[] frame = new byte[head.length + length + END.length];
            System.arraycopy(head, 0, frame, 0, head.length);
            System.arraycopy(bytes, 0, frame, head.length, length);
            System.arraycopy(END, 0, frame, head.length + length, END.length);
            return frame;
        });
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
