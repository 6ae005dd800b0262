package io.sipmap.junit.example;

// snippet:junit-user-code
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.voice.v1.IpRecord;
import com.twilio.rest.voice.v1.SourceIpMapping;

/** Lets an office's network reach a SIP domain: registers the network, then maps it. */
public final class OfficeNetworks {

    private final TwilioRestClient twilio;

    public OfficeNetworks(TwilioRestClient twilio) {
        this.twilio = twilio;
    }

    /** @return the SID of the new source IP mapping */
    public String allow(String network, int prefixLength, String office, String sipDomainSid) {
        IpRecord record = IpRecord.creator(network)
                .setCidrPrefixLength(prefixLength)
                .setFriendlyName(office)
                .create(twilio);
        return SourceIpMapping.creator(record.getSid(), sipDomainSid).create(twilio).getSid();
    }
}
// end-snippet
