package io.sipmap.api;

import io.sipmap.domain.SipDomainSid;
import java.util.Objects;

/**
 * Map a mapping's IP record to another SIP domain; the only change a mapping allows.
 *
 * @param sipDomainSid the new SIP domain
 */
public record UpdateSourceIpMapping(SipDomainSid sipDomainSid) {
    public UpdateSourceIpMapping {
        Objects.requireNonNull(sipDomainSid, "sipDomainSid");
    }
}
