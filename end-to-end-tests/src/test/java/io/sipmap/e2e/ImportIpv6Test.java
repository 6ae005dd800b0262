package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.service.Import;
import io.sipmap.service.ResolutionService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Import} of IPv6 records from a Twilio-compatible API (a second local server, on a real socket, read through
 * the client as the import command reads Twilio) into in-memory stores: SIDs and dates kept, resolvable here.
 */
class ImportIpv6Test {

    static final SipDomainSid TRUNK = SipDomainSid.ofHex("1".repeat(32));
    static final SipDomainSid OFFICE = SipDomainSid.ofHex("2".repeat(32));

    private LocalServer source;
    private SipmapClient client;
    private final InMemoryStores here = InMemoryStores.create();
    private final List<String> said = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        source = new LocalServer();
        client = SipmapClient.builder().baseUrl(source.base).accountCredentials(LocalServer.ACCOUNT, LocalServer.TOKEN)
                .vertx(source.vertx).build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        source.close();
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private Import.Report importing() throws Exception {
        return await(Import.run(LocalServer.ACCOUNT, client.ipRecords(), client.sourceIpMappings(), here.ipRecords(),
                here.sourceIpMappings(), false, said::add));
    }

    private static <T> List<T> all(Function<PageRequest, CompletionStage<Page<T>>> list) throws Exception {
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

    @Test
    void importsIpv6RecordsWithTheirSidsAndDatesBesideIpv4OnesAndASecondRunChangesNothing() throws Exception {
        for (int i = 0; i < 1_200; i++) { // two source pages
            String address = i % 3 == 0 ? "192.0.2." + (i % 256) : "2001:db8:" + Integer.toHexString(i) + "::" + i;
            int length = i % 3 == 0 ? 32 : new int[] {48, 64, 127, 128}[i % 4];
            IpRecord record = await(source.ipRecords.create(LocalServer.ACCOUNT, CreateIpRecord.of(address)
                    .withCidrPrefixLength(length).withFriendlyName(i % 5 == 0 ? null : "pbx " + i)));
            if (i % 2 == 0) {
                await(source.sourceIpMappings.create(LocalServer.ACCOUNT, new CreateSourceIpMapping(record.sid(),
                        record.ipAddress().isIpv6() ? TRUNK : OFFICE)));
            }
        }

        Import.Report first = importing();

        List<IpRecord> sourceRecords = all(r -> source.ipRecords.list(LocalServer.ACCOUNT, r));
        List<SourceIpMapping> sourceMappings = all(r -> source.sourceIpMappings.list(LocalServer.ACCOUNT, r));
        assertThat(sourceRecords).filteredOn(r -> r.ipAddress().isIpv6()).hasSize(800);
        assertThat(all(r -> here.ipRecords().page(LocalServer.ACCOUNT, r))).containsExactlyElementsOf(sourceRecords);
        assertThat(all(r -> here.sourceIpMappings().page(LocalServer.ACCOUNT, r)))
                .containsExactlyElementsOf(sourceMappings);
        assertThat(first.records()).isEqualTo(new Import.Counts(1_200, 0, 0));
        assertThat(first.mappings()).isEqualTo(new Import.Counts(600, 0, 0));
        assertThat(first.conflicts()).isEmpty();

        Optional<Resolution> resolved = await(new ResolutionService(here.resolutions())
                .resolve(LocalServer.ACCOUNT, IpAddress.parse("2001:db8:4:ffff::1")));
        assertThat(resolved.map(Resolution::sipDomainSid)).contains(TRUNK);
        assertThat(resolved.orElseThrow().prefix().toString()).isEqualTo("2001:db8:4::4/48");

        Import.Report second = importing();
        assertThat(second.records()).isEqualTo(new Import.Counts(0, 0, 1_200));
        assertThat(second.mappings()).isEqualTo(new Import.Counts(0, 0, 600));
    }
}
