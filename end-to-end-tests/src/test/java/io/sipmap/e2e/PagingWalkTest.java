package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Walks 2,345 mappings through the real server, over the services, over the in-memory stores, by following
 * {@code next_page_url} from the first page and then {@code previous_page_url} back: every mapping once, in order.
 */
class PagingWalkTest {

    static final int COUNT = 2_345;
    static final SipDomainSid DOMAIN = new SipDomainSid("SD" + "5".repeat(32));

    static LocalServer server;
    static List<String> sids;

    @BeforeAll
    static void twoThousandThreeHundredFortyFiveMappings() throws Exception {
        server = new LocalServer();
        sids = create(LocalServer.ACCOUNT, COUNT);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static List<String> create(AccountSid account, int count) {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            created.add(createOne(account, i).value());
        }
        return created;
    }

    private static SourceIpMappingSid createOne(AccountSid account, int i) {
        var record = server.ipRecords.create(account, new CreateIpRecord(new Ipv4Address(0x0a000000 + i), null, 32))
                .toCompletableFuture().join();
        return server.sourceIpMappings.create(account, new CreateSourceIpMapping(record.sid(), DOMAIN))
                .toCompletableFuture().join().sid();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 50, 1000})
    void walksForwardByNextPageUrlAndBackByPreviousPageUrl(int pageSize) throws Exception {
        List<String> forward = new ArrayList<>();
        String url = server.base + "/v1/SourceIpMappings?PageSize=" + pageSize;
        JsonObject page = null;
        int pages = 0;
        while (url != null) {
            page = server.getJson(url, LocalServer.ACCOUNT, LocalServer.TOKEN);
            JsonObject meta = page.getJsonObject("meta");
            assertThat(meta.getInteger("page")).isEqualTo(pages);
            assertThat(meta.getInteger("page_size")).isEqualTo(pageSize);
            forward.addAll(sidsOf(page));
            url = meta.getString("next_page_url");
            pages++;
        }

        assertThat(pages).isEqualTo((COUNT + pageSize - 1) / pageSize);
        assertThat(forward).hasSize(COUNT).doesNotHaveDuplicates().isEqualTo(sids);

        List<String> backward = new ArrayList<>(sidsOf(page));
        url = page.getJsonObject("meta").getString("previous_page_url");
        while (url != null) {
            JsonObject previous = server.getJson(url, LocalServer.ACCOUNT, LocalServer.TOKEN);
            List<String> items = new ArrayList<>(sidsOf(previous));
            items.addAll(backward);
            backward = items;
            url = previous.getJsonObject("meta").getString("previous_page_url");
        }

        assertThat(backward).hasSize(COUNT).doesNotHaveDuplicates().isEqualTo(sids);
    }

    @Test
    void walkSeesEveryMappingThatExistedThroughoutExactlyOnceWhateverChangesMeanwhile() throws Exception {
        List<String> initial = create(LocalServer.SECOND, 600);
        Set<String> survivors = new HashSet<>(initial);
        List<String> deletable = new ArrayList<>(initial);
        Collections.shuffle(deletable, new Random(7));
        List<String> seen = new ArrayList<>();
        String url = server.base + "/v1/SourceIpMappings?PageSize=50";
        int created = 0;
        while (url != null) {
            JsonObject page = server.getJson(url, LocalServer.SECOND, LocalServer.SECOND_TOKEN);
            seen.addAll(sidsOf(page));
            url = page.getJsonObject("meta").getString("next_page_url");
            // Meanwhile: another client deletes three mappings anywhere and creates two.
            for (int i = 0; i < 3 && !deletable.isEmpty(); i++) {
                String sid = deletable.remove(deletable.size() - 1);
                survivors.remove(sid);
                server.sourceIpMappings.delete(LocalServer.SECOND, new SourceIpMappingSid(sid))
                        .toCompletableFuture().join();
            }
            createOne(LocalServer.SECOND, 10_000 + created++);
            createOne(LocalServer.SECOND, 10_000 + created++);
        }

        assertThat(seen).doesNotHaveDuplicates().containsAll(survivors);
        assertThat(seen).isSorted();
    }

    @Test
    void nextPageUrlStaysValidAfterItsSidIsDeleted() throws Exception {
        List<String> third = create(LocalServer.THIRD, 5);
        JsonObject first = server.getJson(server.base + "/v1/SourceIpMappings?PageSize=2", LocalServer.THIRD,
                LocalServer.THIRD_TOKEN);
        server.sourceIpMappings.delete(LocalServer.THIRD, new SourceIpMappingSid(third.get(1)))
                .toCompletableFuture().join();

        JsonObject second = server.getJson(first.getJsonObject("meta").getString("next_page_url"), LocalServer.THIRD,
                LocalServer.THIRD_TOKEN);

        assertThat(sidsOf(second)).containsExactly(third.get(2), third.get(3));
    }

    private static List<String> sidsOf(JsonObject page) {
        JsonArray items = page.getJsonArray("source_ip_mappings");
        List<String> result = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            result.add(items.getJsonObject(i).getString("sid"));
        }
        return result;
    }
}
