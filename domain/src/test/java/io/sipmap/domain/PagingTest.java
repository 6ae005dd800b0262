package io.sipmap.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class PagingTest {

    private static final String SID = "IB0123456789abcdef0123456789abcdef";

    @Test
    void tokensArePaOrPbFollowedByTheSid() {
        assertThat(new Cursor.After(SID).token()).isEqualTo("PA" + SID);
        assertThat(new Cursor.Before(SID).token()).isEqualTo("PB" + SID);
        assertThat(Cursor.FIRST.token()).isNull();
        assertThat(new Cursor.Offset(100).token()).isNull();
    }

    @Test
    void parsesItsOwnTokensBack() {
        assertThat(Cursor.parseToken("PA" + SID, "IB")).isEqualTo(new Cursor.After(SID));
        assertThat(Cursor.parseToken("PB" + SID, "IB")).isEqualTo(new Cursor.Before(SID));
    }

    @Test
    void tokenSidsAreCanonicalised() {
        assertThat(Cursor.parseToken("PA" + SID.toUpperCase().replace("IB", "IB"), "IB"))
                .isEqualTo(new Cursor.After(SID));
    }

    @Test
    void cursorsBuiltByHandAreCanonicalisedToo() {
        assertThat(new Cursor.After(SID.toUpperCase().replace("IB", "IB"))).isEqualTo(new Cursor.After(SID));
        assertThat(new Cursor.Before("IB" + SID.substring(2).toUpperCase()).sid()).isEqualTo(SID);
    }

    @Test
    void aKeysetCursorReadsItsSidAsTheSidDoes() {
        var sid = new SourceIpMappingSid(0x8123456789abcdefL, 0x0fedcba987654321L);
        for (Cursor.Keyset cursor : List.of(new Cursor.After(sid.value()), new Cursor.Before(sid.value().toUpperCase()))) {
            assertThat(cursor.high()).isEqualTo(sid.high());
            assertThat(cursor.low()).isEqualTo(sid.low());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "IB", "IB0123", "IB0123456789abcdef0123456789abcdeg", "IB0123456789abcdef0123456789abcdef0"})
    void cursorsBuiltByHandNeedASid(String sid) {
        assertThatThrownBy(() -> new Cursor.After(sid)).isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                e -> assertThat(e.parameter()).isEqualTo("PageToken"));
        assertThatThrownBy(() -> new Cursor.Before(sid)).isInstanceOf(SipmapException.InvalidParameter.class);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "PA", "PC" + SID, "pa" + SID, "PAIL0123456789abcdef0123456789abcdef",
            "PA" + SID + "0", "PAIB0123", "PA" + "IB0123456789abcdef0123456789abcdeZ", "garbage"})
    void rejectsMalformedTokensNamingPageToken(String token) {
        assertThatThrownBy(() -> Cursor.parseToken(token, "IB"))
                .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("PageToken"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1001, Integer.MIN_VALUE})
    void rejectsPageSizesOutsideOneToAThousand(int size) {
        assertThatThrownBy(() -> PageRequest.first(size))
                .isInstanceOfSatisfying(SipmapException.InvalidParameter.class,
                        e -> assertThat(e.parameter()).isEqualTo("PageSize"));
    }

    @Test
    void defaultPageSizeIsFifty() {
        assertThat(PageRequest.first()).isEqualTo(new PageRequest(50, Cursor.FIRST));
        assertThat(PageRequest.first(1000).at(new Cursor.After(SID)).cursor()).isEqualTo(new Cursor.After(SID));
    }

    @Test
    void offsetMayNotBeNegative() {
        assertThatThrownBy(() -> new Cursor.Offset(-1)).isInstanceOf(SipmapException.InvalidParameter.class);
    }

    @Test
    void pageCursorsPointPastItsEnds() {
        var a = SourceIpMappingSid.ofHex("00000000000000000000000000000001");
        var b = SourceIpMappingSid.ofHex("00000000000000000000000000000002");
        Page<SourceIpMappingSid> page = Page.of(List.of(a, b), true, true, sid -> sid);
        assertThat(page.next()).contains(new Cursor.After(b.value()));
        assertThat(page.previous()).contains(new Cursor.Before(a.value()));
        assertThat(Page.of(List.of(a, b), false, false, sid -> sid).hasNext()).isFalse();
        assertThat(Page.of(List.of(a, b), false, false, sid -> sid).hasPrevious()).isFalse();
    }

    @Test
    void anEmptyPageHasNoNeighbours() {
        Page<SourceIpMappingSid> page = Page.of(List.of(), true, true, sid -> sid);
        assertThat(page.items()).isEmpty();
        assertThat(page.next()).isEmpty();
        assertThat(page.previous()).isEmpty();
    }

    @Test
    void mapKeepsTheCursors() {
        var a = SourceIpMappingSid.ofHex("00000000000000000000000000000001");
        Page<String> page = Page.of(List.of(a), true, false, sid -> sid).map(SourceIpMappingSid::value);
        assertThat(page.items()).containsExactly(a.value());
        assertThat(page.next()).contains(new Cursor.After(a.value()));
        assertThat(page.previous()).isEqualTo(Optional.empty());
    }
}
