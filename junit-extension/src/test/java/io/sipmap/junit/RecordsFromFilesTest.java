package io.sipmap.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Records files in Twilio's own list shapes, loaded keeping SIDs and dates, into the server's account. */
class RecordsFromFilesTest {

    static final String OFFICE = "IL00000000000000000000000000000001";
    static final String HOME = "IL00000000000000000000000000000002";
    static final String MAPPING = "IB00000000000000000000000000000001";

    @Nested
    class FromTheBuilder {

        @RegisterExtension
        static final SipmapExtension SIPMAP = SipmapExtension.builder()
                .records(Path.of("src/test/resources/records/ip-records.json"))
                .records("classpath:records/source-ip-mappings.json")
                .build();

        @Test
        void servesTheFilesRecordsAsTheyWere(SipmapClient client, SipmapServerInfo server) throws Exception {
            var records = client.ipRecords().list(server.account(), PageRequest.first())
                    .toCompletableFuture().get(10, TimeUnit.SECONDS).items();

            assertThat(records).extracting(r -> r.sid().value()).containsExactly(OFFICE, HOME);
            IpRecord office = records.get(0);
            assertThat(office.accountSid()).isEqualTo(server.account()); // not the file's account
            assertThat(office.friendlyName()).isEqualTo("office");
            assertThat(office.prefix().toString()).isEqualTo("192.0.2.0/24");
            assertThat(office.dateCreated()).isEqualTo(Instant.parse("2020-03-18T23:31:36Z"));
            assertThat(office.dateUpdated()).isEqualTo(Instant.parse("2021-01-02T03:04:05Z"));
            assertThat(records.get(1).friendlyName()).isNull();

            SourceIpMapping mapping = client.sourceIpMappings()
                    .fetch(server.account(), SourceIpMappingSid.parse(MAPPING, "sid"))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(mapping.ipRecordSid()).isEqualTo(IpRecordSid.parse(OFFICE, "sid"));
            assertThat(mapping.sipDomainSid().value()).isEqualTo("SD00000000000000000000000000000001");
            assertThat(mapping.dateCreated()).isEqualTo(Instant.parse("2020-03-20T10:00:00Z"));
        }

        @Test
        void reloadsThemForEachTestAfterWhatTheTestBeforeDid(SipmapServerInfo server) throws Exception {
            // whichever of the two tests runs first deletes the mapping: the other still finds it
            assertThat(Http.get(server, "/v1/SourceIpMappings/" + MAPPING).statusCode()).isEqualTo(200);
            assertThat(Http.delete(server, "/v1/SourceIpMappings/" + MAPPING).statusCode()).isEqualTo(204);
        }
    }

    @Nested
    class Ipv6 {

        @RegisterExtension
        static final SipmapExtension SIPMAP = SipmapExtension.builder()
                .records("classpath:records/ipv6-records.json")
                .build();

        @Test
        void servesAndResolvesTheFilesIpv6Records(SipmapClient client, SipmapServerInfo server) throws Exception {
            var records = client.ipRecords().list(server.account(), PageRequest.first())
                    .toCompletableFuture().get(10, TimeUnit.SECONDS).items();

            assertThat(records).extracting(r -> r.prefix().toString())
                    .containsExactly("2001:db8:a::5/48", "2001:db8:a::77/128", "192.0.2.0/24");
            assertThat(records.get(0).dateUpdated()).isEqualTo(Instant.parse("2021-01-02T03:04:05Z"));
            assertThat(Http.get(server, "/v1/IpRecords/IL00000000000000000000000000000061").body())
                    .contains("\"ip_address\":\"2001:db8:a::5\"");
            var resolved = client.sipDomainResolver().resolve(server.account(), IpAddress.parse("2001:db8:a:1::1"))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(resolved.sipDomainSid().value()).isEqualTo("SD00000000000000000000000000000061");
        }
    }

    @Nested
    @SipmapTest(records = {"classpath:records/ip-records.json", "classpath:records/source-ip-mappings.json"},
            state = State.PER_CLASS)
    class FromTheAnnotation {

        @Test
        void servesThemToo(SipmapServerInfo server) throws Exception {
            assertThat(Http.get(server, "/v1/IpRecords/" + HOME).body())
                    .contains("\"date_created\":\"2020-03-19T08:00:00Z\"");
            assertThat(Http.get(server, "/v1/SourceIpMappings").body()).contains(MAPPING);
        }
    }
}
