package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.service.BatchService;
import io.sipmap.service.ChangeFeedService;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sipmap-server apply FILE} against a local server over in-memory stores: plan, apply, nothing to do. */
class ApplyCommandTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "ab".repeat(16));
    private static final String TOKEN = "apply-token";
    private static final SipDomainSid A = new SipDomainSid("SD" + "a".repeat(32));
    private static final SipDomainSid B = new SipDomainSid("SD" + "b".repeat(32));

    @TempDir
    Path dir;
    private Vertx vertx;
    private InMemoryStores stores;
    private IpRecordService records;
    private Map<String, String> env;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startServer() throws Exception {
        vertx = Vertx.vertx();
        stores = InMemoryStores.create();
        var clock = Clock.systemUTC();
        var sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        records = new IpRecordService(stores.ipRecords(), clock, sids);
        var verticle = new SipmapVerticle(new SourceIpMappingService(stores.sourceIpMappings(), clock, sids),
                records, null, new ChangeFeedService(stores.changes()),
                new BatchService(stores.batches(), clock, sids),
                SipmapServerOptions.of(Credentials.of(ACCOUNT, TOKEN)).withPort(0));
        vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
        env = Map.of("SIPMAP_URL", "http://127.0.0.1:" + verticle.actualPort(), "TWILIO_ACCOUNT_SID",
                ACCOUNT.value(), "TWILIO_AUTH_TOKEN", TOKEN);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private Integer apply(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        String[] all = new String[args.length + 1];
        all[0] = "apply";
        System.arraycopy(args, 0, all, 1, args.length);
        return ServerCommand.execute(all, env, new BufferedReader(new StringReader("")), new PrintWriter(out),
                new PrintWriter(err), settings -> {
                    throw new AssertionError("apply starts no server");
                });
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private long head() throws Exception {
        return stores.changes().changesAfter(ACCOUNT, ChangeId.ZERO, 1).toCompletableFuture().get().head().seq();
    }

    @Test
    void showsThePlanAppliesItWithYesAndThenHasNothingToDo() throws Exception {
        records.create(ACCOUNT, CreateIpRecord.of("203.0.113.9").withFriendlyName("carrier-a old"))
                .toCompletableFuture().get();
        records.create(ACCOUNT, CreateIpRecord.of("192.0.2.1").withFriendlyName("someone else"))
                .toCompletableFuture().get();
        Path list = file("carrier-a.csv", "ip_address,cidr_prefix_length,sip_domain_sid,friendly_name\n"
                + "198.51.100.0,24," + A + ",carrier-a edge\n"
                + "198.51.101.7,," + B + ",carrier-a media\n");

        assertThat(apply(list.toString(), "--friendly-name-prefix", "carrier-a")).isZero();
        assertThat(out.toString()).contains("create  198.51.100.0/24    -> " + A + " \"carrier-a edge\"")
                .contains("remove  203.0.113.9/32")
                .contains("apply: 2 to create, 0 to map, 0 to re-map, 0 to rename, 1 to remove, 0 unchanged")
                .contains("apply: 5 changes; run again with --yes");
        long before = head();
        assertThat(before).isEqualTo(2);

        assertThat(apply(list.toString(), "--friendly-name-prefix", "carrier-a", "--yes")).isZero();
        assertThat(out.toString()).contains("apply: applied 5 changes in one batch");
        assertThat(head()).isEqualTo(before + 5);
        assertThat(stores.ipRecords().page(ACCOUNT, PageRequest.first(50)).toCompletableFuture().get().items())
                .extracting(r -> r.friendlyName()).containsExactly("someone else", "carrier-a edge", "carrier-a media");

        assertThat(apply(list.toString(), "--friendly-name-prefix", "carrier-a", "--yes")).isZero();
        assertThat(out.toString()).contains("keep    198.51.100.0/24").contains("apply: nothing to do");
        assertThat(head()).isEqualTo(before + 5);
    }

    @Test
    void readsJsonToo() throws Exception {
        Path list = file("list.json", "[{\"ip_address\":\"198.51.100.0\",\"cidr_prefix_length\":24,"
                + "\"sip_domain_sid\":\"" + A + "\",\"friendly_name\":\"x\"}]");

        assertThat(apply(list.toString(), "--yes")).isZero();
        assertThat(out.toString()).contains("apply: applied 2 changes in one batch");
    }

    @Test
    void refusesAFileWithErrorsNamingEachLineAndChangesNothing() throws Exception {
        Path list = file("bad.csv", "ip_address,cidr_prefix_length,sip_domain_sid,friendly_name\n"
                + "198.51.100.300,24," + A + ",a\n"
                + "198.51.100.0,40," + A + ",b\n"
                + "198.51.100.0,24,SD123,c\n"
                + "192.0.2.0,24," + A + ",d\n"
                + "192.0.2.0,24," + B + ",e\n");

        assertThat(apply(list.toString(), "--yes")).isEqualTo(1);
        assertThat(err.toString()).contains("sipmap: apply: line 2: bad ip_address '198.51.100.300'")
                .contains("line 3: bad cidr_prefix_length '40' (0 to 32)")
                .contains("line 4: bad sip_domain_sid 'SD123'")
                .contains("line 6: duplicate of line 5 (192.0.2.0/24)")
                .contains("the file has 4 error(s); nothing was changed");
        assertThat(head()).isZero();
    }

    @Test
    void appliesIpv6LinesAndKnowsThemAgainInAnotherSpelling() throws Exception {
        Path list = file("v6.csv", "ip_address,cidr_prefix_length,sip_domain_sid,friendly_name\n"
                + "2001:DB8:0:0::,32," + A + ",carrier-a v6\n"
                + "2001:db8:0:5::1,," + B + ",carrier-a v6 host\n"
                + "198.51.100.0,24," + A + ",carrier-a v4\n");

        assertThat(apply(list.toString(), "--yes")).as(err::toString).isZero();
        assertThat(out.toString()).contains("create  2001:db8::/32").contains("create  2001:db8:0:5::1/128")
                .contains("apply: applied 6 changes in one batch");
        assertThat(stores.ipRecords().page(ACCOUNT, PageRequest.first(50)).toCompletableFuture().get().items())
                .extracting(r -> r.ipAddress() + "/" + r.cidrPrefixLength())
                .containsExactly("2001:db8::/32", "2001:db8:0:5::1/128", "198.51.100.0/24");

        Path respelled = file("v6-again.csv", "ip_address,cidr_prefix_length,sip_domain_sid,friendly_name\n"
                + "2001:0db8:0000:0000:0000:0000:0000:0000,32," + A + ",carrier-a v6\n"
                + "2001:DB8:0:5:0:0:0:1,128," + B + ",carrier-a v6 host\n"
                + "::ffff:198.51.100.0,24," + A + ",carrier-a v4\n");
        long before = head();
        assertThat(apply(respelled.toString(), "--yes")).as(err::toString).isZero();
        assertThat(out.toString()).contains("keep    2001:db8::/32").contains("apply: nothing to do");
        assertThat(head()).isEqualTo(before);

        Path twice = file("twice.csv", "ip_address,cidr_prefix_length,sip_domain_sid,friendly_name\n"
                + "2001:db8::,32," + A + ",a\n"
                + "2001:DB8::0,32," + B + ",b\n");
        assertThat(apply(twice.toString(), "--yes")).isEqualTo(1);
        assertThat(err.toString()).contains("line 3: duplicate of line 2 (2001:db8::/32)");
        assertThat(head()).isEqualTo(before);
    }
}
