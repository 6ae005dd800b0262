package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.voice.v1.IpRecord;
import com.twilio.rest.voice.v1.SourceIpMapping;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import java.net.URI;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Twilio's official Java SDK, unchanged but for where its HTTP client connects, against the real server: the proof
 * that code written for Twilio works against sipmap.
 */
class TwilioSdkCompatibilityTest {

    static final String DOMAIN = "SD" + "7".repeat(32);
    static final String OTHER_DOMAIN = "SD" + "8".repeat(32);

    LocalServer server;
    TwilioRestClient client;

    @BeforeEach
    void start() throws Exception {
        server = new LocalServer();
        client = clientFor(LocalServer.ACCOUNT.value(), LocalServer.TOKEN);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private TwilioRestClient clientFor(String user, String password) {
        return new TwilioRestClient.Builder(user, password)
                .httpClient(new LocalTwilioHttpClient(server.base))
                .build();
    }

    @Test
    void createsFetchesUpdatesAndDeletesIpRecords() {
        ZonedDateTime before = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);

        IpRecord created = IpRecord.creator("192.0.2.10").setFriendlyName("office").setCidrPrefixLength(24)
                .create(client);

        assertThat(created.getSid()).matches("IL[0-9a-f]{32}");
        assertThat(created.getAccountSid()).isEqualTo(LocalServer.ACCOUNT.value());
        assertThat(created.getIpAddress()).isEqualTo("192.0.2.10");
        assertThat(created.getFriendlyName()).isEqualTo("office");
        assertThat(created.getCidrPrefixLength()).isEqualTo(24);
        assertThat(created.getDateCreated()).isNotNull().isAfterOrEqualTo(before);
        assertThat(created.getDateUpdated()).isEqualTo(created.getDateCreated());
        assertThat(created.getUrl()).isEqualTo(URI.create(server.base + "/v1/IpRecords/" + created.getSid()));

        IpRecord fetched = IpRecord.fetcher(created.getSid()).fetch(client);
        assertThat(fetched).isEqualTo(created);

        IpRecord updated = IpRecord.updater(created.getSid()).setFriendlyName("renamed").update(client);
        assertThat(updated.getFriendlyName()).isEqualTo("renamed");
        assertThat(updated.getCidrPrefixLength()).isEqualTo(24);

        IpRecord plain = IpRecord.creator("198.51.100.1").create(client);
        assertThat(plain.getFriendlyName()).isNull();
        assertThat(plain.getCidrPrefixLength()).isEqualTo(32);

        assertThat(IpRecord.deleter(created.getSid()).delete(client)).isTrue();
        ApiException gone = catchThrowableOfType(ApiException.class,
                () -> IpRecord.fetcher(created.getSid()).fetch(client));
        assertThat(gone.getStatusCode()).isEqualTo(404);
        assertThat(gone.getCode()).isEqualTo(20404);
    }

    @Test
    void createsListsFetchesAndMapsIpv6RecordsUnchangedSinceTheSdkSendsStrings() {
        IpRecord network = IpRecord.creator("2001:DB8:0:0:0::A").setFriendlyName("v6 trunk").setCidrPrefixLength(64)
                .create(client);
        IpRecord host = IpRecord.creator("2001:db8:0:0:1:0:0:7").create(client);
        IpRecord v4 = IpRecord.creator("192.0.2.50").setCidrPrefixLength(28).create(client);
        IpRecord mapped = IpRecord.creator("::ffff:198.51.100.9").setCidrPrefixLength(24).create(client);

        assertThat(network.getIpAddress()).as("RFC 5952 text").isEqualTo("2001:db8::a");
        assertThat(network.getCidrPrefixLength()).isEqualTo(64);
        assertThat(network.getFriendlyName()).isEqualTo("v6 trunk");
        assertThat(host.getIpAddress()).as("the first of two equal zero runs is compressed")
                .isEqualTo("2001:db8::1:0:0:7");
        assertThat(host.getCidrPrefixLength()).as("no length: the whole address").isEqualTo(128);
        assertThat(v4.getIpAddress()).isEqualTo("192.0.2.50");
        assertThat(mapped.getIpAddress()).as("an IPv4-mapped address is the IPv4 address").isEqualTo("198.51.100.9");
        assertThat(mapped.getCidrPrefixLength()).isEqualTo(24);
        assertThat(IpRecord.fetcher(network.getSid()).fetch(client)).isEqualTo(network);
        assertThat(IpRecord.fetcher(host.getSid()).fetch(client)).isEqualTo(host);

        List<IpRecord> read = new ArrayList<>();
        IpRecord.reader().pageSize(2).read(client).forEach(read::add);
        assertThat(read).containsExactly(network, host, v4, mapped);

        SourceIpMapping mapping = SourceIpMapping.creator(network.getSid(), DOMAIN).create(client);
        assertThat(SourceIpMapping.fetcher(mapping.getSid()).fetch(client).getIpRecordSid())
                .isEqualTo(network.getSid());
        assertThat(IpRecord.updater(host.getSid()).setFriendlyName("renamed").update(client).getIpAddress())
                .isEqualTo("2001:db8::1:0:0:7");
        assertThat(IpRecord.deleter(host.getSid()).delete(client)).isTrue();

        assertApiError(() -> IpRecord.creator("2001:db8::1").setCidrPrefixLength(129).create(client), 400, 20001);
        assertApiError(() -> IpRecord.creator("fe80::1%eth0").create(client), 400, 20001);
        assertApiError(() -> IpRecord.creator("2001:db8::1::2").create(client), 400, 20001);
    }

    @Test
    void aServerForTwilioExactDeploymentsRefusesIpv6AsTwilioDoes() throws Exception {
        server.close();
        server = new LocalServer(options -> options.withAddressFamilies(
                SipmapServerOptions.AddressFamilies.IPV4));
        client = clientFor(LocalServer.ACCOUNT.value(), LocalServer.TOKEN);

        assertApiError(() -> IpRecord.creator("2001:db8::1").create(client), 400, 20001);
        assertThat(IpRecord.creator("192.0.2.60").create(client).getIpAddress()).isEqualTo("192.0.2.60");
    }

    @Test
    void createsFetchesUpdatesAndDeletesSourceIpMappings() {
        IpRecord record = IpRecord.creator("192.0.2.20").create(client);

        SourceIpMapping created = SourceIpMapping.creator(record.getSid(), DOMAIN).create(client);

        assertThat(created.getSid()).matches("IB[0-9a-f]{32}");
        assertThat(created.getIpRecordSid()).isEqualTo(record.getSid());
        assertThat(created.getSipDomainSid()).isEqualTo(DOMAIN);
        assertThat(created.getDateCreated()).isNotNull();
        assertThat(created.getDateUpdated()).isNotNull();
        assertThat(created.getUrl()).isEqualTo(URI.create(server.base + "/v1/SourceIpMappings/" + created.getSid()));
        assertThat(SourceIpMapping.fetcher(created.getSid()).fetch(client)).isEqualTo(created);

        SourceIpMapping updated = SourceIpMapping.updater(created.getSid(), OTHER_DOMAIN).update(client);
        assertThat(updated.getSipDomainSid()).isEqualTo(OTHER_DOMAIN);
        assertThat(updated.getIpRecordSid()).isEqualTo(record.getSid());

        assertThat(SourceIpMapping.deleter(created.getSid()).delete(client)).isTrue();
        assertThat(IpRecord.deleter(record.getSid()).delete(client)).isTrue();
    }

    @Test
    void readerPagesThroughEveryIpRecord() {
        List<String> created = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            created.add(IpRecord.creator("192.0.2." + i).create(client).getSid());
        }

        List<String> read = new ArrayList<>();
        IpRecord.reader().pageSize(3).read(client).forEach(r -> read.add(r.getSid()));

        assertThat(read).isEqualTo(created);
    }

    @Test
    void readerPagesThroughEveryMapping() {
        List<String> created = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String record = IpRecord.creator("192.0.2." + i).create(client).getSid();
            created.add(SourceIpMapping.creator(record, DOMAIN).create(client).getSid());
        }

        List<String> read = new ArrayList<>();
        SourceIpMapping.reader().pageSize(2).read(client).forEach(m -> read.add(m.getSid()));

        assertThat(read).isEqualTo(created);
        var firstPage = SourceIpMapping.reader().pageSize(2).firstPage(client);
        assertThat(firstPage.getRecords()).hasSize(2);
        assertThat(firstPage.hasNextPage()).isTrue();
    }

    @Test
    void errorsArriveAsApiExceptionsWithStatusAndCode() {
        IpRecord record = IpRecord.creator("192.0.2.30").create(client);
        SourceIpMapping.creator(record.getSid(), DOMAIN).create(client);

        assertApiError(() -> IpRecord.creator("999.0.0.1").create(client), 400, 20001);
        assertApiError(() -> IpRecord.creator("192.0.2.1").setCidrPrefixLength(33).create(client), 400, 20001);
        assertApiError(() -> SourceIpMapping.creator(record.getSid(), DOMAIN).create(client), 409, 20409);
        assertApiError(() -> IpRecord.deleter(record.getSid()).delete(client), 409, 20409);
        assertApiError(() -> SourceIpMapping.creator("IL" + "0".repeat(32), DOMAIN).create(client), 400, 20001);
        assertApiError(() -> SourceIpMapping.fetcher("IB" + "0".repeat(32)).fetch(client), 404, 20404);
        assertApiError(() -> IpRecord.reader().pageSize(1001).firstPage(client), 400, 20007);
        assertApiError(() -> IpRecord.fetcher(record.getSid()).fetch(clientFor(LocalServer.ACCOUNT.value(), "wrong")),
                401, 20003);
    }

    @Test
    void apiKeyActsForItsAccountAndAccountsAreIsolated() {
        TwilioRestClient withKey = new TwilioRestClient.Builder(LocalServer.API_KEY.value(), LocalServer.API_SECRET)
                .accountSid(LocalServer.ACCOUNT.value())
                .httpClient(new LocalTwilioHttpClient(server.base))
                .build();

        IpRecord record = IpRecord.creator("192.0.2.40").create(withKey);

        assertThat(record.getAccountSid()).isEqualTo(LocalServer.ACCOUNT.value());
        assertThat(IpRecord.fetcher(record.getSid()).fetch(client)).isEqualTo(record);
        assertApiError(() -> IpRecord.fetcher(record.getSid())
                .fetch(clientFor(LocalServer.SECOND.value(), LocalServer.SECOND_TOKEN)), 404, 20404);
    }

    private static void assertApiError(Runnable call, int status, int code) {
        ApiException error = catchThrowableOfType(ApiException.class, call::run);
        assertThat(error).as("expected an ApiException %d/%d", status, code).isNotNull();
        assertThat(error.getStatusCode()).isEqualTo(status);
        assertThat(error.getCode()).isEqualTo(code);
        assertThat(error.getMoreInfo()).isEqualTo("https://www.twilio.com/docs/errors/" + code);
    }
}
