package io.sipmap.api;

import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.SipDomainSid;
import java.util.Objects;

/**
 * Map an IP record to a SIP domain.
 *
 * @param ipRecordSid  an existing IP record of the account, not mapped yet
 * @param sipDomainSid the SIP domain
 */
public record CreateSourceIpMapping(IpRecordSid ipRecordSid, SipDomainSid sipDomainSid) {
    public CreateSourceIpMapping {
        Objects.requireNonNull(ipRecordSid, "ipRecordSid");
        Objects.requireNonNull(sipDomainSid, "sipDomainSid");
    }
}
