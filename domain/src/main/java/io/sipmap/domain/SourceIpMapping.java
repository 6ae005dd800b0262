package io.sipmap.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A source IP mapping: it says that requests from the addresses of one IP record belong to one SIP domain. An IP
 * record has at most one mapping. Immutable; times are truncated to whole seconds, as the wire carries them.
 *
 * @param accountSid   the account that owns it
 * @param sid          its SID
 * @param ipRecordSid  the IP record it maps
 * @param sipDomainSid the SIP domain it maps to
 * @param dateCreated  when it was created
 * @param dateUpdated  when it was last changed
 */
public record SourceIpMapping(AccountSid accountSid, SourceIpMappingSid sid, IpRecordSid ipRecordSid,
                              SipDomainSid sipDomainSid, Instant dateCreated, Instant dateUpdated) {

    public SourceIpMapping {
        Objects.requireNonNull(accountSid, "accountSid");
        Objects.requireNonNull(sid, "sid");
        Objects.requireNonNull(ipRecordSid, "ipRecordSid");
        Objects.requireNonNull(sipDomainSid, "sipDomainSid");
        dateCreated = Objects.requireNonNull(dateCreated, "dateCreated").truncatedTo(ChronoUnit.SECONDS);
        dateUpdated = Objects.requireNonNull(dateUpdated, "dateUpdated").truncatedTo(ChronoUnit.SECONDS);
        if (dateUpdated.equals(dateCreated)) {
            dateUpdated = dateCreated; // one object for both, as they usually are on create: one Instant less to keep
        }
    }

    /** A copy mapped to another SIP domain, updated at {@code now}. */
    public SourceIpMapping withSipDomainSid(SipDomainSid domain, Instant now) {
        return new SourceIpMapping(accountSid, sid, ipRecordSid, domain, dateCreated, now);
    }
}
