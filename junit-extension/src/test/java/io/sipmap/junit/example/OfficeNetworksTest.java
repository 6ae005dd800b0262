package io.sipmap.junit.example;

// snippet:junit-user-test
import static org.assertj.core.api.Assertions.assertThat;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.voice.v1.IpRecord;
import com.twilio.rest.voice.v1.SourceIpMapping;
import io.sipmap.junit.SipmapTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@SipmapTest // a sipmap server on a free port, each test starting with an empty account
class OfficeNetworksTest {

    static final String SIP_DOMAIN = "SD0123456789abcdef0123456789abcdef";

    @Test
    void mapsTheOfficeNetworkToTheSipDomain(TwilioRestClient twilio) { // its requests reach the sipmap server
        String mapping = new OfficeNetworks(twilio).allow("203.0.113.0", 24, "Lyon office", SIP_DOMAIN);

        List<SourceIpMapping> mappings = new ArrayList<>();
        SourceIpMapping.reader().read(twilio).forEach(mappings::add);
        assertThat(mappings).extracting(SourceIpMapping::getSid).containsExactly(mapping);
        assertThat(mappings.get(0).getSipDomainSid()).isEqualTo(SIP_DOMAIN);

        List<IpRecord> records = new ArrayList<>();
        IpRecord.reader().read(twilio).forEach(records::add);
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.getSid()).isEqualTo(mappings.get(0).getIpRecordSid());
            assertThat(record.getIpAddress()).isEqualTo("203.0.113.0");
            assertThat(record.getCidrPrefixLength()).isEqualTo(24);
            assertThat(record.getFriendlyName()).isEqualTo("Lyon office");
        });
    }
}
// end-snippet
