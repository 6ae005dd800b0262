package io.sipmap.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.SipmapException;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.net.ServerSocket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PgFailuresTest {

    @Test
    void aDatabaseOutOfReachIsUnavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        Pool pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("localhost").setPort(port)
                .setDatabase("sipmap").setUser("sipmap")).using(TestDatabase.vertx()).build();
        try {
            var stage = new PgIpRecordStore(pool, pool, new PgResolutionStore(TestDatabase.vertx(), pool, pool),
                    new Failures(java.time.Duration.ofSeconds(10)), new AccountWrites(1, 1, 1),
                    new WriteGroups(pool, new AccountWrites(1, 1, 1), 1, 1, WriteGroups.LOCK_TIMEOUT)).find(AccountSid.ofHex("0".repeat(32)),
                    IpRecordSid.ofHex("1".repeat(32)));

            assertThatThrownBy(() -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(SipmapException.Unavailable.class)
                    .hasMessageStartingWith("PostgreSQL is out of reach");
        } finally {
            pool.close().await();
        }
    }

    @Test
    void connectionAndShutdownStatesAreUnavailableOtherStatesStayAsTheyAre() {
        for (String state : new String[] {"08006", "08001", "53300", "57P01"}) {
            assertThat(Failures.translate(pg(state))).as(state).isInstanceOf(SipmapException.Unavailable.class);
        }
        PgException syntax = pg("42601");
        assertThat(Failures.translate(syntax)).isSameAs(syntax);
        assertThat(Failures.translate(new VertxException("Connection is closed")))
                .isInstanceOf(SipmapException.Unavailable.class);
        IllegalStateException bug = new IllegalStateException("a bug");
        assertThat(Failures.translate(bug)).isSameAs(bug);
    }

    @Test
    void aPoolWithNoConnectionToGiveAndACancelledStatementAreUnavailableSayingWhich() {
        assertThat(Failures.translate(new ConnectionPoolTooBusyException(
                "Connection pool reached max wait queue size of 2")))
                .isInstanceOf(SipmapException.Unavailable.class)
                .hasMessage("PostgreSQL connection pool exhausted: Connection pool reached max wait queue size of 2");
        assertThat(Failures.translate(new VertxException("Timeout waiting for connection")))
                .isInstanceOf(SipmapException.Unavailable.class)
                .hasMessage("PostgreSQL connection pool exhausted: Timeout waiting for connection");
        assertThat(Failures.translate(pg("57014"))).isInstanceOf(SipmapException.Unavailable.class)
                .hasMessageStartingWith("PostgreSQL cancelled a statement that ran past the statement timeout");
    }

    @Test
    void optionsRefuseTimeoutsUnderAMillisecondAndANegativeQueue() {
        assertThatThrownBy(() -> new PgStoreOptions.Timeouts(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connect timeout");
        PgStoreOptions options = PgStoreOptions.of(new PgConnectOptions());
        assertThatThrownBy(() -> options.withMaxWaitQueueSize(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(options.timeouts()).isEqualTo(PgStoreOptions.Timeouts.DEFAULT);
        assertThat(options.maxWaitQueueSize()).isEqualTo(PgStoreOptions.DEFAULT_MAX_WAIT_QUEUE_SIZE);
    }

    private static PgException pg(String state) {
        return new PgException("message", "ERROR", state, "detail");
    }
}
