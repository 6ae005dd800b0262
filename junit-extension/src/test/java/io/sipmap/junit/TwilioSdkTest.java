package io.sipmap.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.twilio.Twilio;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.voice.v1.IpRecord;
import com.twilio.rest.voice.v1.SourceIpMapping;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Twilio's Java SDK, through the injected client and through its static default client. */
@SipmapTest
class TwilioSdkTest {

    static final String DOMAIN = "SD" + "7".repeat(32);

    @Test
    void createsAnIpRecordAndAMappingThenListsThem(TwilioRestClient twilio, SipmapServerInfo server) {
        IpRecord record = IpRecord.creator("203.0.113.0").setCidrPrefixLength(24).setFriendlyName("branch")
                .create(twilio);
        SourceIpMapping mapping = SourceIpMapping.creator(record.getSid(), DOMAIN).create(twilio);

        List<IpRecord> records = new ArrayList<>();
        IpRecord.reader().read(twilio).forEach(records::add);
        List<SourceIpMapping> mappings = new ArrayList<>();
        SourceIpMapping.reader().read(twilio).forEach(mappings::add);

        assertThat(records).containsExactly(record);
        assertThat(records.get(0).getAccountSid()).isEqualTo(server.accountSid());
        assertThat(records.get(0).getUrl()).isEqualTo(URI.create(server.baseUrl() + "/v1/IpRecords/"
                + record.getSid()));
        assertThat(mappings).containsExactly(mapping);
        assertThat(mappings.get(0).getIpRecordSid()).isEqualTo(record.getSid());
        assertThat(mappings.get(0).getSipDomainSid()).isEqualTo(DOMAIN);
    }

    /** Code that calls the SDK's static API, which uses Twilio's default client, pointed at the server. */
    @Nested
    class TheDefaultClientOfTwilioInit {

        // snippet:junit-twilio-init
        @BeforeEach
        void pointTwilioAtTheServer(SipmapServerInfo server, TwilioRestClient twilio) {
            Twilio.init(server.accountSid(), server.authToken());
            Twilio.setRestClient(twilio);
        }

        @AfterEach
        void restoreTwilio() {
            Twilio.setRestClient(null); // the next getRestClient() builds Twilio's own again, from Twilio.init
        }
        // end-snippet

        @Test
        void staticCallsReachTheServer(SipmapServerInfo server) throws Exception {
            IpRecord created = IpRecord.creator("192.0.2.44").create(); // no client given: Twilio's default

            assertThat(Http.get(server, "/v1/IpRecords/" + created.getSid()).statusCode()).isEqualTo(200);
            assertThat(IpRecord.reader().read().iterator().next().getSid()).isEqualTo(created.getSid());
        }
    }
}
