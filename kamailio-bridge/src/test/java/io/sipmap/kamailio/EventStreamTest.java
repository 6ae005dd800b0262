package io.sipmap.kamailio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamTest {

    private final List<EventStream.Event> events = new ArrayList<>();
    private final EventStream stream = new EventStream(events::add);

    private void feed(String text) {
        stream.feed(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEventsWithTheirIdTypeAndDataSkippingCommentsAndRetry() {
        feed("retry: 1000\n\n: keep-alive\n\nid: 7\nevent: ip_record.created\ndata: {\"sid\":\"IL1\"}\n\n"
                + "id: 8\nevent: source_ip_mapping.deleted\ndata: {\"sid\":\"IB1\"}\n\n");

        assertThat(events).containsExactly(
                new EventStream.Event("7", "ip_record.created", "{\"sid\":\"IL1\"}"),
                new EventStream.Event("8", "source_ip_mapping.deleted", "{\"sid\":\"IB1\"}"));
    }

    @Test
    void anEventSplitAnywhereAcrossChunksAndLineEndingsIsTheSame() {
        String text = "id: 12\r\nevent: reset\r\ndata: {\"last_event_id\":\"3\"}\r\n\r\nid:13\revent:x\rdata:é\r\r";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            events.clear();
            EventStream split = new EventStream(events::add);
            split.feed(java.util.Arrays.copyOfRange(bytes, 0, cut));
            split.feed(java.util.Arrays.copyOfRange(bytes, cut, bytes.length));

            assertThat(events).as("cut at %d", cut).containsExactly(
                    new EventStream.Event("12", "reset", "{\"last_event_id\":\"3\"}"),
                    new EventStream.Event("13", "x", "é"));
        }
    }

    @Test
    void dataLinesJoinTheIdStaysAndAnEventWithoutDataIsNotDispatched() {
        feed("id: 5\nevent: nothing\n\ndata: a\ndata:\ndata: b\n\n");

        assertThat(events).containsExactly(new EventStream.Event("5", "message", "a\n\nb"));
    }

    @Test
    void refusesAnEndlessLine() {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');

        assertThatThrownBy(() -> {
            for (int i = 0; i < 40; i++) {
                stream.feed(chunk);
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("longer than");
    }
}
