package io.sipmap.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.Cursor;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Consumer;

/** Walks a list page by page, as a client following {@code next_page_url} or {@code previous_page_url} does. */
final class Walk {

    private Walk() {
    }

    /**
     * Walks forwards from the first page following {@code next} until it is empty, then backwards from the last page
     * following {@code previous} until it is empty, and asserts that each way sees exactly {@code expected} (SIDs in
     * order), that only the first page lacks {@code previous}, only the last lacks {@code next}, and that every page
     * but the last of each way is full.
     */
    static <T> void assertWalksBothWays(Function<PageRequest, Page<T>> list, int size, List<String> expected,
                                        Function<T, String> sidOf) {
        int maxPages = expected.size() / size + 2;
        List<String> forwards = new ArrayList<>();
        Page<T> page = list.apply(PageRequest.first(size));
        assertThat(page.previous()).as("previous of the first page (size %d)", size).isEmpty();
        for (int pages = 1; ; pages++) {
            assertThat(page.items()).as("items of forward page %d (size %d)", pages, size)
                    .hasSizeLessThanOrEqualTo(size);
            page.items().forEach(item -> forwards.add(sidOf.apply(item)));
            if (page.next().isEmpty()) {
                break;
            }
            assertThat(page.items()).as("a forward page with a next page is full (size %d)", size).hasSize(size);
            assertThat(pages).as("forward pages (size %d): a next cursor loops", size).isLessThan(maxPages);
            page = list.apply(new PageRequest(size, page.next().get()));
            assertThat(page.previous()).as("previous of forward page %d (size %d)", pages + 1, size).isPresent();
        }
        assertThat(forwards).as("SIDs walking forwards (size %d)", size).containsExactlyElementsOf(expected);

        List<List<String>> backwardsPages = new ArrayList<>();
        backwardsPages.add(page.items().stream().map(sidOf).toList());
        for (int pages = 1; page.previous().isPresent(); pages++) {
            assertThat(pages).as("backward pages (size %d): a previous cursor loops", size).isLessThan(maxPages);
            page = list.apply(new PageRequest(size, page.previous().get()));
            assertThat(page.next()).as("next of backward page %d (size %d)", pages + 1, size).isPresent();
            assertThat(page.items()).as("items of backward page %d (size %d)", pages + 1, size)
                    .isNotEmpty().hasSizeLessThanOrEqualTo(size);
            if (page.previous().isPresent()) {
                assertThat(page.items()).as("a backward page with a previous page is full (size %d)", size)
                        .hasSize(size);
            }
            backwardsPages.add(page.items().stream().map(sidOf).toList());
        }
        List<String> backwards = new ArrayList<>();
        for (int i = backwardsPages.size() - 1; i >= 0; i--) {
            backwards.addAll(backwardsPages.get(i));
        }
        assertThat(backwards).as("SIDs walking backwards (size %d)", size).containsExactlyElementsOf(expected);
    }

    /**
     * Walks forwards following {@code next} and returns every SID seen, in order. {@code betweenPages} runs after
     * each page but the last with the last SID seen so far, to change the list under the walk.
     */
    static <T> List<String> forwards(Function<PageRequest, Page<T>> list, int size, Function<T, String> sidOf,
                                     int maxPages, Consumer<String> betweenPages) {
        List<String> seen = new ArrayList<>();
        Page<T> page = list.apply(PageRequest.first(size));
        for (int pages = 1; ; pages++) {
            page.items().forEach(item -> seen.add(sidOf.apply(item)));
            if (page.next().isEmpty()) {
                return seen;
            }
            assertThat(pages).as("pages: a next cursor loops").isLessThan(maxPages);
            betweenPages.accept(seen.get(seen.size() - 1));
            page = list.apply(new PageRequest(size, page.next().get()));
        }
    }

    /**
     * Asserts that a list of exactly {@code expected} (SIDs in their order) lists them in that order, and that keyset
     * cursors cut it by the same order: after the second SID, and before the eighth.
     */
    static <T> void assertListsInOrder(Function<PageRequest, Page<T>> list, List<String> expected,
                                       Function<T, String> sidOf) {
        assertThat(expected).as("SIDs to list").hasSizeGreaterThan(8);
        Function<Cursor, List<String>> sids = cursor -> list.apply(new PageRequest(PageRequest.MAX_SIZE, cursor))
                .items().stream().map(sidOf).toList();

        assertThat(sids.apply(Cursor.FIRST)).containsExactlyElementsOf(expected);
        assertThat(sids.apply(new Cursor.After(expected.get(1))))
                .containsExactlyElementsOf(expected.subList(2, expected.size()));
        assertThat(sids.apply(new Cursor.Before(expected.get(7)))).containsExactlyElementsOf(expected.subList(0, 7));
    }
}
