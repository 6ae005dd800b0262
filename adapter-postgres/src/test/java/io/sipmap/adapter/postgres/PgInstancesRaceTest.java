package io.sipmap.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.spi.SidGenerator;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two instances (two pools, two replicas) on one database: the database keeps the invariants between them. */
class PgInstancesRaceTest {

    private static final SidGenerator SIDS = SidGenerator.timeOrdered(Clock.systemUTC(), new SecureRandom()::nextLong);
    private static final Instant T = Instant.parse("2026-03-18T23:31:36Z");
    private static PgStores one;
    private static PgStores two;

    @BeforeAll
    static void start() {
        one = TestDatabase.start(PgStoreOptions.of(TestDatabase.shared()).withPoolSize(4));
        two = TestDatabase.start(PgStoreOptions.of(TestDatabase.shared()).withPoolSize(4));
    }

    @AfterAll
    static void close() {
        one.close().await();
        two.close().await();
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static IpRecord record(AccountSid account, String address, int length) throws Exception {
        return await(one.ipRecords().insert(new IpRecord(account, SIDS.nextIpRecordSid(), null,
                Ipv4Address.parse(address), length, T, T)));
    }

    @Test
    void exactlyOneOfTwoInstancesMappingTheSameIpRecordWins() throws Exception {
        AccountSid account = AccountSid.ofHex(SIDS.nextHex());
        for (int round = 0; round < 30; round++) {
            IpRecord record = record(account, "10.0." + round + ".0", 24);
            SourceIpMapping viaOne = new SourceIpMapping(account, SIDS.nextSourceIpMappingSid(), record.sid(),
                    SipDomainSid.ofHex(SIDS.nextHex()), T, T);
            SourceIpMapping viaTwo = new SourceIpMapping(account, SIDS.nextSourceIpMappingSid(), record.sid(),
                    SipDomainSid.ofHex(SIDS.nextHex()), T, T);
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<SourceIpMapping> first = CompletableFuture.supplyAsync(() -> awaitGo(go))
                    .thenCompose(x -> one.sourceIpMappings().insert(viaOne));
            CompletableFuture<SourceIpMapping> second = CompletableFuture.supplyAsync(() -> awaitGo(go))
                    .thenCompose(x -> two.sourceIpMappings().insert(viaTwo));
            go.countDown();

            List<Object> outcomes = new ArrayList<>();
            for (CompletableFuture<SourceIpMapping> attempt : List.of(first, second)) {
                try {
                    outcomes.add(attempt.get(10, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    outcomes.add(e.getCause());
                }
            }

            assertThat(outcomes).filteredOn(SourceIpMapping.class::isInstance).hasSize(1);
            SourceIpMapping winner = (SourceIpMapping) outcomes.stream().filter(SourceIpMapping.class::isInstance)
                    .findFirst().orElseThrow();
            Object loser = outcomes.stream().filter(o -> !(o instanceof SourceIpMapping)).findFirst().orElseThrow();
            assertThat(loser).isInstanceOf(SipmapException.Conflict.class);
            assertThat(((Throwable) loser).getMessage()).isEqualTo("IP record " + record.sid()
                    + " is already mapped by source IP mapping " + winner.sid());
            assertThat(await(two.sourceIpMappings().find(account, winner.sid()))).contains(winner);
            // the winner's own instance resolves to it at once; the other within the propagation bound
            PgStores winning = winner.sid().equals(viaOne.sid()) ? one : two;
            assertThat(await(winning.resolutions().resolve(account, Ipv4Address.parse("10.0." + round + ".9")))
                    .orElseThrow().mappingSid()).isEqualTo(winner.sid());
        }
    }

    private static Void awaitGo(CountDownLatch go) {
        try {
            go.await();
            return null;
        } catch (InterruptedException e) {
            throw new CompletionException(e);
        }
    }

    @Test
    void aMappedRecordCannotBeDeletedThroughTheOtherInstance() throws Exception {
        AccountSid account = AccountSid.ofHex(SIDS.nextHex());
        IpRecord record = record(account, "192.0.2.0", 24);
        SourceIpMappingSid mapping = await(one.sourceIpMappings().insert(new SourceIpMapping(account,
                SIDS.nextSourceIpMappingSid(), record.sid(), SipDomainSid.ofHex(SIDS.nextHex()), T, T))).sid();

        assertThatThrownBy(() -> await(two.ipRecords().delete(account, record.sid())))
                .hasCauseInstanceOf(SipmapException.Conflict.class)
                .cause().hasMessage("IP record " + record.sid() + " is mapped by source IP mapping " + mapping
                        + "; delete the mapping first");
        assertThat(await(one.ipRecords().find(account, record.sid()))).contains(record);
    }

    @Test
    void theDatabaseRefusesToChangeARecordsAddressOrAMappingsRecord() throws Exception {
        AccountSid account = AccountSid.ofHex(SIDS.nextHex());
        IpRecord record = record(account, "198.51.100.0", 24);
        IpRecord other = record(account, "203.0.113.0", 24);
        SourceIpMapping mapping = await(one.sourceIpMappings().insert(new SourceIpMapping(account,
                SIDS.nextSourceIpMappingSid(), record.sid(), SipDomainSid.ofHex(SIDS.nextHex()), T, T)));

        for (String column : List.of("ip_address", "cidr_prefix_length", "date_created")) {
            String changed = column.equals("date_created") ? column + " + interval '1 second'" : column + " + 1";
            assertThatThrownBy(() -> update("UPDATE ip_records SET " + column + " = " + changed + " WHERE sid = '"
                    + Columns.uuid(record.sid()) + "'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("the " + column + " of ip_records " + Columns.uuid(record.sid())
                            + " never changes");
        }
        assertThatThrownBy(() -> update("UPDATE source_ip_mappings SET ip_record_sid = '"
                + Columns.uuid(other.sid()) + "' WHERE sid = '" + Columns.uuid(mapping.sid()) + "'"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("the ip_record_sid of source_ip_mappings " + Columns.uuid(mapping.sid())
                        + " never changes");
        SourceIpMapping moved = new SourceIpMapping(account, mapping.sid(), other.sid(), mapping.sipDomainSid(), T, T);
        assertThatThrownBy(() -> await(two.sourceIpMappings().replace(moved)))
                .hasCauseInstanceOf(IllegalArgumentException.class);
        IpRecord readdressed = new IpRecord(account, record.sid(), "renamed", Ipv4Address.parse("10.9.9.9"), 8, T,
                T.plusSeconds(1));
        assertThatThrownBy(() -> await(two.ipRecords().replace(readdressed)))
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(await(one.ipRecords().find(account, record.sid()))).contains(record);
        assertThat(await(two.ipRecords().replace(record.withFriendlyName("renamed", T.plusSeconds(1))))
                .orElseThrow()).isEqualTo(record.withFriendlyName("renamed", T.plusSeconds(1)));
    }

    private static void update(String sql) throws SQLException {
        try (Connection connection = TestDatabase.jdbc(TestDatabase.shared());
             Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }
}
