package io.sipmap.adapter.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.Cursor;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KeysetPagesTest {

    private static final int COUNT = 100_000;
    private static final SortedChunks<IpRecordSid> SIDS = new SortedChunks<>();

    @BeforeAll
    static void fill() {
        for (int i = 0; i < COUNT; i++) {
            IpRecordSid sid = sid(i);
            SIDS.put(sid, sid);
        }
    }

    private static IpRecordSid sid(int i) {
        return IpRecordSid.ofHex(String.format("%032x", i));
    }

    private static List<IpRecordSid> sids(int fromInclusive, int toExclusive) {
        return IntStream.range(fromInclusive, toExclusive).mapToObj(KeysetPagesTest::sid).toList();
    }

    private static Page<IpRecordSid> page(int size, Cursor cursor) {
        return KeysetPages.page(SIDS, new PageRequest(size, cursor), Function.identity());
    }

    @Test
    void pageAfterDeepSidHoldsTheFollowingSids() {
        Page<IpRecordSid> page = page(50, new Cursor.After(sid(98_999).value()));

        assertThat(page.items()).containsExactlyElementsOf(sids(99_000, 99_050));
        assertThat(page.previous()).contains(new Cursor.Before(sid(99_000).value()));
        assertThat(page.next()).contains(new Cursor.After(sid(99_049).value()));
    }

    @Test
    void pageBeforeDeepSidHoldsThePrecedingSidsInOrder() {
        Page<IpRecordSid> page = page(50, new Cursor.Before(sid(99_000).value()));

        assertThat(page.items()).containsExactlyElementsOf(sids(98_950, 99_000));
        assertThat(page.previous()).contains(new Cursor.Before(sid(98_950).value()));
        assertThat(page.next()).contains(new Cursor.After(sid(98_999).value()));
    }

    @Test
    void lastPageHasNoNext() {
        Page<IpRecordSid> page = page(50, new Cursor.After(sid(COUNT - 21).value()));

        assertThat(page.items()).containsExactlyElementsOf(sids(COUNT - 20, COUNT));
        assertThat(page.next()).isEmpty();
        assertThat(page.previous()).isPresent();
    }

    @Test
    void firstPageHasNoPrevious() {
        Page<IpRecordSid> forwards = page(1000, Cursor.FIRST);
        Page<IpRecordSid> backwards = page(1000, new Cursor.Before(sid(1000).value()));

        assertThat(forwards.items()).containsExactlyElementsOf(sids(0, 1000));
        assertThat(forwards.previous()).isEmpty();
        assertThat(forwards.next()).contains(new Cursor.After(sid(999).value()));
        assertThat(backwards).isEqualTo(forwards);
    }

    @Test
    void deepOffsetSkipsThatMany() {
        Page<IpRecordSid> page = page(20, new Cursor.Offset(COUNT - 10));

        assertThat(page.items()).containsExactlyElementsOf(sids(COUNT - 10, COUNT));
        assertThat(page.next()).isEmpty();
        assertThat(page.previous()).contains(new Cursor.Before(sid(COUNT - 10).value()));
    }

    @Test
    void emptyPageHasNoCursors() {
        Page<IpRecordSid> page = KeysetPages.page(new SortedChunks<IpRecordSid>(), PageRequest.first(),
                Function.<IpRecordSid>identity());

        assertThat(page.items()).isEmpty();
        assertThat(page.next()).isEmpty();
        assertThat(page.previous()).isEmpty();
        assertThat(KeysetPages.<IpRecordSid>empty()).isEqualTo(page);
    }
}
