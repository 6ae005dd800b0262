package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.client.RetryPolicy;
import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.api.Batch;
import io.sipmap.api.BatchChange.CreateIpRecordChange;
import io.sipmap.api.BatchChange.CreateSourceIpMappingChange;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.UpdateIpRecord;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.service.BatchService;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's IP records, resolve and batches with IPv6 against the real server (services and in-memory stores
 * behind it), and against a server started for Twilio-exact deployments, which refuses IPv6 as Twilio does.
 */
class Ipv6ClientTest {

    static final AccountSid ACCOUNT = new AccountSid("AC" + "6".repeat(32));
    static final SipDomainSid WIDE = SipDomainSid.ofHex("1".repeat(32));
    static final SipDomainSid SITE = SipDomainSid.ofHex("2".repeat(32));
    static final SipDomainSid OFFICE = SipDomainSid.ofHex("3".repeat(32));

    private final Vertx vertx = Vertx.vertx();
    private SipmapClient client;

    private SipmapClient start(SipmapServerOptions.AddressFamilies families) throws Exception {
        var stores = InMemoryStores.create();
        var clock = Clock.systemUTC();
        var sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        var verticle = new SipmapVerticle(new SourceIpMappingService(stores.sourceIpMappings(), clock, sids),
                new IpRecordService(stores.ipRecords(), clock, sids), new ResolutionService(stores.resolutions()),
                null, new BatchService(stores.batches(), clock, sids),
                SipmapServerOptions.of(Credentials.of(ACCOUNT, "token")).withPort(0).withAddressFamilies(families));
        vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
        client = SipmapClient.builder().baseUrl("http://127.0.0.1:" + verticle.actualPort())
                .accountCredentials(ACCOUNT, "token").vertx(vertx).retryPolicy(RetryPolicy.none()).build();
        return client;
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Optional<String> domainOf(String address) throws Exception {
        return await(client.sipDomainResolver().resolve(ACCOUNT, IpAddress.parse(address)))
                .map(r -> r.sipDomainSid().value());
    }

    @Test
    void createsFetchesListsUpdatesMapsAndResolvesIpv6Records() throws Exception {
        start(SipmapServerOptions.AddressFamilies.IPV4_AND_IPV6);
        IpRecord wide = await(client.ipRecords().create(ACCOUNT, CreateIpRecord.of("2001:db8::")
                .withCidrPrefixLength(32).withFriendlyName("wide")));
        IpRecord site = await(client.ipRecords().create(ACCOUNT, CreateIpRecord.of("2001:DB8:A:0::5")
                .withCidrPrefixLength(48)));
        IpRecord office = await(client.ipRecords().create(ACCOUNT, CreateIpRecord.of("::ffff:192.0.2.0")
                .withCidrPrefixLength(24)));
        IpRecord host = await(client.ipRecords().create(ACCOUNT, CreateIpRecord.of("2001:db8:a::77")));

        assertThat(site.ipAddress().toString()).isEqualTo("2001:db8:a::5");
        assertThat(site.cidrPrefixLength()).isEqualTo(48);
        assertThat(host.cidrPrefixLength()).isEqualTo(128);
        assertThat(office.ipAddress()).isEqualTo(Ipv4Address.parse("192.0.2.0"));
        assertThat(await(client.ipRecords().fetch(ACCOUNT, site.sid()))).isEqualTo(site);
        assertThat(await(client.ipRecords().list(ACCOUNT, PageRequest.first(2))).items()).containsExactly(wide, site);
        List<IpRecord> streamed = new ArrayList<>();
        await(client.ipRecords().stream(ACCOUNT, 3, Long.MAX_VALUE).forEach(streamed::add));
        assertThat(streamed).containsExactly(wide, site, office, host);
        IpRecord renamed = await(client.ipRecords().update(ACCOUNT, site.sid(), new UpdateIpRecord("site")));
        assertThat(renamed.prefix()).isEqualTo(site.prefix());

        await(client.sourceIpMappings().create(ACCOUNT, new CreateSourceIpMapping(wide.sid(), WIDE)));
        await(client.sourceIpMappings().create(ACCOUNT, new CreateSourceIpMapping(site.sid(), SITE)));
        await(client.sourceIpMappings().create(ACCOUNT, new CreateSourceIpMapping(office.sid(), OFFICE)));

        Resolution inSite = await(client.sipDomainResolver().resolve(ACCOUNT, IpAddress.parse("2001:db8:a:ffff::1")))
                .orElseThrow();
        assertThat(inSite.ipRecordSid()).isEqualTo(site.sid());
        assertThat(inSite.prefix().toString()).isEqualTo("2001:db8:a::5/48");
        assertThat(domainOf("2001:db8:a::77")).as("the /128 is not mapped: the /48 answers").contains(SITE.value());
        assertThat(domainOf("2001:db8:b::1")).contains(WIDE.value());
        assertThat(domainOf("2001:db9::1")).isEmpty();
        assertThat(domainOf("192.0.2.200")).contains(OFFICE.value());
        assertThat(domainOf("::ffff:192.0.2.200")).contains(OFFICE.value());
        assertThat(domainOf("::192.0.2.200")).as("IPv4-compatible is an IPv6 address").isEmpty();
    }

    @Test
    void aBatchCreatesAndMapsIpv6Records() throws Exception {
        start(SipmapServerOptions.AddressFamilies.IPV4_AND_IPV6);
        List<Object> results = await(client.batches().apply(ACCOUNT, new Batch(List.of(
                new CreateIpRecordChange("v6", CreateIpRecord.of("2001:db8:c::").withCidrPrefixLength(56)),
                new CreateSourceIpMappingChange(null, "v6", SITE),
                new CreateIpRecordChange("v4", CreateIpRecord.of("198.51.100.0").withCidrPrefixLength(24)),
                new CreateSourceIpMappingChange(null, "v4", OFFICE)))));

        assertThat(((IpRecord) results.get(0)).prefix().toString()).isEqualTo("2001:db8:c::/56");
        assertThat(domainOf("2001:db8:c:ff::1")).contains(SITE.value());
        assertThat(domainOf("2001:db8:c:100::1")).isEmpty();
        assertThat(domainOf("198.51.100.1")).contains(OFFICE.value());
    }

    @Test
    void aServerForTwilioExactDeploymentsRefusesIpv6AsAnInvalidIpAddress() throws Exception {
        start(SipmapServerOptions.AddressFamilies.IPV4);

        for (CompletionStage<?> call : List.of(
                client.ipRecords().create(ACCOUNT, CreateIpRecord.of("2001:db8::1")),
                client.sipDomainResolver().resolve(ACCOUNT, IpAddress.parse("2001:db8::1")))) {
            assertThat(call.toCompletableFuture()).failsWithin(10, TimeUnit.SECONDS)
                    .withThrowableOfType(ExecutionException.class).havingCause()
                    .isInstanceOfSatisfying(SipmapException.InvalidParameter.class, e -> {
                        assertThat(e.parameter()).isEqualTo("IpAddress");
                        assertThat(e.remote()).hasValueSatisfying(remote -> {
                            assertThat(remote.status()).isEqualTo(400);
                            assertThat(remote.code()).isEqualTo(20001);
                        });
                    });
        }
        assertThat(await(client.ipRecords().create(ACCOUNT, CreateIpRecord.of("192.0.2.1"))).ipAddress())
                .isEqualTo(Ipv4Address.parse("192.0.2.1"));
        assertThat(domainOf("::ffff:192.0.2.1")).as("the mapped spelling is IPv4: asked as such").isEmpty();
    }
}
