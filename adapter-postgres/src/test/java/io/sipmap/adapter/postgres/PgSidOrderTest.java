package io.sipmap.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.PageRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The database lists SIDs in the domain's order, unsigned, also where {@link UUID#compareTo} (signed) does not. */
class PgSidOrderTest {

    private static final Instant T = Instant.parse("2026-03-18T23:31:36Z");

    @Test
    void listsSidsWithTheTopBitSetAfterThoseWithout() throws Exception {
        PgStores stores = TestDatabase.stores();
        AccountSid account = new AccountSid(new Random().nextLong(), new Random().nextLong());
        String[] hexes = {"00000000000000000000000000000000", "0000000000000000ffffffffffffffff",
                "00000000000000008000000000000000", "7fffffffffffffff7fffffffffffffff", "80000000000000000000000000000001",
                "80000000000000000000000000000000", "ffffffffffffffff0000000000000000", "ffffffffffffffffffffffffffffffff",
                "c0ffee00000000000000000000000001", "7fffffffffffffff8000000000000000"};
        List<IpRecordSid> sids = new ArrayList<>();
        for (String hex : hexes) {
            sids.add(IpRecordSid.ofHex(hex));
        }
        List<IpRecordSid> shuffled = new ArrayList<>(sids);
        Collections.shuffle(shuffled, new Random(7));
        for (IpRecordSid sid : shuffled) {
            stores.ipRecords().insert(new IpRecord(account, sid, null, Ipv4Address.parse("192.0.2.1"), 32, T, T))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
        }

        List<IpRecordSid> listed = stores.ipRecords().page(account, PageRequest.first(100)).toCompletableFuture()
                .get(5, TimeUnit.SECONDS).items().stream().map(IpRecord::sid).toList();

        List<IpRecordSid> domainOrder = new ArrayList<>(sids);
        Collections.sort(domainOrder);
        List<UUID> signedOrder = sids.stream().map(Columns::uuid).sorted().toList();
        assertThat(listed).containsExactlyElementsOf(domainOrder);
        assertThat(listed.stream().map(IpRecordSid::value).toList()).isSorted();
        assertThat(listed.stream().map(Columns::uuid).toList())
                .as("a signed order would differ, so the test can tell").isNotEqualTo(signedOrder);
    }
}
