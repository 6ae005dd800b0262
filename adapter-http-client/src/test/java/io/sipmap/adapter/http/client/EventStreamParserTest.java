package io.sipmap.adapter.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.adapter.http.client.EventStreamParser.Event;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The event stream interpretation of the WHATWG HTML standard, fed in chunks cut anywhere. */
class EventStreamParserTest {

    private final List<Event> events = new ArrayList<>();
    private final EventStreamParser parser = new EventStreamParser(events::add, 1 << 16);

    private void feed(String text) {
        parser.feed(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsIdEventAndDataAndDispatchesOnAnEmptyLine() {
        feed("id: 7\nevent: source_ip_mapping.created\ndata: {\"sid\":\"IB1\"}\n\n");
        assertThat(events).containsExactly(new Event("7", "source_ip_mapping.created", "{\"sid\":\"IB1\"}"));
    }

    @Test
    void joinsDataLinesWithLineFeedsAndDropsTheLastOne() {
        feed("data: one\ndata:two\ndata:  three\ndata\n\n");
        assertThat(events).containsExactly(new Event("", "message", "one\ntwo\n three\n"));
    }

    @Test
    void acceptsCrLfAndLoneCrAsLineEnds() {
        feed("id: 1\r\nevent: a\r\ndata: x\r\n\r\nid: 2\revent: b\rdata: y\r\r");
        assertThat(events).containsExactly(new Event("1", "a", "x"), new Event("2", "b", "y"));
    }

    @Test
    void aCrAtTheEndOfOneChunkAndAnLfAtTheStartOfTheNextAreOneLineEnd() {
        feed("data: x\r");
        feed("\n\r");
        feed("\n");
        assertThat(events).containsExactly(new Event("", "message", "x"));
    }

    @Test
    void ignoresComments() {
        feed(": keep-alive\n\n: another\ndata: x\n: between\n\n");
        assertThat(events).containsExactly(new Event("", "message", "x"));
    }

    @Test
    void readsRetryOnlyWhenItIsAllDigits() {
        feed("retry: 1000\n\n");
        assertThat(parser.retryMillis()).isEqualTo(1000);
        feed("retry: 10s\nretry: -5\nretry:\n\n");
        assertThat(parser.retryMillis()).isEqualTo(1000);
        feed("retry:250\n\n");
        assertThat(parser.retryMillis()).isEqualTo(250);
        assertThat(events).isEmpty();
    }

    @Test
    void theLastEventIdPersistsAndAnIdWithNulIsIgnored() {
        feed("id: 5\ndata: a\n\ndata: b\n\nid: 6\u0000\ndata: c\n\nid\ndata: d\n\n");
        assertThat(events).extracting(Event::id).containsExactly("5", "5", "5", "");
    }

    @Test
    void anEventWithoutDataIsNotDispatchedAndItsTypeDoesNotLeak() {
        feed("event: reset\n\ndata: x\n\n");
        assertThat(events).containsExactly(new Event("", "message", "x"));
    }

    @Test
    void anUnfinishedEventAtTheEndIsNotDispatched() {
        feed("id: 1\ndata: complete\n\nid: 2\ndata: cut");
        assertThat(events).containsExactly(new Event("1", "message", "complete"));
    }

    @Test
    void ignoresUnknownFieldsAndAFieldWithoutColonHasAnEmptyValue() {
        feed("foo: bar\nevent\ndata: x\n\n");
        assertThat(events).containsExactly(new Event("", "message", "x"));
    }

    @Test
    void dropsALeadingByteOrderMarkOnlyAtTheStart() {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        parser.feed(bom);
        feed("data: x\n\n");
        assertThat(events).containsExactly(new Event("", "message", "x"));
    }

    @Test
    void keepsMultiByteCharactersSplitAcrossChunks() {
        byte[] bytes = "data: café ☎\n\n".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            parser.feed(new byte[] {b});
        }
        assertThat(events).containsExactly(new Event("", "message", "café ☎"));
    }

    @Test
    void anyCutOfTheStreamGivesTheSameEvents() {
        String stream = "retry: 1000\r\n: keep-alive\r\nid: 1\r\nevent: ip_record.created\r\ndata: {\"a\":1}\r\n\r\n"
                + "id: 2\nevent: source_ip_mapping.created\ndata: {\"b\":\ndata: 2}\n\n"
                + "id: 3\revent: reset\rdata: {\"last_event_id\":\"9\"}\r\r";
        List<Event> whole = new ArrayList<>();
        new EventStreamParser(whole::add, 1 << 16).feed(stream.getBytes(StandardCharsets.UTF_8));
        assertThat(whole).containsExactly(new Event("1", "ip_record.created", "{\"a\":1}"),
                new Event("2", "source_ip_mapping.created", "{\"b\":\n2}"),
                new Event("3", "reset", "{\"last_event_id\":\"9\"}"));
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        Random random = new Random(14);
        for (int run = 0; run < 500; run++) {
            List<Event> cut = new ArrayList<>();
            EventStreamParser p = new EventStreamParser(cut::add, 1 << 16);
            int at = 0;
            while (at < bytes.length) {
                int n = 1 + random.nextInt(Math.min(12, bytes.length - at));
                p.feed(Arrays.copyOfRange(bytes, at, at + n));
                at += n;
            }
            assertThat(cut).as("run %d", run).isEqualTo(whole);
            assertThat(p.retryMillis()).isEqualTo(1000);
        }
    }

    @Test
    void refusesALineOrAnEventLongerThanTheBound() {
        EventStreamParser small = new EventStreamParser(events::add, 16);
        assertThatThrownBy(() -> small.feed("data: 0123456789abcdef\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("longer than 16 bytes");
        EventStreamParser lines = new EventStreamParser(events::add, 16);
        assertThatThrownBy(() -> lines.feed("data: 01234567\ndata: 89abcdef\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("more than 16 chars of data");
        assertThat(events).isEmpty();
    }
}
