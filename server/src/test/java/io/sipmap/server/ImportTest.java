package io.sipmap.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.UpdateIpRecord;
import io.sipmap.api.UpdateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.service.Import;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Import} from a second local sipmap server standing in for Twilio, through the client, into stores here. */
class ImportTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "9e".repeat(16));
    private static final String TOKEN = "source-token";
    private static final SipDomainSid TRUNK = new SipDomainSid("SD" + "1".repeat(32));
    private static final SipDomainSid OTHER_TRUNK = new SipDomainSid("SD" + "2".repeat(32));

    private Vertx vertx;
    private IpRecordService sourceRecords;
    private SourceIpMappingService sourceMappings;
    private SipmapClient client;
    private String sourceUrl;
    private final InMemoryStores here = InMemoryStores.create();
    private final List<String> said = new ArrayList<>();

    @BeforeEach
    void startTheSource() throws Exception {
        vertx = Vertx.vertx();
        var stores = InMemoryStores.create();
        var clock = Clock.systemUTC();
        var sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        sourceRecords = new IpRecordService(stores.ipRecords(), clock, sids);
        sourceMappings = new SourceIpMappingService(stores.sourceIpMappings(), clock, sids);
        var verticle = new SipmapVerticle(sourceMappings, sourceRecords,
                SipmapServerOptions.of(Credentials.of(ACCOUNT, TOKEN)).withPort(0));
        vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
        sourceUrl = "http://127.0.0.1:" + verticle.actualPort();
        client = SipmapClient.builder().baseUrl(sourceUrl)
                .accountCredentials(ACCOUNT, TOKEN).vertx(vertx).build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private Import.Report importing(boolean dryRun) throws Exception {
        return await(Import.run(ACCOUNT, client.ipRecords(), client.sourceIpMappings(), here.ipRecords(),
                here.sourceIpMappings(), dryRun, said::add));
    }

    private <T> List<T> all(java.util.function.Function<PageRequest, CompletionStage<Page<T>>> list)
            throws Exception {
        List<T> items = new ArrayList<>();
        PageRequest request = PageRequest.first(PageRequest.MAX_SIZE);
        while (true) {
            Page<T> page = await(list.apply(request));
            items.addAll(page.items());
            if (page.next().isEmpty()) {
                return items;
            }
            request = request.at(page.next().get());
        }
    }

    /** 1,100 IP records (two source pages), every other one mapped. */
    private void fillTheSource() throws Exception {
        for (int i = 0; i < 1100; i++) {
            IpRecord record = await(sourceRecords.create(ACCOUNT, CreateIpRecord.of("10.1." + (i / 256) + "."
                    + (i % 256)).withCidrPrefixLength(i % 3 == 0 ? 32 : 30).withFriendlyName(i % 5 == 0 ? null
                    : "pbx " + i)));
            if (i % 2 == 0) {
                await(sourceMappings.create(ACCOUNT, new CreateSourceIpMapping(record.sid(), TRUNK)));
            }
        }
    }

    @Test
    void copiesEveryRecordAndMappingWithItsSidsAndDatesAndASecondRunChangesNothing() throws Exception {
        fillTheSource();

        Import.Report first = importing(false);

        List<IpRecord> sourceRecordList = all(r -> sourceRecords.list(ACCOUNT, r));
        List<SourceIpMapping> sourceMappingList = all(r -> sourceMappings.list(ACCOUNT, r));
        assertThat(all(r -> here.ipRecords().page(ACCOUNT, r))).containsExactlyElementsOf(sourceRecordList);
        assertThat(all(r -> here.sourceIpMappings().page(ACCOUNT, r))).containsExactlyElementsOf(sourceMappingList);
        assertThat(first.records()).isEqualTo(new Import.Counts(1100, 0, 0));
        assertThat(first.mappings()).isEqualTo(new Import.Counts(550, 0, 0));
        assertThat(first.conflicts()).isEmpty();
        assertThat(await(here.resolutions().resolve(ACCOUNT, Ipv4Address.parse("10.1.0.0"))))
                .as("the copy resolves").hasValueSatisfying(r -> assertThat(r.sipDomainSid()).isEqualTo(TRUNK));

        said.clear();
        Import.Report second = importing(false);

        assertThat(second.records()).isEqualTo(new Import.Counts(0, 0, 1100));
        assertThat(second.mappings()).isEqualTo(new Import.Counts(0, 0, 550));
        assertThat(said).isEmpty();
        assertThat(second.summary()).isEqualTo("import: IP records: 0 created, 0 updated, 1100 unchanged; "
                + "source IP mappings: 0 created, 0 updated, 550 unchanged; 0 conflict(s)");
    }

    @Test
    void followsRenamesAndMovesAtTheSourceAndReportsWhatItCannotReconcile() throws Exception {
        IpRecord renamed = await(sourceRecords.create(ACCOUNT, CreateIpRecord.of("192.0.2.1")));
        IpRecord moved = await(sourceRecords.create(ACCOUNT, CreateIpRecord.of("192.0.2.2")));
        IpRecord clashing = await(sourceRecords.create(ACCOUNT, CreateIpRecord.of("192.0.2.3")));
        SourceIpMapping mapping = await(sourceMappings.create(ACCOUNT, new CreateSourceIpMapping(moved.sid(), TRUNK)));
        importing(false);
        await(sourceRecords.update(ACCOUNT, renamed.sid(), new UpdateIpRecord("renamed at the source")));
        await(sourceMappings.update(ACCOUNT, mapping.sid(), new UpdateSourceIpMapping(OTHER_TRUNK)));
        // here, the same SID names another address: an import must not paper over it
        await(here.ipRecords().delete(ACCOUNT, clashing.sid()));
        IpRecord other = new IpRecord(ACCOUNT, clashing.sid(), null, Ipv4Address.parse("198.51.100.3"), 32,
                clashing.dateCreated(), clashing.dateUpdated());
        await(here.ipRecords().insert(other));
        said.clear();

        Import.Report report = importing(false);

        assertThat(report.records()).isEqualTo(new Import.Counts(0, 1, 1));
        assertThat(report.mappings()).isEqualTo(new Import.Counts(0, 1, 0));
        assertThat(report.conflicts()).singleElement().asString()
                .contains(clashing.sid().value(), "198.51.100.3/32", "192.0.2.3/32");
        assertThat(await(here.ipRecords().find(ACCOUNT, renamed.sid()))).get()
                .extracting(IpRecord::friendlyName).isEqualTo("renamed at the source");
        assertThat(await(here.sourceIpMappings().find(ACCOUNT, mapping.sid()))).get()
                .extracting(SourceIpMapping::sipDomainSid).isEqualTo(OTHER_TRUNK);
        assertThat(await(here.ipRecords().find(ACCOUNT, clashing.sid()))).contains(other);
        assertThat(said).hasSize(3);
    }

    @Test
    void aDryRunWritesNothingAndSaysWhatItWouldDo() throws Exception {
        IpRecord record = await(sourceRecords.create(ACCOUNT, CreateIpRecord.of("203.0.113.0")
                .withCidrPrefixLength(24)));
        await(sourceMappings.create(ACCOUNT, new CreateSourceIpMapping(record.sid(), TRUNK)));

        Import.Report report = importing(true);

        assertThat(report.records()).isEqualTo(new Import.Counts(1, 0, 0));
        assertThat(report.mappings()).isEqualTo(new Import.Counts(1, 0, 0));
        assertThat(await(here.ipRecords().find(ACCOUNT, record.sid()))).isEmpty();
        assertThat(said).first().asString().startsWith("import: would create IP record " + record.sid());
        assertThat(report.summary()).contains("1 would be created", "dry run: nothing written");
    }

    @Test
    void theImportCommandCopiesIntoTheEmbeddedStoreWhichTheServerThenServes(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        IpRecord record = await(sourceRecords.create(ACCOUNT, CreateIpRecord.of("203.0.113.0")
                .withCidrPrefixLength(24).withFriendlyName("office")));
        SourceIpMapping mapping = await(sourceMappings.create(ACCOUNT,
                new CreateSourceIpMapping(record.sid(), TRUNK)));
        java.util.Map<String, String> env = java.util.Map.of("TWILIO_ACCOUNT_SID", ACCOUNT.value(),
                "TWILIO_AUTH_TOKEN", TOKEN);
        String data = dir.resolve("data").toString();
        String[] command = {"import", "--from", sourceUrl, "--store", "embedded", "--data-dir", data};

        var first = new java.io.StringWriter();
        assertThat(ServerCommand.execute(command, env, new java.io.BufferedReader(new java.io.StringReader("")),
                new java.io.PrintWriter(first, true), new java.io.PrintWriter(first, true), s -> {
                })).isZero();
        var second = new java.io.StringWriter();
        assertThat(ServerCommand.execute(command, env, new java.io.BufferedReader(new java.io.StringReader("")),
                new java.io.PrintWriter(second, true), new java.io.PrintWriter(second, true), s -> {
                })).isZero();

        assertThat(first.toString()).contains("import: created IP record " + record.sid(),
                "import: created source IP mapping " + mapping.sid(),
                "import: IP records: 1 created, 0 updated, 0 unchanged; source IP mappings: 1 created");
        assertThat(second.toString()).contains("IP records: 0 created, 0 updated, 1 unchanged; "
                + "source IP mappings: 0 created, 0 updated, 1 unchanged; 0 conflict(s)");
        try (SipmapServer server = SipmapServer.run(Settings.of("127.0.0.1", 0, ACCOUNT, TOKEN)
                .with(Settings.Store.embedded(java.nio.file.Path.of(data))));
             SipmapClient copy = SipmapClient.builder().baseUrl(server.baseUrl()).accountCredentials(ACCOUNT, TOKEN)
                     .build()) {
            assertThat(await(copy.ipRecords().fetch(ACCOUNT, record.sid()))).isEqualTo(record);
            assertThat(await(copy.sourceIpMappings().fetch(ACCOUNT, mapping.sid()))).isEqualTo(mapping);
            assertThat(await(copy.sipDomainResolver().resolve(ACCOUNT, Ipv4Address.parse("203.0.113.77"))))
                    .hasValueSatisfying(r -> assertThat(r.mappingSid()).isEqualTo(mapping.sid()));
        }
        assertThat(ServerCommandTestSupport.errorOf("import", "--store", "embedded"))
                .contains("import needs the account to copy");
        var refused = new java.io.StringWriter();
        assertThat(ServerCommand.execute(new String[] {"import", "--store", "memory"}, env,
                new java.io.BufferedReader(new java.io.StringReader("")), new java.io.PrintWriter(refused, true),
                new java.io.PrintWriter(refused, true), s -> {
                })).isEqualTo(2);
        assertThat(refused.toString()).contains("would keep nothing");
    }
}
